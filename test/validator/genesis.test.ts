/** What a validator starts with: account files, upgradeable programs with an authority, and a ledger directory kept across restarts. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js';
import { SVM } from '../../src/api/svm.js';
import { startValidator } from '../../src/validator/index.js';

const PROGRAM = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');

describe('validator genesis and ledger directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'websvm-validator-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads account files and deploys an upgradeable program with its authority', async () => {
    const holder = Keypair.generate().publicKey.toBase58();
    const source = new SVM();
    source.setAccount(holder, { lamports: 4242, data: Uint8Array.from([1, 2, 3]), owner: SystemProgram.programId, executable: false });
    const file = join(dir, 'holder.json');
    writeFileSync(file, source.accountJson(holder)!);
    const elsewhere = Keypair.generate().publicKey.toBase58();
    const authority = Keypair.generate().publicKey;
    const v = await startValidator({
      slotTime: 'transaction',
      accounts: [{ file }, { address: elsewhere, file }],
      upgradeablePrograms: [{ programId: PROGRAM, file: 'programs/bin/accounts.so', authority: authority.toBase58() }],
    });
    try {
      const connection = new Connection(v.rpcUrl);
      expect((await connection.getAccountInfo(new PublicKey(holder)))?.lamports).toBe(4242);
      expect((await connection.getAccountInfo(new PublicKey(elsewhere)))?.data).toEqual(Buffer.from([1, 2, 3]));
      const program = await connection.getAccountInfo(new PublicKey(PROGRAM));
      expect(program?.owner.equals(LOADER)).toBe(true);
      const programData = await connection.getAccountInfo(new PublicKey(program!.data.subarray(4, 36)));
      expect(programData?.data[12]).toBe(1);
      expect(new PublicKey(programData!.data.subarray(13, 45)).equals(authority)).toBe(true);
    } finally {
      await v.close();
    }
  });

  it('keeps accounts and the chain across a restart with --ledger, and forgets them with --reset', async () => {
    const ledger = join(dir, 'ledger');
    const payer = Keypair.generate();
    const receiver = Keypair.generate().publicKey;
    const first = await startValidator({ ledger, slotTime: 'transaction' });
    let genesis: string;
    let slot: number;
    try {
      const connection = new Connection(first.rpcUrl, 'confirmed');
      await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
      await sendAndConfirmTransaction(
        connection,
        new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: 1_000_000 })),
        [payer],
      );
      genesis = await connection.getGenesisHash();
      slot = await connection.getSlot();
    } finally {
      await first.close();
    }
    const again = await startValidator({ ledger, slotTime: 'transaction' });
    try {
      const connection = new Connection(again.rpcUrl, 'confirmed');
      expect(await connection.getBalance(receiver)).toBe(1_000_000);
      expect(await connection.getGenesisHash()).toBe(genesis);
      expect(await connection.getSlot()).toBeGreaterThanOrEqual(slot);
      expect(await connection.getTransactionCount()).toBe(2);
      // The chain goes on: the payer can send again.
      await sendAndConfirmTransaction(
        connection,
        new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: 1 })),
        [payer],
      );
      expect(await connection.getBalance(receiver)).toBe(1_000_001);
    } finally {
      await again.close();
    }
    const reset = await startValidator({ ledger, reset: true });
    try {
      expect(await new Connection(reset.rpcUrl).getBalance(receiver)).toBe(0);
    } finally {
      await reset.close();
    }
  });
});
