/**
 * DWARF and BTF mutation: mutants of the debug information of programs/debuginfo and
 * programs/values (DWARF 3 and 4 inside V0 ELFs, DWARF 5 inside V3 ELFs and in a separate .debug
 * file, and BTF alone in ELFs whose DWARF is removed) are read by `SourceMap.fromElf`, every slot
 * of the program is located and backtraced, and at a few slots the debugger's typed values are
 * shown — locals, arguments at entry and globals, expanded a few levels, over registers and
 * memory of arbitrary bytes — and expressions on them evaluated. Reading must either succeed or
 * refuse with a `DebugInfoError`, showing never throws, and evaluating throws only an
 * `ExpressionError`; any other exception is a finding.
 */
import { readFileSync } from 'node:fs';
import { ExpressionError } from '../../src/debugger/expression.js';
import { FrameValues, type TypedValue } from '../../src/debugger/values.js';
import { DebugInfoError, loadElf, SourceMap, type Executable } from '../../src/index.js';
import { withoutDwarf } from '../helpers/encoding.js';
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
  const base = (bytes: Uint8Array, program?: Uint8Array): Base => ({ bytes, program, exe: loadElf(program ?? bytes), debugRanges: debugRanges(bytes) });
  return [
    base(read('debuginfo.so')),
    base(read('debuginfo.v3.so')),
    base(read('debuginfo.split.debug'), read('debuginfo.split.so')),
    base(read('values.so')),
    base(read('values.v3.so')),
    base(read('values.dwarf3.so')),
    base(withoutDwarf(read('values.so'))),
    base(withoutDwarf(read('values.v3.so'))),
  ];
}

/** Slots per case whose values are shown, members and elements shown per level, and levels. */
const SLOTS_SHOWN = 3;
const CHILDREN_SHOWN = 8;
const LEVELS_SHOWN = 3;

/** Memory of arbitrary (but fixed) bytes in the stack, heap and input regions, nothing elsewhere. */
const memory = {
  read(address: bigint, count: number): Uint8Array {
    if (address < 0x2_0000_0000n || address >= 0x5_0000_0000n) return new Uint8Array(0);
    return Uint8Array.from({ length: count }, (_, i) => Number((address + BigInt(i)) * 0x9e37n) & 0xff);
  },
};

/** Shows the values at slot `pc` as the debugger would, and evaluates expressions on them; returns how many values it showed. */
function showValues(map: SourceMap, exe: Executable, pc: number, rng: Rng): number {
  const register = () => rng.pick([0n, 1n, 0x2_0000_1000n, 0x4_0000_0000n, (1n << 64n) - 1n, BigInt(rng.int(2 ** 31))]);
  const registers = new Map(Array.from({ length: 11 }, (_, i) => [`r${i}`, register()] as [string, bigint]));
  const variables = map.variablesAt(pc)[0] ?? [];
  const parameters = map.argumentsAt(pc);
  const values = new FrameValues({
    map,
    exe,
    memory,
    registers,
    pc,
    variables,
    ...(parameters ? { entry: { parameters, registers: Array.from({ length: 5 }, register) } } : {}),
  });
  let shown = 0;
  const expand = (list: TypedValue[] | undefined, level: number): void => {
    for (const v of (list ?? []).slice(0, CHILDREN_SHOWN)) {
      shown++;
      if (level < LEVELS_SHOWN && v.children) expand(v.children(), level + 1);
    }
  };
  expand(values.locals(), 0);
  expand(values.arguments(), 0);
  expand(values.globals(), 0);
  const names = [...variables, ...(parameters ?? []).map((p) => ({ ...p, name: `${p.name}@entry` })), ...map.globals()].map((v) => v.name);
  for (const name of names.slice(0, CHILDREN_SHOWN)) {
    for (const expression of [name, `*${name}`, `&${name}`, `${name}[1]`, `${name}->x`, `${name} + 1`, `(struct point *)${name}`, `${name}[r1]`]) {
      try {
        expand([values.evaluate(expression)], 1);
      } catch (e) {
        if (!(e instanceof ExpressionError)) throw e;
      }
    }
  }
  return shown;
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
    let shown = 0;
    try {
      for (let i = 0; i < SLOTS_SHOWN; i++) shown += showValues(map, base.exe, rng.int(slots), rng);
    } catch (e) {
      throw new Error(
        `showing values threw ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}: ${Buffer.from(mutant).toString('base64')}`,
        {
          cause: e,
        },
      );
    }
    return `${map.hasLines ? 'read, with lines' : 'read, names only'}${shown > 0 ? ', values shown' : ''}`;
  });
}
