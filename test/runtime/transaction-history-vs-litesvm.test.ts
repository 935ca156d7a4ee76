/**
 * The transaction history: which transactions `getTransaction` still finds, and which a re-send
 * refuses as AlreadyProcessed, after the same sends and `withTransactionHistory` calls as LiteSVM
 * (whose history size follows its hash map's allocation, not simply the number asked for).
 */
import { describe, expect, it } from 'vitest';
import { generateKeyPairSigner, getSignatureFromTransaction, getTransactionEncoder, type Transaction } from '@solana/kit';
import { Dual, systemTransfer } from '../helpers/dual.js';
import { TransactionMetadata } from '../../src/index.js';

type Step = number | { capacity: number };

/** Runs `steps` on both (a number: send that many new transfers) and compares what each history holds. */
async function compare(steps: Step[]): Promise<string> {
  const d = await Dual.create();
  d.ours.withSigverify(false);
  d.theirs.withSigverify(false);
  const to = (await generateKeyPairSigner()).address;
  const sent: Transaction[] = [];
  for (const step of steps) {
    if (typeof step === 'object') {
      d.ours.withTransactionHistory(step.capacity);
      d.theirs.withTransactionHistory(BigInt(step.capacity));
      continue;
    }
    for (let i = 0; i < step; i++) {
      const tx = await d.transaction([systemTransfer(d.payer, to, 1_000_000n + BigInt(sent.length))]);
      const r = d.send(tx);
      expect(r.ours.error ?? r.theirs.error).toBeUndefined();
      sent.push(tx);
    }
  }
  const held = (svm: Pick<typeof d.ours, 'getTransaction'>) => sent.map((tx) => (svm.getTransaction(getSignatureFromTransaction(tx)) ? '1' : '0')).join('');
  const ours = held(d.ours);
  expect(ours).toBe(held(d.theirs as unknown as typeof d.ours));
  return ours;
}

const count = (held: string) => held.split('').filter((c) => c === '1').length;

describe('transaction history: websvm vs LiteSVM', () => {
  it('keeps 32 by default, evicting the oldest first', async () => {
    expect(count(await compare([40]))).toBe(32);
  });

  it('sizes the history as LiteSVM rounds it, from a new simulator', async () => {
    for (const capacity of [0, 1, 10, 32, 33, 63, 64, 100]) await compare([{ capacity }, capacity + 12]);
  });

  it('truncation keeps the oldest held; growing after evictions; re-enabling after 0', async () => {
    await compare([40, { capacity: 10 }, 5]);
    await compare([5, { capacity: 100 }, 120]);
    await compare([36, { capacity: 70 }, 60]);
    await compare([{ capacity: 0 }, 3, { capacity: 10 }, 20]);
    await compare([3, { capacity: 3 }, 2, { capacity: 40 }, 45]);
  });

  it('a re-sent transaction is AlreadyProcessed while held, and runs again once evicted', async () => {
    const d = await Dual.create();
    d.ours.withTransactionHistory(1);
    d.theirs.withTransactionHistory(1n);
    const to = (await generateKeyPairSigner()).address;
    const first = await d.transaction([systemTransfer(d.payer, to, 1_000_000n)]);
    const second = await d.transaction([systemTransfer(d.payer, to, 2_000_000n)]);
    for (const [tx, error] of [
      [first, undefined],
      [first, 'AlreadyProcessed'],
      [second, undefined],
      [first, undefined],
    ] as const) {
      const r = d.send(tx);
      expect(r.ours).toEqual(r.theirs);
      expect(r.ours.error).toBe(error);
    }
  });

  it('keeps its own copy of a signature sent in a Buffer the caller then reuses (as LiteSVM decodes into its own)', async () => {
    const d = await Dual.create();
    const to = (await generateKeyPairSigner()).address;
    const tx = await d.transaction([systemTransfer(d.payer, to, 1_000_000n)]);
    const wire = Buffer.from(getTransactionEncoder().encode(tx));
    expect(d.ours.sendTransaction(wire)).toBeInstanceOf(TransactionMetadata);
    wire.fill(7);
    const held = d.ours.getTransaction(getSignatureFromTransaction(tx));
    expect(held instanceof TransactionMetadata && held.signature()).toEqual(new Uint8Array(tx.signatures[d.payer.address]!));
  });
});
