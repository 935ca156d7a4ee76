/**
 * The validator's blocks and history, read by @solana/web3.js `Connection` and @solana/kit: blocks
 * end after each batch of transactions here (`slotTime: 'transaction'`) or when the test says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ComputeBudgetProgram,
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  type ParsedTransaction,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  TransactionMessage,
  VersionedTransaction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import { createSolanaRpc } from '@solana/kit';
import { startValidator, type Validator } from '../../src/validator/index.js';

const MEMO_PROGRAM = new PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr');

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document the assertions read field by field
async function rpcCall(v: Validator, method: string, params?: unknown[]): Promise<any> {
  const res = await fetch(v.rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return res.json();
}

describe('validator blocks and history', () => {
  let v: Validator;
  let connection: Connection;
  const payer = Keypair.generate();
  const receiver = Keypair.generate().publicKey;
  let transfer: string;
  let memo: string;
  let v0: string;

  beforeAll(async () => {
    v = await startValidator({ slotTime: 'transaction' });
    connection = new Connection(v.rpcUrl, 'confirmed');
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
    transfer = await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 7 }),
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: LAMPORTS_PER_SOL }),
      ),
      [payer],
    );
    memo = await sendAndConfirmTransaction(
      connection,
      new Transaction().add(
        new TransactionInstruction({
          programId: MEMO_PROGRAM,
          keys: [{ pubkey: payer.publicKey, isSigner: true, isWritable: false }],
          data: Buffer.from('hello'),
        }),
      ),
      [payer],
    );
    const message = new TransactionMessage({
      payerKey: payer.publicKey,
      recentBlockhash: (await connection.getLatestBlockhash()).blockhash,
      instructions: [SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: 5 })],
    }).compileToV0Message();
    const tx = new VersionedTransaction(message);
    tx.sign([payer]);
    v0 = await connection.sendTransaction(tx);
    await connection.confirmTransaction({ signature: v0, ...(await connection.getLatestBlockhash()) });
  });
  afterAll(() => v.close());

  it('puts each batch of transactions in a block that getBlock shows in every detail level', async () => {
    const { slot } = (await connection.getTransaction(transfer, { maxSupportedTransactionVersion: 0 }))!;
    const block = await connection.getBlock(slot, { maxSupportedTransactionVersion: 0 });
    expect(block?.transactions.map((t) => t.transaction.signatures[0])).toEqual([transfer]);
    expect(block?.transactions[0].meta?.fee).toBe(5001); // 5000 + ceil(7 µlamports × 200 150 units)
    expect(block).toMatchObject({ parentSlot: expect.any(Number), rewards: [] });
    const next = await connection.getBlock(slot + 1, { maxSupportedTransactionVersion: 0 });
    expect(next?.previousBlockhash).toBe(block?.blockhash);
    expect(next?.parentSlot).toBe(slot);
    const heights = await Promise.all(
      [slot, slot + 1].map(async (s) => (await rpcCall(v, 'getBlock', [s, { transactionDetails: 'none' }])).result.blockHeight),
    );
    expect(heights[1]).toBe(heights[0] + 1);
    expect(await connection.getBlockTime(slot)).toBe(block?.blockTime);

    const signatures = await rpcCall(v, 'getBlock', [slot, { transactionDetails: 'signatures', rewards: false }]);
    expect(signatures.result.signatures).toEqual([transfer]);
    expect(signatures.result).not.toHaveProperty('rewards');
    expect(signatures.result).not.toHaveProperty('transactions');
    const none = await rpcCall(v, 'getBlock', [slot, { transactionDetails: 'none' }]);
    expect(Object.keys(none.result).sort()).toEqual(['blockHeight', 'blockTime', 'blockhash', 'parentSlot', 'previousBlockhash', 'rewards']);
    const accounts = await rpcCall(v, 'getBlock', [slot, { transactionDetails: 'accounts' }]);
    expect(accounts.result.transactions[0].transaction.accountKeys[0]).toEqual({
      pubkey: payer.publicKey.toBase58(),
      writable: true,
      signer: true,
      source: 'transaction',
    });
    expect(accounts.result.transactions[0].meta).not.toHaveProperty('logMessages');
    const base64 = await rpcCall(v, 'getBlock', [slot, { encoding: 'base64' }]);
    expect(base64.result.transactions[0].transaction[1]).toBe('base64');
  });

  it('shows jsonParsed transactions with account roles, parsed and partially decoded instructions', async () => {
    const { slot } = (await connection.getTransaction(transfer, { maxSupportedTransactionVersion: 0 }))!;
    const parsed = await connection.getParsedBlock(slot, { maxSupportedTransactionVersion: 0, transactionDetails: 'full' });
    const message = (parsed.transactions[0].transaction as unknown as ParsedTransaction).message;
    expect(message.accountKeys.map((k) => [k.pubkey.toBase58(), k.signer, k.writable])).toEqual([
      [payer.publicKey.toBase58(), true, true],
      [receiver.toBase58(), false, true],
      [SystemProgram.programId.toBase58(), false, false],
      [ComputeBudgetProgram.programId.toBase58(), false, false],
    ]);
    // Compute Budget has no parser in Agave (partially decoded); System's transfer is parsed (parse_system.rs).
    expect(message.instructions[0]).toMatchObject({ programId: ComputeBudgetProgram.programId, accounts: [] });
    expect(message.instructions[1]).toEqual({
      program: 'system',
      programId: SystemProgram.programId,
      parsed: { type: 'transfer', info: { source: payer.publicKey.toBase58(), destination: receiver.toBase58(), lamports: LAMPORTS_PER_SOL } },
      stackHeight: null,
    });
    const parsedTx = await connection.getParsedTransaction(transfer, { maxSupportedTransactionVersion: 0 });
    expect(parsedTx?.meta?.logMessages?.length).toBeGreaterThan(0);
  });

  it('refuses a block with a v0 transaction to a client without maxSupportedTransactionVersion (-32015)', async () => {
    const { slot } = (await connection.getTransaction(v0, { maxSupportedTransactionVersion: 0 }))!;
    const refused = await rpcCall(v, 'getBlock', [slot]);
    expect(refused.error).toEqual({
      code: -32015,
      message:
        'Transaction version (0) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": 0',
    });
    expect((await rpcCall(v, 'getBlock', [slot, { transactionDetails: 'signatures' }])).result.signatures).toEqual([v0]);
    const block = await createSolanaRpc(v.rpcUrl).getBlock(BigInt(slot), { maxSupportedTransactionVersion: 0 }).send();
    expect(block?.transactions[0].version).toBe(0);
  });

  it('answers the slots without a block as Agave does', async () => {
    const first = await connection.getFirstAvailableBlock();
    expect(await connection.getMinimumLedgerSlot()).toBe(first);
    const current = await connection.getSlot();
    expect((await rpcCall(v, 'getBlock', [first - 1])).error).toEqual({
      code: -32001,
      message: `Block ${first - 1} cleaned up, does not exist on node. First available block: ${first}`,
    });
    expect((await rpcCall(v, 'getBlock', [current])).error).toEqual({ code: -32004, message: `Block not available for slot ${current}` });
    expect((await rpcCall(v, 'getBlockTime', [current + 5])).error.code).toBe(-32004);
    expect((await rpcCall(v, 'getBlock', [current, { commitment: 'processed' }])).error).toEqual({
      code: -32602,
      message: 'Method does not support commitment below `confirmed`',
    });
    v.svm.warpToSlot(BigInt(current) + 10n); // a jump: the slots between are skipped
    v.advanceSlots();
    expect((await rpcCall(v, 'getBlock', [current + 5])).error.code).toBe(-32007);
    const blocks = await connection.getBlocks(first);
    expect(blocks[0]).toBe(first);
    expect(blocks).toContain(current + 10);
    expect(blocks).not.toContain(current + 5);
    expect(await connection.getBlocks(first, first + 1)).toEqual(blocks.filter((s) => s <= first + 1));
    expect(await rpcCall(v, 'getBlocksWithLimit', [first, 2])).toMatchObject({ result: blocks.slice(0, 2) });
    expect((await rpcCall(v, 'getBlocksWithLimit', [first, 500_001])).error).toEqual({ code: -32602, message: 'Limit too large; max 500000' });
  });

  it('lists the signatures for an address newest first, with before/until/limit and memos', async () => {
    const all = await connection.getSignaturesForAddress(payer.publicKey);
    expect(all.map((s) => s.signature)).toEqual([v0, memo, transfer, all[3].signature]);
    expect(all[1]).toMatchObject({ memo: '[5] hello', err: null, confirmationStatus: 'finalized', blockTime: expect.any(Number) });
    expect(all[0].memo).toBeNull();
    expect((await connection.getSignaturesForAddress(payer.publicKey, { before: memo })).map((s) => s.signature)).toEqual([transfer, all[3].signature]);
    expect((await connection.getSignaturesForAddress(payer.publicKey, { until: transfer })).map((s) => s.signature)).toEqual([v0, memo]);
    expect((await connection.getSignaturesForAddress(payer.publicKey, { limit: 1 })).map((s) => s.signature)).toEqual([v0]);
    expect((await connection.getSignaturesForAddress(receiver)).map((s) => s.signature)).toEqual([v0, transfer]);
    expect((await rpcCall(v, 'getSignaturesForAddress', [receiver.toBase58(), { limit: 1001 }])).error).toEqual({
      code: -32602,
      message: 'Invalid limit; max 1000',
    });
  });

  it('reports prioritization fees, transaction count, supply, inflation and the single-node cluster', async () => {
    const fees = await connection.getRecentPrioritizationFees({ lockedWritableAccounts: [receiver] });
    const { slot } = (await connection.getTransaction(transfer, { maxSupportedTransactionVersion: 0 }))!;
    expect(fees.find((f) => f.slot === slot)?.prioritizationFee).toBe(7);
    expect(fees.every((f, i) => i === 0 || f.slot > fees[i - 1].slot)).toBe(true);
    expect(await connection.getTransactionCount()).toBeGreaterThanOrEqual(4);
    const supply = (await connection.getSupply()).value;
    expect(supply.total).toBe(supply.circulating);
    expect(supply.nonCirculating).toBe(0);
    const largest = (await connection.getLargestAccounts()).value;
    expect(largest.length).toBeLessThanOrEqual(20);
    expect(largest[0].lamports).toBeGreaterThanOrEqual(largest.at(-1)!.lamports);
    expect(await connection.getInflationGovernor()).toMatchObject({ initial: 0.08, terminal: 0.015, taper: 0.15, foundation: 0.05, foundationTerm: 7 });
    const rate = await connection.getInflationRate();
    expect(rate.total).toBeCloseTo(rate.validator + rate.foundation);
    expect(rate.epoch).toBe((await connection.getEpochInfo()).epoch);
    expect(await connection.getStakeMinimumDelegation()).toMatchObject({ value: 1 });
    const identity = (await rpcCall(v, 'getIdentity')).result.identity;
    expect(await connection.getSlotLeader()).toBe(identity);
    expect(await connection.getSlotLeaders(await connection.getSlot(), 3)).toEqual([identity, identity, identity].map((k) => new PublicKey(k)));
    const [node] = await connection.getClusterNodes();
    expect(node).toMatchObject({ pubkey: identity, rpc: new URL(v.rpcUrl).host });
    const votes = await connection.getVoteAccounts();
    expect(votes.current).toHaveLength(1);
    expect(votes.current[0].nodePubkey).toBe(identity);
    const production = (await connection.getBlockProduction()).value;
    expect(production.byIdentity[identity][1]).toBeGreaterThan(0);
    expect((await rpcCall(v, 'getHighestSnapshotSlot')).error).toEqual({ code: -32008, message: 'No snapshot' });
    expect(await connection.getRecentPerformanceSamples()).toEqual([]); // the first comes after a minute
    // The last epoch's rewards were paid before this ledger's first block.
    expect((await rpcCall(v, 'getInflationReward', [[receiver.toBase58()]])).error.code).toBe(-32001);
  });
});
