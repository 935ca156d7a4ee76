/**
 * The validator driven by real clients: @solana/web3.js v1 `Connection` and @solana/kit's RPC and
 * subscriptions, plus raw JSON-RPC for the error shapes.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SendTransactionError,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import {
  address,
  appendTransactionMessageInstruction,
  createSolanaRpc,
  createSolanaRpcSubscriptions,
  createTransactionMessage,
  generateKeyPairSigner,
  getBase64EncodedWireTransaction,
  getSignatureFromTransaction,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  setTransactionMessageLifetimeUsingBlockhash,
  signTransactionMessageWithSigners,
  type Address,
} from '@solana/kit';
import { startValidator, type Validator } from '../../src/validator/index.js';

const TOKEN_PROGRAM = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');

/** A JSON-RPC call by hand: the parsed response body. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document the assertions read field by field
async function call(v: Validator, body: string): Promise<any> {
  const res = await fetch(v.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return res.json();
}
const rpcCall = (v: Validator, method: string, params?: unknown[]) => call(v, JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }));

/** A System transfer instruction in kit's form (no program client needed). */
function kitTransfer(from: { address: Address; signer: unknown }, to: Address, amount: bigint) {
  const data = new Uint8Array(12);
  new DataView(data.buffer).setUint32(0, 2, true);
  new DataView(data.buffer).setBigUint64(4, amount, true);
  return {
    programAddress: address('11111111111111111111111111111111'),
    accounts: [
      { address: from.address, role: 3, signer: from.signer },
      { address: to, role: 1 },
    ],
    data,
  };
}

/** SPL Token instructions by their wire layout (tags from the token program's instruction enum). */
const token = {
  initializeMint2: (mint: PublicKey, decimals: number, authority: PublicKey) =>
    new TransactionInstruction({
      programId: TOKEN_PROGRAM,
      keys: [{ pubkey: mint, isSigner: false, isWritable: true }],
      data: Buffer.from([20, decimals, ...authority.toBytes(), 0]),
    }),
  initializeAccount3: (account: PublicKey, mint: PublicKey, owner: PublicKey) =>
    new TransactionInstruction({
      programId: TOKEN_PROGRAM,
      keys: [
        { pubkey: account, isSigner: false, isWritable: true },
        { pubkey: mint, isSigner: false, isWritable: false },
      ],
      data: Buffer.from([18, ...owner.toBytes()]),
    }),
  amountIx: (tag: number, keys: [PublicKey, boolean][], amount: bigint) => {
    const data = Buffer.alloc(9);
    data[0] = tag;
    data.writeBigUInt64LE(amount, 1);
    return new TransactionInstruction({
      programId: TOKEN_PROGRAM,
      keys: keys.map(([pubkey, isWritable], i) => ({ pubkey, isWritable, isSigner: i === keys.length - 1 })),
      data,
    });
  },
};

describe('validator', () => {
  let v: Validator;
  let connection: Connection;
  let startMs: number;

  beforeAll(async () => {
    const t0 = performance.now();
    // Slots end with transactions only: no blockhash changes between two reads of one test.
    v = await startValidator({ port: 0, slotTime: 'transaction' });
    startMs = performance.now() - t0;
    connection = new Connection(v.rpcUrl, 'confirmed'); // PubSub on the next port, where web3.js looks for it
  });
  afterAll(async () => {
    console.log(`startValidator took ${startMs.toFixed(1)} ms (new SVM() included)`);
    await v.close();
  });

  describe('@solana/web3.js Connection', () => {
    it('answers the node methods', async () => {
      const version = await connection.getVersion();
      expect(version['solana-core']).toMatch(/^\d+\.\d+\.\d+$/);
      expect(typeof version['feature-set']).toBe('number');
      expect(await connection.getGenesisHash()).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
      expect((await rpcCall(v, 'getHealth')).result).toBe('ok');
      expect((await rpcCall(v, 'getIdentity')).result.identity).toMatch(/^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
      const epoch = await connection.getEpochInfo();
      expect(epoch.absoluteSlot).toBe(await connection.getSlot());
      expect(epoch.slotIndex).toBeLessThan(epoch.slotsInEpoch);
      expect(await connection.getMinimumBalanceForRentExemption(0)).toBe(890880);
    });

    it('airdrops, transfers and confirms; getTransaction in json and base64', async () => {
      const payer = Keypair.generate();
      const receiver = Keypair.generate();
      const airdrop = await connection.requestAirdrop(payer.publicKey, 2 * LAMPORTS_PER_SOL);
      const latest = await connection.getLatestBlockhash();
      expect((await connection.confirmTransaction({ signature: airdrop, ...latest })).value.err).toBeNull();
      expect(await connection.getBalance(payer.publicKey)).toBe(2 * LAMPORTS_PER_SOL);

      const slotBefore = await connection.getSlot();
      const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver.publicKey, lamports: LAMPORTS_PER_SOL }));
      const signature = await sendAndConfirmTransaction(connection, tx, [payer]);
      expect(await connection.getBalance(receiver.publicKey)).toBe(LAMPORTS_PER_SOL);
      expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL - 5000);
      expect(await connection.getSlot()).toBeGreaterThan(slotBefore);

      const status = (await connection.getSignatureStatuses([signature])).value[0];
      expect(status).toMatchObject({ err: null, confirmationStatus: 'finalized', confirmations: null });

      const got = await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 });
      expect(got?.meta).toMatchObject({
        err: null,
        fee: 5000,
        preBalances: [LAMPORTS_PER_SOL * 2, 0, 1],
        postBalances: [LAMPORTS_PER_SOL - 5000, LAMPORTS_PER_SOL, 1],
        computeUnitsConsumed: 150,
      });
      expect(got?.meta?.logMessages).toEqual(['Program 11111111111111111111111111111111 invoke [1]', 'Program 11111111111111111111111111111111 success']);
      expect(got?.version).toBe('legacy');
      expect(got?.transaction.signatures[0]).toBe(signature);

      const base64 = await rpcCall(v, 'getTransaction', [signature, { encoding: 'base64' }]);
      expect(base64.result.transaction[1]).toBe('base64');
      expect(Buffer.from(base64.result.transaction[0], 'base64')).toEqual(tx.serialize());
      expect(base64.result).not.toHaveProperty('version');
    });

    it('runs an SPL Token flow and reports token balances', async () => {
      const payer = Keypair.generate();
      await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
      const mint = Keypair.generate();
      const [alice, bob] = [Keypair.generate(), Keypair.generate()];
      const mintRent = await connection.getMinimumBalanceForRentExemption(82);
      const accountRent = await connection.getMinimumBalanceForRentExemption(165);
      await sendAndConfirmTransaction(
        connection,
        new Transaction().add(
          SystemProgram.createAccount({
            fromPubkey: payer.publicKey,
            newAccountPubkey: mint.publicKey,
            lamports: mintRent,
            space: 82,
            programId: TOKEN_PROGRAM,
          }),
          token.initializeMint2(mint.publicKey, 6, payer.publicKey),
          SystemProgram.createAccount({
            fromPubkey: payer.publicKey,
            newAccountPubkey: alice.publicKey,
            lamports: accountRent,
            space: 165,
            programId: TOKEN_PROGRAM,
          }),
          token.initializeAccount3(alice.publicKey, mint.publicKey, payer.publicKey),
          SystemProgram.createAccount({
            fromPubkey: payer.publicKey,
            newAccountPubkey: bob.publicKey,
            lamports: accountRent,
            space: 165,
            programId: TOKEN_PROGRAM,
          }),
          token.initializeAccount3(bob.publicKey, mint.publicKey, payer.publicKey),
          token.amountIx(
            7,
            [
              [mint.publicKey, true],
              [alice.publicKey, true],
              [payer.publicKey, false],
            ],
            5_000_000n,
          ),
        ),
        [payer, mint, alice, bob],
      );
      const signature = await sendAndConfirmTransaction(
        connection,
        new Transaction().add(
          token.amountIx(
            3,
            [
              [alice.publicKey, true],
              [bob.publicKey, true],
              [payer.publicKey, false],
            ],
            1_250_000n,
          ),
        ),
        [payer],
      );
      const bobAccount = await connection.getAccountInfo(bob.publicKey);
      expect(bobAccount?.owner.equals(TOKEN_PROGRAM)).toBe(true);
      expect(Buffer.from(bobAccount!.data).readBigUInt64LE(64)).toBe(1_250_000n);

      const meta = (await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 }))?.meta;
      // web3.js orders the keys by address, so find each account's index in the message.
      const keys = (await connection.getTransaction(signature, { maxSupportedTransactionVersion: 0 }))!.transaction.message.staticAccountKeys.map(String);
      const ui = (amount: string, uiAmountString: string) => ({ amount, decimals: 6, uiAmount: Number(uiAmountString), uiAmountString });
      const balance = (account: Keypair, amount: string, text: string) => ({
        accountIndex: keys.indexOf(account.publicKey.toBase58()),
        mint: mint.publicKey.toBase58(),
        owner: payer.publicKey.toBase58(),
        programId: TOKEN_PROGRAM.toBase58(),
        uiTokenAmount: ui(amount, text),
      });
      const byIndex = (list: { accountIndex: number }[] | null | undefined) => [...(list ?? [])].sort((a, b) => a.accountIndex - b.accountIndex);
      expect(byIndex(meta?.preTokenBalances)).toEqual(byIndex([balance(alice, '5000000', '5'), balance(bob, '0', '0')]));
      expect(byIndex(meta?.postTokenBalances)).toEqual(byIndex([balance(alice, '3750000', '3.75'), balance(bob, '1250000', '1.25')]));

      const holders = await connection.getProgramAccounts(TOKEN_PROGRAM, {
        filters: [{ dataSize: 165 }, { memcmp: { offset: 0, bytes: mint.publicKey.toBase58() } }],
      });
      expect(holders.map((h) => h.pubkey.toBase58()).sort()).toEqual([alice.publicKey.toBase58(), bob.publicKey.toBase58()].sort());
      const mints = await connection.getProgramAccounts(TOKEN_PROGRAM, {
        filters: [{ dataSize: 82 }, { memcmp: { offset: 0, bytes: mint.publicKey.toBase58() } }],
      });
      expect(mints).toEqual([]);

      const many = await connection.getMultipleAccountsInfo([alice.publicKey, Keypair.generate().publicKey]);
      expect(many[0]?.data.length).toBe(165);
      expect(many[1]).toBeNull();
    });

    it('answers the token methods on accounts an SPL Token flow made', async () => {
      const payer = Keypair.generate();
      await connection.requestAirdrop(payer.publicKey, 10 * LAMPORTS_PER_SOL);
      const [mint, alice, bob, carol] = [Keypair.generate(), Keypair.generate(), Keypair.generate(), Keypair.generate()];
      const [owner, delegate] = [Keypair.generate(), Keypair.generate()];
      const accountRent = await connection.getMinimumBalanceForRentExemption(165);
      const create = (account: Keypair, space: number, lamports: number) =>
        SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: account.publicKey, lamports, space, programId: TOKEN_PROGRAM });
      const mintTo = (account: Keypair, amount: bigint) =>
        token.amountIx(
          7,
          [
            [mint.publicKey, true],
            [account.publicKey, true],
            [payer.publicKey, false],
          ],
          amount,
        );
      await sendAndConfirmTransaction(
        connection,
        new Transaction().add(
          create(mint, 82, await connection.getMinimumBalanceForRentExemption(82)),
          token.initializeMint2(mint.publicKey, 2, payer.publicKey),
          create(alice, 165, accountRent),
          token.initializeAccount3(alice.publicKey, mint.publicKey, owner.publicKey),
          create(bob, 165, accountRent),
          token.initializeAccount3(bob.publicKey, mint.publicKey, owner.publicKey),
          create(carol, 165, accountRent),
          token.initializeAccount3(carol.publicKey, mint.publicKey, payer.publicKey),
          mintTo(alice, 1_234n),
          mintTo(bob, 50n),
          mintTo(carol, 9_999n),
        ),
        [payer, mint, alice, bob, carol],
      );
      // Approve (tag 4): bob's owner lets `delegate` move 7 of bob's tokens.
      await sendAndConfirmTransaction(
        connection,
        new Transaction().add(
          token.amountIx(
            4,
            [
              [bob.publicKey, true],
              [delegate.publicKey, false],
              [owner.publicKey, false],
            ],
            7n,
          ),
        ),
        [payer, owner],
      );

      const amount = (raw: string, text: string) => ({ amount: raw, decimals: 2, uiAmount: Number(text), uiAmountString: text });
      expect((await connection.getTokenAccountBalance(alice.publicKey)).value).toEqual(amount('1234', '12.34'));
      expect((await connection.getTokenSupply(mint.publicKey)).value).toEqual(amount('11283', '112.83'));
      const largest = (await connection.getTokenLargestAccounts(mint.publicKey)).value;
      expect(largest.map((a) => ({ ...a, address: a.address.toBase58() }))).toEqual([
        { address: carol.publicKey.toBase58(), ...amount('9999', '99.99') },
        { address: alice.publicKey.toBase58(), ...amount('1234', '12.34') },
        { address: bob.publicKey.toBase58(), ...amount('50', '0.5') },
      ]);

      const parsed = (await connection.getParsedTokenAccountsByOwner(owner.publicKey, { mint: mint.publicKey })).value;
      const byAddress = new Map(parsed.map((a) => [a.pubkey.toBase58(), a.account]));
      expect([...byAddress.keys()].sort()).toEqual([alice.publicKey.toBase58(), bob.publicKey.toBase58()].sort());
      expect(byAddress.get(bob.publicKey.toBase58())).toMatchObject({ lamports: accountRent, space: 165 });
      expect(byAddress.get(bob.publicKey.toBase58())?.owner.equals(TOKEN_PROGRAM)).toBe(true);
      expect(byAddress.get(bob.publicKey.toBase58())?.data).toEqual({
        program: 'spl-token',
        parsed: {
          type: 'account',
          info: {
            mint: mint.publicKey.toBase58(),
            owner: owner.publicKey.toBase58(),
            tokenAmount: amount('50', '0.5'),
            delegate: delegate.publicKey.toBase58(),
            state: 'initialized',
            isNative: false,
            delegatedAmount: amount('7', '0.07'),
          },
        },
        space: 165,
      });
      const raw = (await connection.getTokenAccountsByOwner(owner.publicKey, { programId: TOKEN_PROGRAM })).value;
      expect(raw.map((a) => a.pubkey.toBase58()).sort()).toEqual([alice.publicKey.toBase58(), bob.publicKey.toBase58()].sort());
      expect(raw.find((a) => a.pubkey.equals(alice.publicKey))?.account.data.readBigUInt64LE(64)).toBe(1_234n);

      // Kit, by delegate; then getAccountInfo's jsonParsed for a mint.
      const rpc = createSolanaRpc(v.rpcUrl);
      const delegated = await rpc
        .getTokenAccountsByDelegate(address(delegate.publicKey.toBase58()), { programId: address(TOKEN_PROGRAM.toBase58()) }, { encoding: 'base64' })
        .send();
      expect(delegated.value.map((a) => a.pubkey)).toEqual([bob.publicKey.toBase58()]);
      const parsedMint = await rpcCall(v, 'getAccountInfo', [mint.publicKey.toBase58(), { encoding: 'jsonParsed' }]);
      expect(parsedMint.result.value.data).toEqual({
        program: 'spl-token',
        parsed: {
          type: 'mint',
          info: { mintAuthority: payer.publicKey.toBase58(), supply: '11283', decimals: 2, isInitialized: true, freezeAuthority: null },
        },
        space: 82,
      });

      // Agave's refusals.
      const error = async (method: string, params: unknown[]) => (await rpcCall(v, method, params)).error;
      expect(await error('getTokenAccountBalance', [payer.publicKey.toBase58()])).toEqual({ code: -32602, message: 'Invalid param: not a Token account' });
      expect(await error('getTokenAccountBalance', [Keypair.generate().publicKey.toBase58()])).toEqual({
        code: -32602,
        message: 'Invalid param: could not find account',
      });
      expect(await error('getTokenSupply', [alice.publicKey.toBase58()])).toEqual({ code: -32602, message: 'Invalid param: mint could not be unpacked' });
      expect(await error('getTokenLargestAccounts', [payer.publicKey.toBase58()])).toEqual({
        code: -32602,
        message: 'Invalid param: Token mint could not be unpacked',
      });
      expect(await error('getTokenAccountsByOwner', [owner.publicKey.toBase58(), { programId: payer.publicKey.toBase58() }])).toEqual({
        code: -32602,
        message: 'Invalid param: unrecognized Token program id',
      });
      expect(await error('getTokenAccountsByOwner', [owner.publicKey.toBase58(), { owner: payer.publicKey.toBase58() }])).toEqual({
        code: -32602,
        message: 'Invalid params: unknown variant `owner`, expected `mint` or `programId`.',
      });
    });

    it('refuses a failing transaction in preflight with -32002 and simulates it with logs', async () => {
      const payer = Keypair.generate();
      await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
      const tx = new Transaction().add(
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: 2 * LAMPORTS_PER_SOL }),
      );
      tx.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
      tx.feePayer = payer.publicKey;
      tx.sign(payer);
      const error = await connection.sendRawTransaction(tx.serialize()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SendTransactionError);
      expect((error as SendTransactionError).transactionError.message).toBe(
        'Transaction simulation failed: Error processing Instruction 0: custom program error: 0x1',
      );

      const raw = await rpcCall(v, 'sendTransaction', [tx.serialize().toString('base64'), { encoding: 'base64' }]);
      expect(raw.error.code).toBe(-32002);
      expect(raw.error.data).toMatchObject({ err: { InstructionError: [0, { Custom: 1 }] }, accounts: null, unitsConsumed: 150, returnData: null });
      expect(raw.error.data.logs).toContain('Transfer: insufficient lamports 999995000, need 2000000000');

      const simulated = await connection.simulateTransaction(tx);
      expect(simulated.value.err).toEqual({ InstructionError: [0, { Custom: 1 }] });
      expect(simulated.value.logs?.at(-1)).toBe('Program 11111111111111111111111111111111 failed: custom program error: 0x1');
      expect(await connection.getBalance(payer.publicKey)).toBe(LAMPORTS_PER_SOL); // nothing charged
    });

    it('simulates with accounts, inner instructions and a replaced blockhash', async () => {
      const payer = Keypair.generate();
      const receiver = Keypair.generate().publicKey;
      await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
      const tx = new Transaction({ feePayer: payer.publicKey, blockhash: '11111111111111111111111111111111', lastValidBlockHeight: 0 }).add(
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: receiver, lamports: LAMPORTS_PER_SOL / 2 }),
      );
      const wire = tx.serialize({ requireAllSignatures: false, verifySignatures: false }).toString('base64');
      const stale = await rpcCall(v, 'simulateTransaction', [wire, { encoding: 'base64' }]);
      expect(stale.result.value.err).toBe('BlockhashNotFound');

      const res = await rpcCall(v, 'simulateTransaction', [
        wire,
        { encoding: 'base64', replaceRecentBlockhash: true, innerInstructions: true, accounts: { addresses: [receiver.toBase58()], encoding: 'base64' } },
      ]);
      const value = res.result.value;
      expect(value.err).toBeNull();
      expect(value.replacementBlockhash.blockhash).toBe((await connection.getLatestBlockhash()).blockhash);
      expect(value.accounts[0]).toMatchObject({ lamports: LAMPORTS_PER_SOL / 2, owner: '11111111111111111111111111111111', data: ['', 'base64'] });
      expect(value).toMatchObject({
        unitsConsumed: 150,
        innerInstructions: [],
        fee: 5000,
        preBalances: [LAMPORTS_PER_SOL, 0, 1],
        postBalances: [LAMPORTS_PER_SOL / 2 - 5000, LAMPORTS_PER_SOL / 2, 1],
      });
      expect(await connection.getBalance(receiver)).toBe(0);

      const both = await rpcCall(v, 'simulateTransaction', [wire, { encoding: 'base64', replaceRecentBlockhash: true, sigVerify: true }]);
      expect(both.error).toEqual({ code: -32602, message: 'sigVerify may not be used with replaceRecentBlockhash' });
    });

    it('encodes accounts as Agave does: dataSlice, base58 limit, jsonParsed fallback', async () => {
      const holder = Keypair.generate().publicKey;
      v.svm.setAccount(holder, {
        lamports: 1_000_000n,
        data: Uint8Array.from({ length: 200 }, (_, i) => i),
        owner: SystemProgram.programId,
        executable: false,
      });
      const sliced = await rpcCall(v, 'getAccountInfo', [holder.toBase58(), { encoding: 'base64', dataSlice: { offset: 10, length: 3 } }]);
      expect(sliced.result.value).toMatchObject({ data: [Buffer.from([10, 11, 12]).toString('base64'), 'base64'], lamports: 1_000_000, space: 200 });
      expect((await rpcCall(v, 'getAccountInfo', [holder.toBase58(), { encoding: 'base58' }])).error).toEqual({
        code: -32600,
        message: 'Encoded binary (base 58) data should be less than 128 bytes, please use Base64 encoding.',
      });
      const small = await rpcCall(v, 'getAccountInfo', [holder.toBase58(), { dataSlice: { offset: 0, length: 2 } }]);
      expect(small.result.value.data).toBe('1' + '2'); // binary: a bare base58 string of [0, 1]
      expect((await rpcCall(v, 'getAccountInfo', [holder.toBase58(), { encoding: 'base64+zstd' }])).error.code).toBe(-32602);
      expect((await rpcCall(v, 'getAccountInfo', [holder.toBase58(), { encoding: 'jsonParsed' }])).result.value.data[1]).toBe('base64');
      expect((await rpcCall(v, 'getAccountInfo', [Keypair.generate().publicKey.toBase58()])).result.value).toBeNull();
    });
  });

  describe('@solana/kit', () => {
    it('reads, sends and confirms through its RPC and subscriptions', async () => {
      const rpc = createSolanaRpc(v.rpcUrl);
      const subscriptions = createSolanaRpcSubscriptions(v.wsUrl);
      const payer = await generateKeyPairSigner();
      const receiver = (await generateKeyPairSigner()).address;
      const abort = new AbortController();
      try {
        await rpc.requestAirdrop(payer.address, lamports(1_000_000_000n)).send();
        expect((await rpc.getBalance(payer.address).send()).value).toBe(1_000_000_000n);

        // kit delivers only to an iteration already waiting: each `next()` is asked for before the event.
        const accountNotifications = await subscriptions.accountNotifications(receiver, { encoding: 'base64' }).subscribe({ abortSignal: abort.signal });
        const accountChange = accountNotifications[Symbol.asyncIterator]().next();
        const { value: latest } = await rpc.getLatestBlockhash().send();
        const message = pipe(
          createTransactionMessage({ version: 0 }),
          (m) => setTransactionMessageFeePayerSigner(payer, m),
          (m) => setTransactionMessageLifetimeUsingBlockhash(latest, m),
          (m) => appendTransactionMessageInstruction(kitTransfer({ address: payer.address, signer: payer }, receiver, 500_000_000n) as never, m),
        );
        const signed = await signTransactionMessageWithSigners(message);
        const signature = getSignatureFromTransaction(signed);
        const signatureNotifications = await subscriptions
          .signatureNotifications(signature, { commitment: 'confirmed' })
          .subscribe({ abortSignal: abort.signal });
        const confirmation = signatureNotifications[Symbol.asyncIterator]().next();
        await rpc.sendTransaction(getBase64EncodedWireTransaction(signed), { encoding: 'base64' }).send();

        expect((await confirmation).value?.value).toEqual({ err: null });
        expect((await accountChange).value?.value).toMatchObject({ lamports: 500_000_000n, owner: '11111111111111111111111111111111', space: 0n });
        const { value: statuses } = await rpc.getSignatureStatuses([signature]).send();
        expect(statuses[0]).toMatchObject({ err: null, confirmationStatus: 'finalized' });
        const got = await rpc.getTransaction(signature, { maxSupportedTransactionVersion: 0, encoding: 'json' }).send();
        expect(got?.version).toBe(0);
        expect((got?.transaction.message as { addressTableLookups?: unknown }).addressTableLookups).toEqual([]);
        expect((await rpc.isBlockhashValid(latest.blockhash).send()).value).toBe(true);

        const fee = await rpc.getFeeForMessage(Buffer.from(signed.messageBytes).toString('base64') as never).send();
        expect(fee.value === null || fee.value === 5000n).toBe(true);
      } finally {
        abort.abort();
      }
    });

    it('prices a message with the latest blockhash and not one with an unknown blockhash', async () => {
      const payer = Keypair.generate();
      const tx = new Transaction({ feePayer: payer.publicKey, ...(await connection.getLatestBlockhash()) }).add(
        SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: payer.publicKey, lamports: 1 }),
      );
      expect(await connection.getFeeForMessage(tx.compileMessage())).toMatchObject({ value: 5000 });
      tx.recentBlockhash = Keypair.generate().publicKey.toBase58();
      expect(await connection.getFeeForMessage(tx.compileMessage())).toMatchObject({ value: null });
    });

    it('refuses a message whose compute-budget requests do not load, as invalid params', async () => {
      const payer = Keypair.generate();
      const setLimit = () =>
        new TransactionInstruction({
          programId: new PublicKey('ComputeBudget111111111111111111111111111111'),
          keys: [],
          data: Buffer.from([2, 64, 66, 15, 0]),
        });
      const tx = new Transaction({ feePayer: payer.publicKey, ...(await connection.getLatestBlockhash()) }).add(setLimit(), setLimit());
      const answer = await rpcCall(v, 'getFeeForMessage', [tx.compileMessage().serialize().toString('base64')]);
      expect(answer.error).toEqual({
        code: -32602,
        message: 'invalid transaction message: Transaction contains a duplicate instruction (1) that is not allowed',
      });
    });
  });

  describe('PubSub by hand', () => {
    it('notifies a signature subscription made after the transaction at once, and unsubscribes', async () => {
      const payer = Keypair.generate();
      const signature = await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL);
      const socket = new WebSocket(v.wsUrl);
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON messages the assertions read field by field
      const messages: any[] = [];
      const arrived = (n: number) => vi.waitFor(() => expect(messages.length).toBeGreaterThanOrEqual(n));
      socket.on('message', (data) => messages.push(JSON.parse(data.toString())));
      await new Promise((resolve) => socket.on('open', resolve));
      try {
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'signatureSubscribe', params: [signature, { commitment: 'finalized' }] }));
        await arrived(2);
        const id = messages[0].result;
        expect(messages[0]).toEqual({ jsonrpc: '2.0', result: id, id: 7 });
        expect(messages[1]).toEqual({
          jsonrpc: '2.0',
          method: 'signatureNotification',
          params: { result: { context: { slot: expect.any(Number) }, value: { err: null } }, subscription: id },
        });
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'accountSubscribe', params: [payer.publicKey.toBase58()] }));
        await arrived(3);
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'accountUnsubscribe', params: [messages[2].result] }));
        socket.send(JSON.stringify({ jsonrpc: '2.0', id: 10, method: 'accountUnsubscribe', params: [messages[2].result] }));
        await arrived(5);
        expect(messages[3]).toEqual({ jsonrpc: '2.0', result: true, id: 9 });
        expect(messages[4]).toEqual({ jsonrpc: '2.0', error: { code: -32602, message: 'Invalid subscription id.' }, id: 10 });
      } finally {
        socket.close();
      }
    });
  });

  describe('malformed requests', () => {
    it('answers JSON-RPC errors and keeps serving', async () => {
      expect(await call(v, '{"jsonrpc":"2.0",')).toEqual({ jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
      expect(await rpcCall(v, 'noSuchMethod')).toEqual({ jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 1 });
      expect((await rpcCall(v, 'getBalance', [42])).error).toEqual({ code: -32602, message: 'Invalid params: invalid type: integer `42`, expected a string.' });
      expect((await rpcCall(v, 'getBalance', ['abc'])).error).toEqual({ code: -32602, message: 'Invalid param: WrongSize' });
      expect((await rpcCall(v, 'getBalance', ['0OIl'])).error).toEqual({ code: -32602, message: 'Invalid param: Invalid' });
      expect((await rpcCall(v, 'getBalance', [])).error).toEqual({ code: -32602, message: '`params` should have at least 1 argument(s)' });
      expect((await rpcCall(v, 'getSlot', [{ commitment: 'fast' }])).error.message).toBe(
        'Invalid params: unknown variant `fast`, expected one of `processed`, `confirmed`, `finalized`.',
      );
      expect((await rpcCall(v, 'sendTransaction', ['0OIl'])).error).toEqual({
        code: -32602,
        message: "invalid base58 encoding: InvalidCharacter { character: '0', index: 0 }",
      });
      expect((await call(v, JSON.stringify({ id: 3, method: 'getSlot' }))).error).toEqual({ code: -32600, message: 'Invalid request' });
      const slot = (await rpcCall(v, 'getSlot')).result;
      expect((await rpcCall(v, 'getSlot', [{ minContextSlot: slot + 10 }])).error).toEqual({
        code: -32016,
        message: 'Minimum context slot has not been reached',
        data: { contextSlot: slot },
      });
      expect((await rpcCall(v, 'getTransaction', ['1'.repeat(64), { commitment: 'processed' }])).error.code).toBe(-32602);

      const batch = await call(
        v,
        JSON.stringify([
          { jsonrpc: '2.0', id: 1, method: 'getHealth' },
          { jsonrpc: '2.0', id: 2, method: 'nope' },
          { jsonrpc: '2.0', method: 'getHealth' },
        ]),
      );
      expect(batch).toEqual([
        { jsonrpc: '2.0', result: 'ok', id: 1 },
        { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' }, id: 2 },
      ]);
      const huge = await fetch(v.rpcUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(100_000) });
      expect(huge.status).toBe(413);
      expect((await rpcCall(v, 'getHealth')).result).toBe('ok');
    });
  });
});
