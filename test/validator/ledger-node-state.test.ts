/**
 * What `--ledger` keeps besides accounts and history: a supply override, a paused clock, the fork's
 * record of what it settled, and snapshots. Each is read back after a restart from the directory
 * the validator closed, and from a copy taken while it ran (what `kill -9` would leave: the
 * journal, not a last checkpoint).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, LAMPORTS_PER_SOL, SystemProgram } from '@solana/web3.js';
import { startValidator, type Validator, type ValidatorOptions } from '../../src/validator/index.js';
import { rpc } from './rpc-call.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'websvm-node-state-'));
  dirs.push(dir);
  return dir;
};

/**
 * Runs `act` on a validator over a new ledger directory, then `check` on a validator reopening it
 * after a clean close, and on one reopening the copy taken just after `act` (its answers waited for the journal).
 */
async function acrossRestarts(options: ValidatorOptions, act: (v: Validator) => Promise<void>, check: (v: Validator) => Promise<void>): Promise<void> {
  const dir = tempDir();
  const crashed = tempDir();
  const first = await startValidator({ ...options, ledger: dir });
  try {
    await act(first);
    cpSync(dir, crashed, { recursive: true });
  } finally {
    await first.close();
  }
  for (const ledger of [dir, crashed]) {
    const again = await startValidator({ ...options, ledger });
    try {
      await check(again);
    } finally {
      await again.close();
    }
  }
}

/** An airdrop by hand: it is processed by the time the answer comes (no confirmation to wait for, nor to leave running at close). */
async function airdrop(v: Validator, to: Keypair['publicKey'], lamports: number): Promise<void> {
  expect((await rpc(v.rpcUrl, 'requestAirdrop', [to.toBase58(), lamports])).error).toBeUndefined();
}

describe('validator --ledger keeps the node state', () => {
  it('keeps a surfnet_setSupply override', async () => {
    const locked = Keypair.generate().publicKey.toBase58();
    await acrossRestarts(
      { slotTime: 'transaction' },
      async (v) => {
        await rpc(v.rpcUrl, 'surfnet_setSupply', [{ total: 1000, circulating: 600, non_circulating_accounts: [locked] }]);
      },
      async (v) => {
        const supply = (await new Connection(v.rpcUrl).getSupply()).value;
        expect(supply).toMatchObject({ total: 1000, circulating: 600 });
        expect(supply.nonCirculatingAccounts.map((k) => k.toBase58())).toEqual([locked]);
      },
    );
  });

  it('keeps the clock paused until surfnet_resumeClock', async () => {
    await acrossRestarts(
      { slotTime: 'transaction' },
      async (v) => {
        await rpc(v.rpcUrl, 'surfnet_pauseClock');
      },
      async (v) => {
        const c = new Connection(v.rpcUrl, 'confirmed');
        const slot = await c.getSlot();
        await airdrop(v, Keypair.generate().publicKey, LAMPORTS_PER_SOL);
        await new Promise((resolve) => setImmediate(resolve));
        expect(await c.getSlot()).toBe(slot);
        await rpc(v.rpcUrl, 'surfnet_resumeClock');
        await airdrop(v, Keypair.generate().publicKey, LAMPORTS_PER_SOL);
        await new Promise((resolve) => setImmediate(resolve));
        expect(await c.getSlot()).toBeGreaterThan(slot);
      },
    );
  });

  it('keeps what a fork fetched and what it found missing upstream', async () => {
    const upstream = await startValidator({ slotTime: 'transaction' });
    try {
      const held = Keypair.generate().publicKey;
      const missing = Keypair.generate().publicKey;
      upstream.svm.setAccount(held.toBase58(), {
        lamports: BigInt(LAMPORTS_PER_SOL),
        data: new Uint8Array(),
        owner: SystemProgram.programId.toBase58(),
        executable: false,
      });
      await acrossRestarts(
        { slotTime: 'transaction', forkUrl: upstream.rpcUrl },
        async (v) => {
          const c = new Connection(v.rpcUrl, 'confirmed');
          expect(await c.getBalance(held)).toBe(LAMPORTS_PER_SOL);
          expect(await c.getAccountInfo(missing)).toBeNull();
          // Upstream changes after the fork read: the fork keeps what it read.
          upstream.svm.setAccount(held.toBase58(), {
            lamports: 2n * BigInt(LAMPORTS_PER_SOL),
            data: new Uint8Array(),
            owner: SystemProgram.programId.toBase58(),
            executable: false,
          });
          upstream.svm.setAccount(missing.toBase58(), {
            lamports: BigInt(LAMPORTS_PER_SOL),
            data: new Uint8Array(),
            owner: SystemProgram.programId.toBase58(),
            executable: false,
          });
        },
        async (v) => {
          const c = new Connection(v.rpcUrl, 'confirmed');
          expect(await c.getBalance(held)).toBe(LAMPORTS_PER_SOL);
          expect(await c.getAccountInfo(missing)).toBeNull();
        },
      );
    } finally {
      await upstream.close();
    }
  });

  it('keeps websvm_snapshot snapshots, which websvm_restore returns to after the restart', async () => {
    const payer = Keypair.generate().publicKey;
    let id = '';
    await acrossRestarts(
      { slotTime: 'transaction' },
      async (v) => {
        await airdrop(v, payer, LAMPORTS_PER_SOL);
        id = (await rpc<string>(v.rpcUrl, 'websvm_snapshot')).result!;
        await airdrop(v, payer, LAMPORTS_PER_SOL);
      },
      async (v) => {
        const c = new Connection(v.rpcUrl, 'confirmed');
        expect(await c.getBalance(payer)).toBe(2 * LAMPORTS_PER_SOL);
        expect((await rpc(v.rpcUrl, 'websvm_restore', [id])).error).toBeUndefined();
        expect(await c.getBalance(payer)).toBe(LAMPORTS_PER_SOL);
        expect(await c.getTransactionCount()).toBe(1);
        // A new snapshot takes the next id.
        expect((await rpc<string>(v.rpcUrl, 'websvm_snapshot')).result).toBe(String(Number(id) + 1));
      },
    );
  });
});
