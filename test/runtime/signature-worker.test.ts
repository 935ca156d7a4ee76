/**
 * The signature worker: while it checks a transaction's signatures the later stages run ahead,
 * yet a transaction whose signature fails is refused exactly as LiteSVM refuses it, with nothing
 * changed; a worker that cannot start leaves the checks on the main thread; and nothing runs
 * ahead while a program run is watched (coverage here).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyPairSigner, type Transaction } from '@solana/kit';
import { signatureWorkerStatus, useSignatureWorkerScript } from '../../src/runtime/signature-worker/index.js';
import { Dual, systemTransfer } from '../helpers/dual.js';
import { startSignatureWorker, stopSignatureWorker } from '../helpers/signature-worker.js';

/** `tx` with one bit of its signature number `index` flipped. */
function corrupted(tx: Transaction, index = 0): Transaction {
  const signer = Object.keys(tx.signatures)[index]!;
  const signature = Uint8Array.from(tx.signatures[signer as keyof typeof tx.signatures]!);
  signature[5] ^= 1;
  return { ...tx, signatures: { ...tx.signatures, [signer]: signature } } as Transaction;
}

afterEach(stopSignatureWorker);

describe('signature worker', () => {
  it('refuses a bad signature as LiteSVM does, with nothing changed, while a valid one commits', async () => {
    await startSignatureWorker();
    const d = await Dual.create();
    const to = (await generateKeyPairSigner()).address;
    const jobs = signatureWorkerStatus().jobsPosted;
    const bad = d.send(corrupted(await d.transaction([systemTransfer(d.payer, to, 5_000_000n)])));
    expect(bad.ours).toEqual(bad.theirs);
    expect(bad.ours.error).toBe('SignatureFailure');
    d.expectSameAccounts([d.payer.address, to]);
    expect(d.ours.getBalance(to)).toBeNull();
    const good = d.send(await d.transaction([systemTransfer(d.payer, to, 5_000_000n)]));
    expect(good.ours).toEqual(good.theirs);
    expect(good.ours.error).toBeUndefined();
    d.expectSameAccounts([d.payer.address, to]);
    expect(signatureWorkerStatus().jobsPosted - jobs).toBe(2);
  });

  it("refuses a transaction whose second signer's signature fails, and a simulation of it", async () => {
    await startSignatureWorker();
    const d = await Dual.create();
    const other = await generateKeyPairSigner();
    d.ours.airdrop(other.address, 1_000_000_000n);
    d.theirs.airdrop(other.address, 1_000_000_000n as never);
    const tx = corrupted(await d.transaction([systemTransfer(other, d.payer.address, 1_000n)]), 1);
    const simulated = d.ours.simulateTransaction(tx);
    expect('err' in simulated && simulated.err()).toBeTruthy();
    const r = d.send(tx);
    expect(r.ours).toEqual(r.theirs);
    expect(r.ours.error).toBe('SignatureFailure');
    d.expectSameAccounts([d.payer.address, other.address]);
  });

  it('takes a job back and checks it on the main thread when the worker has not started it', async () => {
    await startSignatureWorker({ stalled: true });
    const d = await Dual.create();
    const to = (await generateKeyPairSigner()).address;
    const before = signatureWorkerStatus();
    const bad = d.send(corrupted(await d.transaction([systemTransfer(d.payer, to, 3_000_000n)])));
    expect(bad.ours).toEqual(bad.theirs);
    expect(bad.ours.error).toBe('SignatureFailure');
    const good = d.send(await d.transaction([systemTransfer(d.payer, to, 3_000_000n)]));
    expect(good.ours).toEqual(good.theirs);
    expect(good.ours.error).toBeUndefined();
    d.expectSameAccounts([d.payer.address, to]);
    const after = signatureWorkerStatus();
    expect(after.jobsPosted - before.jobsPosted).toBe(2);
    expect(after.jobsTakenBack - before.jobsTakenBack).toBe(2);
  });

  it('keeps the checks on the main thread when the worker cannot start', async () => {
    useSignatureWorkerScript('throw new Error("no worker here")', 0);
    while (signatureWorkerStatus().state === 'starting') await new Promise((resolve) => setTimeout(resolve, 5));
    expect(signatureWorkerStatus().state).toBe('unavailable');
    const d = await Dual.create();
    const to = (await generateKeyPairSigner()).address;
    const bad = d.send(corrupted(await d.transaction([systemTransfer(d.payer, to, 7n)])));
    expect(bad.ours).toEqual(bad.theirs);
    expect(bad.ours.error).toBe('SignatureFailure');
  });

  it('does not run ahead of the signatures while coverage watches programs', async () => {
    await startSignatureWorker();
    const d = await Dual.create();
    d.ours.withCoverage(true);
    const jobs = signatureWorkerStatus().jobsPosted;
    const to = (await generateKeyPairSigner()).address;
    const r = d.send(corrupted(await d.transaction([systemTransfer(d.payer, to, 9n)])));
    expect(r.ours).toEqual(r.theirs);
    expect(signatureWorkerStatus().jobsPosted).toBe(jobs);
  });
});
