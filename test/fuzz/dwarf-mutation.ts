/**
 * DWARF mutation: mutants of programs/debuginfo's debug information (DWARF 4 inside a V0 ELF,
 * DWARF 5 inside a V3 ELF, DWARF 5 in a separate .debug file) are read by `SourceMap.fromElf`, and
 * every slot of the program is located and backtraced. Reading must either succeed or refuse with
 * a `DebugInfoError`; any other exception is a finding.
 */
import { readFileSync } from 'node:fs';
import { DebugInfoError, loadElf, SourceMap, type Executable } from '../../src/index.js';
import type { Rng } from '../jit/fuzz.js';
import { runCases, type CampaignOptions, type CampaignReport } from './campaign.js';

const BIN = new URL('../../programs/bin/', import.meta.url);
const read = (name: string) => new Uint8Array(readFileSync(new URL(name, BIN)));

/** What a mutant is made from: the bytes mutated, and how they are read (as the program or as its debug file). */
interface Base {
  bytes: Uint8Array;
  program?: Uint8Array;
  exe: Executable;
  /** File ranges of the debug sections, where most mutations go. */
  debugRanges: [number, number][];
}

/** The file ranges of sections whose names start with `.debug_` or `.BTF`. */
function debugRanges(elf: Uint8Array): [number, number][] {
  const v = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const shoff = Number(v.getBigUint64(40, true));
  const shnum = v.getUint16(60, true);
  const strtab = shoff + 64 * v.getUint16(62, true);
  const names = Number(v.getBigUint64(strtab + 24, true));
  const ranges: [number, number][] = [];
  for (let i = 0; i < shnum; i++) {
    const o = shoff + 64 * i;
    const start = names + v.getUint32(o, true);
    const name = new TextDecoder().decode(elf.subarray(start, elf.indexOf(0, start)));
    const offset = Number(v.getBigUint64(o + 24, true));
    if (name.startsWith('.debug_') || name.startsWith('.BTF')) ranges.push([offset, offset + Number(v.getBigUint64(o + 32, true))]);
  }
  return ranges;
}

function bases(): Base[] {
  const base = (name: string, programName?: string): Base => {
    const bytes = read(name);
    const program = programName ? read(programName) : undefined;
    return { bytes, program, exe: loadElf(program ?? bytes), debugRanges: debugRanges(bytes) };
  };
  return [base('debuginfo.so'), base('debuginfo.v3.so'), base('debuginfo.split.debug', 'debuginfo.split.so')];
}

/**
 * A mutant: a few bytes of the debug sections overwritten (small values, boundaries and random
 * bytes, where lengths, forms and opcodes live), a run of them zeroed, or the file truncated.
 */
function mutate(base: Base, rng: Rng): Uint8Array {
  const b = base.bytes.slice();
  const choice = rng.next();
  if (choice < 0.1) return b.subarray(0, rng.int(b.length));
  const [start, end] = rng.pick(base.debugRanges);
  const at = () => start + rng.int(Math.max(1, end - start));
  if (choice < 0.2) {
    const from = at();
    b.fill(0, from, Math.min(end, from + 1 + rng.int(16)));
    return b;
  }
  const flips = 1 + rng.int(6);
  for (let f = 0; f < flips; f++) b[rng.next() < 0.95 ? at() : rng.int(b.length)] = rng.pick([0, 1, 2, 0x7f, 0x80, 0xff, rng.int(256)]);
  return b;
}

export async function dwarfMutation(options: CampaignOptions): Promise<CampaignReport> {
  const pool = bases();
  return runCases(options, (rng) => {
    const base = rng.pick(pool);
    const mutant = mutate(base, rng);
    let map: SourceMap;
    try {
      map = base.program ? SourceMap.fromElf(base.program, { exe: base.exe, debugFile: mutant }) : SourceMap.fromElf(mutant, { exe: base.exe });
    } catch (e) {
      if (e instanceof DebugInfoError) return `refused: ${e.kind}`;
      throw new Error(
        `reading threw an untyped ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}: ${Buffer.from(mutant).toString('base64')}`,
        {
          cause: e,
        },
      );
    }
    const slots = base.exe.text.length / 8;
    try {
      for (let pc = 0; pc < slots; pc++) map.backtrace(pc, [rng.int(slots + 2), rng.int(slots + 2)]).toString();
    } catch (e) {
      throw new Error(`locating threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}: ${Buffer.from(mutant).toString('base64')}`, {
        cause: e,
      });
    }
    return map.hasLines ? 'read, with lines' : 'read, names only';
  });
}
