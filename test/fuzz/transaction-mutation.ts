/**
 * Transaction mutation against LiteSVM: signed transactions (a transfer, a memo, a compute-budget
 * instruction, legacy and v0) with their message bytes mutated — bytes overwritten, cut short or
 * lengthened — sent to both sides with signature checks off, so that mutants get past the
 * signature check into sanitizing, loading and execution. Both must refuse the same way or give the
 * same observations (result, logs, compute units, String() forms, the accounts involved);
 * websvm may only throw a typed error, where LiteSVM throws. LiteSVM aborts the whole process on
 * some message bytes it cannot deserialize, so mutants that do not decode as a message (checked
 * with @solana/kit's codec: decoding and encoding again gives the same bytes) go to websvm alone,
 * which must refuse them with a typed error.
 */
import { address, getAddressDecoder, getCompiledTransactionMessageDecoder, getCompiledTransactionMessageEncoder, type Transaction } from '@solana/kit';
import { WebsvmError } from '../../src/index.js';
import { BUNDLED } from '../helpers/bundled-programs.js';
import { Dual, observeBoth, systemTransfer } from '../helpers/dual.js';
import { bytes, u32 } from '../helpers/encoding.js';
import type { Rng } from '../jit/fuzz.js';
import { runCases, type CampaignOptions, type CampaignReport } from './campaign.js';

const COMPUTE_BUDGET = address('ComputeBudget111111111111111111111111111111');

/** `base` with a few bytes overwritten, or cut short, or with random bytes appended. */
function mutateBytes(base: Uint8Array, rng: Rng): Uint8Array {
  const roll = rng.next();
  if (roll < 0.15) return base.slice(0, rng.int(base.length));
  if (roll < 0.25) return Uint8Array.from([...base, ...Array.from({ length: 1 + rng.int(40) }, () => rng.int(256))]);
  const out = base.slice();
  const flips = 1 + rng.int(3);
  for (let f = 0; f < flips; f++) out[rng.int(out.length)] = rng.next() < 0.5 ? rng.int(256) : out[rng.int(out.length)] ^ (1 << rng.int(8));
  return out;
}

const messageDecoder = getCompiledTransactionMessageDecoder();
const messageEncoder = getCompiledTransactionMessageEncoder();

/** Whether `bytes` are a message as the wire format defines it (nothing missing, nothing after it). */
function wellFormed(bytes: Uint8Array): boolean {
  try {
    return Buffer.from(messageEncoder.encode(messageDecoder.decode(bytes))).equals(bytes);
  } catch {
    return false;
  }
}

/** What a side did: threw (with a typed error, for websvm) or returned a result. */
type Outcome = { threw: true } | { threw: false; result: unknown };

function attempt(side: string, send: () => unknown, typed: (e: unknown) => boolean): Outcome {
  try {
    return { threw: false, result: send() };
  } catch (e) {
    if (!typed(e)) throw new Error(`${side} threw an untyped ${e instanceof Error ? e.constructor.name : typeof e}: ${String(e)}`, { cause: e });
    return { threw: true };
  }
}

export async function transactionMutation(options: CampaignOptions): Promise<CampaignReport> {
  const d = await Dual.create();
  d.ours.withSigverify(false);
  d.theirs.withSigverify(false);
  const decodeAddress = getAddressDecoder();
  const memo = address(BUNDLED.memoV2);
  const others = Array.from({ length: 3 }, (_, i) => decodeAddress.decode(Uint8Array.from({ length: 32 }, (_, j) => (i * 71 + j * 13 + 1) & 0xff)));
  const bases: Transaction[] = [
    await d.transaction([systemTransfer(d.payer, others[0], 1_000_000n)]),
    await d.transaction([{ programAddress: memo, accounts: [], data: new TextEncoder().encode('fuzz') }]),
    await d.transaction([{ programAddress: COMPUTE_BUDGET, accounts: [], data: bytes(2, u32(50_000)) }, systemTransfer(d.payer, others[1], 2_000_000n)]),
  ];
  return runCases(options, (rng) => {
    const base = bases[rng.int(bases.length)];
    const mutated = mutateBytes(Uint8Array.from(base.messageBytes), rng);
    const tx = { ...base, messageBytes: mutated } as unknown as Transaction;
    const ours = attempt(
      'websvm',
      () => d.ours.sendTransaction(tx),
      (e) => e instanceof WebsvmError,
    );
    const message = Buffer.from(mutated).toString('base64');
    if (!wellFormed(mutated)) {
      if (!ours.threw) throw new Error(`websvm took a malformed message: ${message}`);
      return 'malformed: websvm refuses';
    }
    const theirs = attempt(
      'LiteSVM',
      () => d.theirs.sendTransaction(tx),
      () => true,
    );
    if (ours.threw !== theirs.threw)
      throw new Error(`websvm ${ours.threw ? 'throws' : 'returns'}, LiteSVM ${theirs.threw ? 'throws' : 'returns'}: message ${message}`);
    if (ours.threw || theirs.threw) return 'both throw';
    const r = observeBoth(ours.result as never, theirs.result as never);
    const text = (o: unknown) => JSON.stringify(o, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    if (text(r.ours) !== text(r.theirs)) throw new Error(`results differ: ours ${text(r.ours)} theirs ${text(r.theirs)} message ${message}`);
    for (const a of [d.payer.address, ...others]) {
      const held = d.account(a);
      if (text(held.ours) !== text(held.theirs))
        throw new Error(`account ${a} differs afterwards: ours ${text(held.ours)} theirs ${text(held.theirs)} message ${message}`);
    }
    return r.ours.error === undefined ? 'both succeed' : `both fail (${r.ours.error.replace(/\(.*$/, '')})`;
  });
}
