/**
 * @solana/spl-token's high-level helpers over a web3.js `Connection` to the validator: createMint,
 * getOrCreateAssociatedTokenAccount, mintTo, transfer, getAccount, a transferChecked sent with
 * `sendAndConfirmTransaction`, and the `onAccountChange` / `onLogs` subscriptions they trigger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Connection, Keypair, LAMPORTS_PER_SOL, Transaction, sendAndConfirmTransaction, type AccountInfo, type Logs } from '@solana/web3.js';
import {
  AccountLayout,
  TOKEN_PROGRAM_ID,
  createMint,
  createTransferCheckedInstruction,
  getAccount,
  getMint,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  transfer,
} from '@solana/spl-token';
import { startValidator, type Validator } from '../../src/validator/index.js';

describe('validator with @solana/spl-token', () => {
  let v: Validator;
  let connection: Connection;
  const payer = Keypair.generate();

  beforeAll(async () => {
    v = await startValidator({ port: 0 }); // slots on the 400 ms clock, as a cluster
    connection = new Connection(v.rpcUrl, 'confirmed');
    await connection.confirmTransaction({
      signature: await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL),
      ...(await connection.getLatestBlockhash()),
    });
  });
  afterAll(() => v.close());

  it('creates a mint and token accounts, mints, transfers and reads them back, with notifications', async () => {
    const mintAuthority = Keypair.generate();
    const alice = Keypair.generate();
    const bob = Keypair.generate().publicKey;
    const mint = await createMint(connection, payer, mintAuthority.publicKey, null, 6);
    expect(await getMint(connection, mint)).toMatchObject({ decimals: 6, supply: 0n, isInitialized: true });

    const from = await getOrCreateAssociatedTokenAccount(connection, payer, mint, alice.publicKey);
    const to = await getOrCreateAssociatedTokenAccount(connection, payer, mint, bob);
    // Asked again, the same account is found rather than made.
    expect((await getOrCreateAssociatedTokenAccount(connection, payer, mint, bob)).address.equals(to.address)).toBe(true);
    await mintTo(connection, payer, mint, from.address, mintAuthority, 1_000_000n);

    const changes: AccountInfo<Buffer>[] = [];
    const logs: Logs[] = [];
    const changed = new Promise<void>((resolve) => {
      const id = connection.onAccountChange(to.address, (info) => {
        changes.push(info);
        void connection.removeAccountChangeListener(id).then(resolve);
      });
    });
    const logged = new Promise<void>((resolve) => {
      const id = connection.onLogs(TOKEN_PROGRAM_ID, (l) => {
        logs.push(l);
        void connection.removeOnLogsListener(id).then(resolve);
      });
    });
    // Give the subscriptions their round trip before the transfer they are to see.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const signature = await transfer(connection, payer, from.address, to.address, alice, 250_000n);
    await Promise.all([changed, logged]);

    expect(AccountLayout.decode(changes[0].data).amount).toBe(250_000n);
    expect(logs[0]).toMatchObject({ signature, err: null });
    expect(logs[0].logs[0]).toBe(`Program ${TOKEN_PROGRAM_ID.toBase58()} invoke [1]`);

    expect((await getAccount(connection, from.address)).amount).toBe(750_000n);
    const account = await getAccount(connection, to.address);
    expect(account).toMatchObject({ amount: 250_000n, isInitialized: true, isFrozen: false });
    expect(account.owner.equals(bob)).toBe(true);
    expect(account.mint.equals(mint)).toBe(true);

    const checked = await sendAndConfirmTransaction(
      connection,
      new Transaction().add(createTransferCheckedInstruction(from.address, mint, to.address, alice.publicKey, 50_000n, 6)),
      [payer, alice],
    );
    const tx = await connection.getTransaction(checked, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    expect(tx?.meta?.postTokenBalances?.map((b) => b.uiTokenAmount.amount).sort()).toEqual(['300000', '700000']);
    expect((await connection.getTokenAccountBalance(to.address)).value).toMatchObject({ amount: '300000', decimals: 6, uiAmount: 0.3 });
    expect((await getMint(connection, mint)).supply).toBe(1_000_000n);
  });
});
