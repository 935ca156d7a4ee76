/**
 * `websvm validator --ledger DIR` killed with SIGKILL: restarted on the same directory, it still has
 * every transaction a client saw confirmed (getTransaction, statuses, getSignaturesForAddress,
 * getBlock) and every account those transactions and a cheatcode left, and the chain goes on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js';

/** Starts the CLI validator on `ledger`; resolves with the process and its RPC URL once it listens. */
async function startCli(ledger: string): Promise<{ child: ChildProcess; rpcUrl: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validator', '--rpc-port', '0', '--json', '--ledger', ledger], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  return { child, rpcUrl: (JSON.parse(line.toString()) as { rpcUrl: string }).rpcUrl };
}

async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

describe('validator --ledger after kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'websvm-ledger-crash-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps every confirmed transaction, block and account', async () => {
    const ledger = join(dir, 'ledger');
    const payer = Keypair.generate();
    const receivers = Array.from({ length: 6 }, () => Keypair.generate().publicKey);
    const marked = Keypair.generate().publicKey;
    const confirmed: string[] = [];
    let balances: number[];

    const first = await startCli(ledger);
    try {
      const connection = new Connection(first.rpcUrl, 'confirmed');
      const airdrop = await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
      await connection.confirmTransaction({ signature: airdrop, ...(await connection.getLatestBlockhash()) });
      confirmed.push(airdrop);
      // One at a time, then a batch in flight together.
      confirmed.push(
        await sendAndConfirmTransaction(
          connection,
          new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receivers[0], lamports: 1_000_000 })),
          [payer],
        ),
      );
      const batch = await Promise.all(
        receivers.map((to, i) =>
          sendAndConfirmTransaction(
            connection,
            new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 + i })),
            [payer],
          ),
        ),
      );
      confirmed.push(...batch);
      const set = await fetch(first.rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'surfnet_setAccount',
          params: [marked.toBase58(), { lamports: 777_777, data: '0102', owner: SystemProgram.programId.toBase58(), executable: false }],
        }),
      });
      expect(((await set.json()) as { error?: unknown }).error).toBeUndefined();
      balances = await Promise.all([payer.publicKey, ...receivers, marked].map((k) => connection.getBalance(k)));
    } finally {
      await kill(first.child, 'SIGKILL');
    }

    const second = await startCli(ledger);
    try {
      const connection = new Connection(second.rpcUrl, 'confirmed');
      expect(await Promise.all([payer.publicKey, ...receivers, marked].map((k) => connection.getBalance(k)))).toEqual(balances);
      expect((await connection.getAccountInfo(marked))?.data).toEqual(Buffer.from([1, 2]));

      const statuses = await connection.getSignatureStatuses(confirmed, { searchTransactionHistory: true });
      expect(statuses.value.map((s) => s?.err)).toEqual(confirmed.map(() => null));
      for (const [i, signature] of confirmed.entries()) {
        const tx = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
        expect(tx?.slot).toBe(statuses.value[i]!.slot);
        expect(tx?.meta?.err).toBeNull();
        const block = await connection.getBlock(tx!.slot, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
        expect(block?.transactions.map((t) => t.transaction.signatures[0])).toContain(signature);
      }
      const history = await connection.getSignaturesForAddress(payer.publicKey);
      expect(history.map((h) => h.signature).sort()).toEqual([...confirmed].sort());
      expect(await connection.getTransactionCount()).toBe(confirmed.length);

      // The chain goes on from where it stopped.
      const next = await sendAndConfirmTransaction(
        connection,
        new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receivers[0], lamports: 1 })),
        [payer],
      );
      expect((await connection.getTransaction(next, { commitment: 'confirmed' }))?.meta?.err).toBeNull();
      expect(await connection.getBalance(receivers[0])).toBe(balances[1] + 1);
    } finally {
      await kill(second.child, 'SIGINT');
    }

    // A graceful stop keeps the same, and the next start reads it back once more.
    const third = await startCli(ledger);
    try {
      const connection = new Connection(third.rpcUrl, 'confirmed');
      const history = await connection.getSignaturesForAddress(new PublicKey(payer.publicKey));
      expect(history).toHaveLength(confirmed.length + 1);
    } finally {
      await kill(third.child, 'SIGKILL');
    }
  });
});
