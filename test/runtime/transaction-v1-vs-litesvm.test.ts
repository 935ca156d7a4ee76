/**
 * SIMD-0385 v1 transactions (kit's `version: 1` messages): the message first, then its signatures;
 * compute-unit limit, loaded-data limit, heap and priority fee (in lamports) come from the message
 * config, missing requests taking the smallest value, and Compute Budget instructions only run as
 * no-ops; up to 4 096 bytes. Every sanitize rule, against LiteSVM. LiteSVM runs them whether
 * `enable_tx_v1` is on or off (Agave checks that gate before its SVM sees a transaction), and so
 * does websvm.
 */
import { describe, expect, it } from 'vitest';
import {
  generateKeyPairSigner,
  setTransactionMessageComputeUnitLimit,
  setTransactionMessageHeapSize,
  setTransactionMessageLoadedAccountsDataSizeLimit,
  setTransactionMessagePriorityFeeLamports,
  signBytes,
  type Instruction,
  type KeyPairSigner,
  type Transaction,
} from '@solana/kit';
import { FeatureSet, WebsvmError } from '../../src/index.js';
import { deployBoth, Dual, systemTransfer, toggled, type V1Message } from '../helpers/dual.js';
import { bytes, programElf } from '../helpers/encoding.js';

const COMPUTE_BUDGET = 'ComputeBudget111111111111111111111111111111' as Instruction['programAddress'];
const MEMO = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr' as Instruction['programAddress'];
const ENABLE_TX_V1 = 'txv1aq4pp281K9um3tnPgkfX8UqtFT6wcVW3hNezGLL';

const budget =
  (units: number, loaded = 1 << 20) =>
  (m: V1Message) =>
    setTransactionMessageComputeUnitLimit(units, setTransactionMessageLoadedAccountsDataSizeLimit(loaded, m));

/** `tx` with its message bytes edited, signed again by `payer` alone. */
async function edited(tx: Transaction, payer: KeyPairSigner, edit: (message: Uint8Array, view: DataView) => void): Promise<Transaction> {
  const messageBytes = new Uint8Array(tx.messageBytes);
  edit(messageBytes, new DataView(messageBytes.buffer));
  const signature = await signBytes(payer.keyPair.privateKey, messageBytes);
  return {
    ...tx,
    messageBytes: messageBytes as unknown as Transaction['messageBytes'],
    signatures: { [payer.address]: signature } as Transaction['signatures'],
  };
}

/** Offsets in a v1 message: version 1, header 3, mask 4, lifetime 32, then the two counts. */
const ADDRESS_COUNT_AT = 1 + 3 + 4 + 32 + 1;
const configAt = (message: Uint8Array) => ADDRESS_COUNT_AT + 1 + 32 * message[ADDRESS_COUNT_AT];

const same = (d: Dual, tx: Transaction, accounts: string[] = []) => {
  const r = d.send(tx);
  expect(r.ours).toEqual(r.theirs);
  d.expectSameAccounts([d.payer.address, ...accounts] as never[]);
  return r.ours.error;
};

describe('v1 transactions: websvm vs LiteSVM', () => {
  it('take their limits and priority fee from the message config', async () => {
    const d = await Dual.create();
    const to = (await generateKeyPairSigner()).address;
    const other = await generateKeyPairSigner();
    const transfer = [systemTransfer(d.payer, to, 1_000_000n)];
    expect(same(d, await d.v1Transaction(transfer), [to])).toBe('MaxLoadedAccountsDataSizeExceeded');
    expect(same(d, await d.v1Transaction(transfer, (m) => setTransactionMessageLoadedAccountsDataSizeLimit(1 << 20, m)), [to])).toBe(
      'InstructionError(0, ComputationalBudgetExceeded)',
    );
    expect(same(d, await d.v1Transaction(transfer, budget(100)), [to])).toBe('InstructionError(0, ComputationalBudgetExceeded)');
    expect(same(d, await d.v1Transaction(transfer, budget(150)), [to])).toBeUndefined();
    expect(same(d, await d.v1Transaction(transfer, (m) => setTransactionMessagePriorityFeeLamports(12_345n, budget(1000)(m))), [to])).toBeUndefined();
    setBothFunded(d, other);
    const twoSigners = [systemTransfer(d.payer, to, 1_000_000n), systemTransfer(other, d.payer.address, 1n)];
    expect(
      same(d, await d.v1Transaction(twoSigners, (m) => setTransactionMessagePriorityFeeLamports(777n, budget(1000)(m))), [to, other.address]),
    ).toBeUndefined();
    expect(same(d, await d.v1Transaction(transfer, budget(150, 130)), [to])).toBe('MaxLoadedAccountsDataSizeExceeded');
    // Requests beyond the maxima are clamped: 1 400 000 units, 64 MiB.
    const base = await d.v1Transaction(transfer, budget(150));
    expect(same(d, await edited(base, d.payer, (m, v) => v.setUint32(configAt(m), 2_000_000, true)), [to])).toBeUndefined();
    expect(same(d, await edited(base, d.payer, (m, v) => v.setUint32(configAt(m) + 4, 0xffff_ffff, true)), [to])).toBeUndefined();
  });

  it('run Compute Budget instructions as no-ops, however malformed or repeated', async () => {
    const d = await Dual.create();
    const cb = (...data: number[]): Instruction => ({ programAddress: COMPUTE_BUDGET, accounts: [], data: Uint8Array.from(data) });
    for (const instructions of [[cb(9, 9)], [cb(2, 16, 0, 0, 0), cb(2, 16, 0, 0, 0)], [cb(1, 1, 0, 0, 0)], [cb(4, 0, 0, 0, 0)]]) {
      expect(same(d, await d.v1Transaction([...instructions, { programAddress: MEMO, accounts: [], data: bytes(0x61) }], budget(2000)))).toBeUndefined();
    }
  });

  it('give a program the heap they request and charge for it', async () => {
    const d = await Dual.create();
    const heap = await deployBoth(d, programElf('heap'));
    for (const size of [32 * 1024, 64 * 1024, 256 * 1024]) {
      const tx = await d.v1Transaction([{ programAddress: heap, accounts: [], data: bytes(200) }], (m) =>
        setTransactionMessageHeapSize(size, budget(200_000)(m)),
      );
      same(d, tx);
    }
  });

  it('refuse what v1 sanitizing refuses', async () => {
    const d = await Dual.create();
    const to = (await generateKeyPairSigner()).address;
    const base = await d.v1Transaction([systemTransfer(d.payer, to, 1_000_000n)], budget(1000));
    const withHeap = await d.v1Transaction([systemTransfer(d.payer, to, 1_000_000n)], (m) => setTransactionMessageHeapSize(64 * 1024, budget(1000)(m)));
    const keys = ADDRESS_COUNT_AT + 1;
    const instruction = (m: Uint8Array) => configAt(m) + 8;
    for (const tx of [
      await edited(base, d.payer, (m) => m.copyWithin(keys + 64, keys + 32, keys + 64)), // a duplicate address
      await edited(base, d.payer, (m) => (m[2] = 1)), // a read-only fee payer
      await edited(base, d.payer, (m) => (m[3] = 3)), // more read-only accounts than addresses
      await edited(base, d.payer, (m) => (m[instruction(m)] = 0)), // the fee payer as program
      await edited(base, d.payer, (m) => (m[instruction(m)] = 3)), // a program out of range
      await edited(base, d.payer, (m) => (m[instruction(m) + 4] = 3)), // an account out of range
      await edited(withHeap, d.payer, (m, v) => v.setUint32(configAt(m) + 8, 33 * 1024 + 1, true)), // a heap not in KiB
      await edited(withHeap, d.payer, (m, v) => v.setUint32(configAt(m) + 8, 512 * 1024, true)), // a heap too large
    ]) {
      expect(same(d, tx)).toBe('SanitizeFailure');
    }
  });

  it('may be 4 096 bytes long, not more', async () => {
    const d = await Dual.create();
    const memo = (n: number): Instruction => ({ programAddress: MEMO, accounts: [], data: new Uint8Array(n).fill(0x61) });
    const big = await d.v1Transaction([memo(2000)], budget(1_400_000));
    expect(same(d, big)).toBeUndefined();
    const over = await d.v1Transaction([memo(3000), memo(1000)], budget(1_400_000));
    expect(() => d.ours.sendTransaction(over)).toThrow(
      expect.objectContaining({ kind: 'TransactionTooLarge', message: expect.stringContaining('(max: 4096 bytes)') }),
    );
    expect(() => d.ours.sendTransaction(over)).toThrow(WebsvmError);
  });

  it('run with enable_tx_v1 off too, as in LiteSVM', async () => {
    const d = await Dual.create();
    const [ours, theirs] = toggled(ENABLE_TX_V1, false);
    d.ours.withFeatureSet(ours);
    d.theirs.withFeatureSet(theirs);
    const to = (await generateKeyPairSigner()).address;
    expect(same(d, await d.v1Transaction([systemTransfer(d.payer, to, 1_000_000n)], budget(1000)), [to])).toBeUndefined();
    expect(d.ours.getBalance(to)).toBe(1_000_000n);
  });
});

describe('the enable_tx_v1 gate', () => {
  it('is a feature id websvm knows', () => {
    expect(FeatureSet.mainnet().isActive(ENABLE_TX_V1)).toBe(true);
  });
});

/** Funds `signer` in both runtimes. */
function setBothFunded(d: Dual, signer: KeyPairSigner): void {
  d.ours.airdrop(signer.address, 10_000_000_000n);
  d.theirs.airdrop(signer.address, 10_000_000_000n as never);
}
