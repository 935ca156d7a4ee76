/**
 * ELF mutation against LiteSVM's loader: mutants of real ELFs (our C programs in V0 and V3 form,
 * SPL Memo) are deployed on both sides with `addProgram`. Both must accept or both refuse; when
 * both accept, an instruction to the program must give the same observations on both (result,
 * logs, compute units, every String() form). websvm must only ever refuse with a typed error.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { address, getAddressDecoder } from '@solana/kit';
import { ElfError, WebsvmError } from '../../src/index.js';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';
import { Dual } from '../helpers/dual.js';
import type { Rng } from '../jit/fuzz.js';
import { runCases, type CampaignOptions, type CampaignReport } from './campaign.js';

const BIN = new URL('../../programs/bin/', import.meta.url);

/** The ELFs mutants start from. */
function bases(): Uint8Array[] {
  const small = readdirSync(BIN)
    .filter((f) => f.endsWith('.so'))
    .map((f) => new Uint8Array(readFileSync(new URL(f, BIN))))
    .filter((b) => b.length < 16 * 1024);
  return [...small, bundledElf(BUNDLED.memoV2)];
}

/**
 * A mutant of `base`: truncated, or a few bytes overwritten (mostly in the headers, where the
 * structure is), sometimes with the ELF flags (the sBPF version) replaced.
 */
export function mutateElf(base: Uint8Array, rng: Rng): Uint8Array {
  let b = base.slice();
  if (rng.next() < 0.2) b = b.subarray(0, rng.int(b.length));
  else {
    const flips = 1 + rng.int(4);
    for (let f = 0; f < flips; f++) b[rng.int(rng.next() < 0.7 ? Math.min(b.length, 256) : b.length)] = rng.int(256);
  }
  if (rng.next() < 0.3 && b.length >= 52) new DataView(b.buffer, b.byteOffset).setUint32(48, rng.int(5), true);
  return b;
}

/** Whether `deploy` accepted the ELF; a refusal must be a typed error. */
function accepts(side: string, deploy: () => void, typed: (e: unknown) => boolean): boolean {
  try {
    deploy();
    return true;
  } catch (e) {
    if (!typed(e)) throw new Error(`${side} refused with an untyped ${e instanceof Error ? e.constructor.name : typeof e}: ${String(e)}`, { cause: e });
    return false;
  }
}

/**
 * Programs a pair of simulators takes before the campaign starts a new pair: LiteSVM maps three
 * memory regions for each program it loads (its JIT code), and a process may hold 65 530 mappings.
 */
const PROGRAMS_PER_PAIR = 4000;

export async function elfMutation(options: CampaignOptions): Promise<CampaignReport> {
  const pool = bases();
  let d = await Dual.create();
  let deployed = 0;
  const decodeAddress = getAddressDecoder();
  return runCases(options, async (rng) => {
    if (deployed >= PROGRAMS_PER_PAIR) {
      d = await Dual.create();
      deployed = 0;
    }
    const elf = mutateElf(pool[rng.int(pool.length)], rng);
    const id = address(decodeAddress.decode(Uint8Array.from({ length: 32 }, () => rng.int(256))));
    const ours = accepts(
      'websvm',
      () => d.ours.addProgram(id, elf),
      (e) => e instanceof ElfError || e instanceof WebsvmError,
    );
    const theirs = accepts(
      'LiteSVM',
      () => d.theirs.addProgram(id, elf),
      () => true,
    );
    if (theirs) deployed++;
    if (ours !== theirs)
      throw new Error(`websvm ${ours ? 'accepts' : 'refuses'} an ELF LiteSVM ${theirs ? 'accepts' : 'refuses'}: ${Buffer.from(elf).toString('base64')}`);
    if (!ours) return 'both refuse';
    const data = Uint8Array.from({ length: rng.int(16) }, () => rng.int(256));
    const r = d.send(await d.transaction([{ programAddress: id, accounts: [], data }]));
    if (JSON.stringify(r.ours, bigints) !== JSON.stringify(r.theirs, bigints)) {
      throw new Error(
        `runs differ: ours ${JSON.stringify(r.ours, bigints)} theirs ${JSON.stringify(r.theirs, bigints)} elf ${Buffer.from(elf).toString('base64')}`,
      );
    }
    return r.ours.error === undefined ? 'both accept, run succeeds' : 'both accept, run fails';
  });
}

const bigints = (_: string, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v);
