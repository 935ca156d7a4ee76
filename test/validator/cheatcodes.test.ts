/** Surfpool's `surfnet_*` cheatcodes over raw JSON-RPC, read back with @solana/web3.js. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Connection,
  Keypair,
  LAMPORTS_PER_SOL,
  PublicKey,
  SystemProgram,
  Transaction,
  TransactionInstruction,
  sendAndConfirmTransaction,
} from '@solana/web3.js';
import { startValidator, type Validator } from '../../src/validator/index.js';

const PROGRAM = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';
const TOKEN_PROGRAM = new PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const ATA_PROGRAM = new PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');
const LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');

/** A JSON-RPC answer: the result, or the error with its code, message and data. */
interface Answer<T> {
  result?: T;
  error?: { code: number; message: string; data?: unknown };
}

/** The shape Surfpool answers its account cheatcodes with. */
interface Contextual<T> {
  context: { slot: number; apiVersion: string };
  value: T;
}

interface EpochInfo {
  absoluteSlot: number;
  blockHeight: number;
  epoch: number;
  slotIndex: number;
  slotsInEpoch: number;
  transactionCount: number;
}

/** A typed client of the cheatcodes (what Surfpool's own SDK would give, were it installed). */
function cheatcodes(v: Validator) {
  const call = async <T>(method: string, params: unknown[]): Promise<Answer<T>> => {
    const res = await fetch(v.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return (await res.json()) as Answer<T>;
  };
  return {
    call,
    setAccount: (address: string, update: { lamports?: number; data?: string; owner?: string; executable?: boolean; rentEpoch?: number }) =>
      call<Contextual<null>>('surfnet_setAccount', [address, update]),
    setTokenAccount: (owner: string, mint: string, update: Record<string, unknown>, tokenProgram?: string) =>
      call<Contextual<null>>('surfnet_setTokenAccount', tokenProgram ? [owner, mint, update, tokenProgram] : [owner, mint, update]),
    cloneProgramAccount: (source: string, destination: string) => call<Contextual<null>>('surfnet_cloneProgramAccount', [source, destination]),
    setProgramAuthority: (program: string, authority?: string) =>
      call<Contextual<null>>('surfnet_setProgramAuthority', authority ? [program, authority] : [program]),
    resetAccount: (address: string, config?: { include_owned_accounts?: boolean }) =>
      call<Contextual<null>>('surfnet_resetAccount', config ? [address, config] : [address]),
    setSupply: (update: { total?: number; circulating?: number; non_circulating?: number; non_circulating_accounts?: string[] }) =>
      call<Contextual<null>>('surfnet_setSupply', [update]),
    timeTravel: (config?: { absoluteSlot: number } | { absoluteEpoch: number } | { absoluteTimestamp: number }) =>
      call<EpochInfo>('surfnet_timeTravel', config ? [config] : []),
    pauseClock: () => call<EpochInfo>('surfnet_pauseClock', []),
    resumeClock: () => call<EpochInfo>('surfnet_resumeClock', []),
    getLocalSignatures: (limit?: number) =>
      call<Contextual<{ signature: string; err: unknown; logs: string[] }[]>>('surfnet_getLocalSignatures', limit === undefined ? [] : [limit]),
  };
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** An initialized SPL Token mint's 82 bytes: no authorities, `supply`, `decimals`. */
function mintData(supply: bigint, decimals: number): Uint8Array {
  const data = new Uint8Array(82);
  new DataView(data.buffer).setBigUint64(36, supply, true);
  data[44] = decimals;
  data[45] = 1;
  return data;
}

const ata = (owner: PublicKey, mint: PublicKey) =>
  PublicKey.findProgramAddressSync([owner.toBuffer(), TOKEN_PROGRAM.toBuffer(), mint.toBuffer()], ATA_PROGRAM)[0];

describe('validator cheatcodes', () => {
  let v: Validator;
  let connection: Connection;
  let cheat: ReturnType<typeof cheatcodes>;
  const authority = Keypair.generate().publicKey;

  beforeAll(async () => {
    v = await startValidator({
      slotTime: 'transaction',
      upgradeablePrograms: [{ programId: PROGRAM, file: 'programs/bin/accounts.so', authority: authority.toBase58() }],
    });
    connection = new Connection(v.rpcUrl, 'confirmed');
    cheat = cheatcodes(v);
  });
  afterAll(() => v.close());

  it('surfnet_setAccount writes a whole account or the fields given, with Surfpool errors', async () => {
    const address = Keypair.generate().publicKey;
    const owner = Keypair.generate().publicKey;
    const set = await cheat.setAccount(address.toBase58(), { lamports: 5000, data: 'deadbeef', owner: owner.toBase58(), executable: false, rentEpoch: 0 });
    expect(set.result).toEqual({ context: { slot: expect.any(Number), apiVersion: expect.any(String) }, value: null });
    let account = await connection.getAccountInfo(address);
    expect(account).toMatchObject({ lamports: 5000, data: Buffer.from([0xde, 0xad, 0xbe, 0xef]), executable: false });
    expect(account!.owner.equals(owner)).toBe(true);
    // Only the lamports: the rest stays.
    await cheat.setAccount(address.toBase58(), { lamports: 7000 });
    account = await connection.getAccountInfo(address);
    expect(account?.lamports).toBe(7000);
    expect(account?.data).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
    // A new account from the fields given: system-owned, empty.
    const fresh = Keypair.generate().publicKey;
    await cheat.setAccount(fresh.toBase58(), { lamports: 1 });
    expect(await connection.getAccountInfo(fresh)).toMatchObject({ lamports: 1, data: Buffer.alloc(0) });

    expect((await cheat.setAccount('not-a-key', { lamports: 1 })).error).toEqual({
      code: -32602,
      message: "Invalid pubkey 'not-a-key'",
      data: 'Invalid Base58 string',
    });
    expect((await cheat.setAccount('1111', { lamports: 1 })).error).toEqual({
      code: -32602,
      message: "Invalid pubkey '1111'",
      data: 'String is the wrong size',
    });
    expect((await cheat.setAccount(address.toBase58(), { data: 'abc' })).error).toEqual({
      code: -32602,
      message: 'Invalid hex data provided: Odd number of digits',
    });
    expect((await cheat.setAccount(address.toBase58(), { data: 'zz' })).error?.message).toBe("Invalid hex data provided: Invalid character 'z' at position 0");
    expect((await cheat.call('surfnet_setAccount', [address.toBase58()])).error).toEqual({
      code: -32602,
      message: '`params` should have at least 2 argument(s)',
    });
    expect((await cheat.setAccount(address.toBase58(), { lamports: -1 })).error?.message).toBe('Invalid params: invalid value: integer `-1`, expected u64.');
  });

  it('surfnet_setTokenAccount writes the owner’s associated token account through the SPL Token layout', async () => {
    const mint = Keypair.generate().publicKey;
    await cheat.setAccount(mint.toBase58(), {
      lamports: LAMPORTS_PER_SOL,
      data: hex(mintData(1_000_000n, 6)),
      owner: TOKEN_PROGRAM.toBase58(),
      executable: false,
      rentEpoch: 0,
    });
    const owner = Keypair.generate().publicKey;
    const delegate = Keypair.generate().publicKey;
    expect((await cheat.setTokenAccount(owner.toBase58(), mint.toBase58(), { amount: 1234500 })).result?.value).toBeNull();
    const address = ata(owner, mint);
    expect((await connection.getTokenAccountBalance(address)).value).toMatchObject({ amount: '1234500', decimals: 6, uiAmountString: '1.2345' });
    expect(await connection.getBalance(address)).toBe(await connection.getMinimumBalanceForRentExemption(165));

    await cheat.setTokenAccount(owner.toBase58(), mint.toBase58(), { delegate: delegate.toBase58(), delegatedAmount: 10, state: 'frozen' });
    const parsed = (await connection.getParsedAccountInfo(address)).value?.data as { parsed: { info: Record<string, unknown> } };
    expect(parsed.parsed.info).toMatchObject({
      mint: mint.toBase58(),
      owner: owner.toBase58(),
      delegate: delegate.toBase58(),
      state: 'frozen',
      tokenAmount: { amount: '1234500' },
      delegatedAmount: { amount: '10' },
    });
    await cheat.setTokenAccount(owner.toBase58(), mint.toBase58(), { delegate: 'null', state: 'initialized' });
    const cleared = (await connection.getParsedAccountInfo(address)).value?.data as { parsed: { info: Record<string, unknown> } };
    expect(cleared.parsed.info.delegate).toBeUndefined();
    expect(cleared.parsed.info.state).toBe('initialized');

    expect((await cheat.setTokenAccount(owner.toBase58(), mint.toBase58(), { state: 'melted' })).error).toEqual({
      code: -32602,
      message: 'Invalid token account state melted',
    });
    expect((await cheat.setTokenAccount(owner.toBase58(), 'x', {})).error?.message).toBe("Invalid pubkey 'x'");
  });

  it('surfnet_setProgramAuthority and surfnet_cloneProgramAccount patch and copy an upgradeable program', async () => {
    const programData = (id: string) => PublicKey.findProgramAddressSync([new PublicKey(id).toBuffer()], LOADER)[0];
    const newAuthority = Keypair.generate().publicKey;
    await cheat.setProgramAuthority(PROGRAM, newAuthority.toBase58());
    let data = (await connection.getAccountInfo(programData(PROGRAM)))!.data;
    expect(data[12]).toBe(1);
    expect(new PublicKey(data.subarray(13, 45)).equals(newAuthority)).toBe(true);
    await cheat.setProgramAuthority(PROGRAM);
    data = (await connection.getAccountInfo(programData(PROGRAM)))!.data;
    expect(data[12]).toBe(0);
    const nowhere = Keypair.generate().publicKey.toBase58();
    expect((await cheat.setProgramAuthority(nowhere)).error).toEqual({
      code: -32602,
      message: `Invalid program account ${nowhere}`,
      data: 'Account not found',
    });

    // The copy runs: it grows an account it owns by two bytes.
    const copy = Keypair.generate().publicKey;
    await cheat.cloneProgramAccount(PROGRAM, copy.toBase58());
    const program = (await connection.getAccountInfo(copy))!;
    expect(program.executable).toBe(true);
    expect(new PublicKey(program.data.subarray(4, 36)).equals(programData(copy.toBase58()))).toBe(true);
    const store = Keypair.generate().publicKey;
    await cheat.setAccount(store.toBase58(), { lamports: LAMPORTS_PER_SOL, data: '010203', owner: copy.toBase58(), executable: false, rentEpoch: 0 });
    const payer = Keypair.generate();
    await connection.confirmTransaction(await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL));
    const ix = new TransactionInstruction({ programId: copy, keys: [{ pubkey: store, isSigner: false, isWritable: true }], data: Buffer.from([0, 2]) });
    await sendAndConfirmTransaction(connection, new Transaction().add(ix), [payer]);
    expect((await connection.getAccountInfo(store))?.data).toEqual(Buffer.from([1, 2, 3, 0x5a, 0x5a]));
    expect((await cheat.cloneProgramAccount(nowhere, copy.toBase58())).error).toEqual({ code: -32602, message: `Account ${nowhere} not found` });
  });

  it('surfnet_resetAccount removes an account (and with include_owned_accounts, those it owns)', async () => {
    const owner = Keypair.generate().publicKey;
    const [a, b] = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    await cheat.setAccount(owner.toBase58(), { lamports: 10 });
    for (const x of [a, b]) await cheat.setAccount(x.toBase58(), { lamports: 10, data: '', owner: owner.toBase58(), executable: false, rentEpoch: 0 });
    await cheat.resetAccount(a.toBase58());
    expect(await connection.getAccountInfo(a)).toBeNull();
    expect(await connection.getAccountInfo(b)).not.toBeNull();
    expect((await cheat.resetAccount(owner.toBase58(), { include_owned_accounts: true })).result?.value).toBeNull();
    expect(await connection.getAccountInfo(owner)).toBeNull();
    expect(await connection.getAccountInfo(b)).toBeNull();
  });

  it('surfnet_setSupply sets what getSupply answers', async () => {
    const locked = Keypair.generate().publicKey.toBase58();
    await cheat.setSupply({ total: 1000, circulating: 600, non_circulating: 400, non_circulating_accounts: [locked] });
    const supply = (await connection.getSupply()).value;
    expect(supply).toMatchObject({ total: 1000, circulating: 600, nonCirculating: 400 });
    expect(supply.nonCirculatingAccounts.map((k) => k.toBase58())).toEqual([locked]);
    expect((await cheat.setSupply({ non_circulating_accounts: [locked, 'b0d'] })).error).toEqual({
      code: -32602,
      message: "Invalid pubkey 'b0d' at index 1",
      data: 'Invalid params: Invalid pubkey \'b0d\': "Invalid Base58 string"',
    });
  });

  it('surfnet_timeTravel moves the slot, epoch and Clock forward, never back, and transactions go on', async () => {
    const slot = await connection.getSlot();
    const travelled = (await cheat.timeTravel({ absoluteSlot: slot + 1000 })).result!;
    expect(travelled.absoluteSlot).toBe(slot + 1000);
    expect(await connection.getSlot()).toBe(slot + 1000);
    expect(v.svm.getClock().slot).toBe(BigInt(slot + 1000));
    expect((await cheat.timeTravel({ absoluteSlot: slot })).error).toEqual({
      code: -32603,
      message: 'Internal error',
      data: `Cannot travel to past slot: target=${slot}, current=${slot + 1000}`,
    });
    const nextEpoch = travelled.epoch + 2;
    const epoch = (await cheat.timeTravel({ absoluteEpoch: nextEpoch })).result!;
    expect(epoch).toMatchObject({ epoch: nextEpoch, slotIndex: 0 });
    expect(v.svm.getClock().epoch).toBe(BigInt(nextEpoch));
    const target = (Number(v.svm.getClock().unixTimestamp) + 86_400) * 1000;
    const later = (await cheat.timeTravel({ absoluteTimestamp: target })).result!;
    expect(later.absoluteSlot).toBeGreaterThan(epoch.absoluteSlot);
    expect(v.svm.getClock().unixTimestamp).toBe(BigInt(target / 1000));
    expect((await cheat.timeTravel({ absoluteHeight: 1 } as never)).error?.message).toBe(
      'Invalid params: unknown variant `absoluteHeight`, expected one of `absoluteEpoch`, `absoluteSlot`, `absoluteTimestamp`.',
    );

    const payer = Keypair.generate();
    await connection.confirmTransaction(await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL));
    const to = Keypair.generate().publicKey;
    await sendAndConfirmTransaction(
      connection,
      new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: LAMPORTS_PER_SOL / 10 })),
      [payer],
    );
    expect(await connection.getBalance(to)).toBe(LAMPORTS_PER_SOL / 10);
  });

  it('surfnet_pauseClock holds the slot through transactions until surfnet_resumeClock', async () => {
    const payer = Keypair.generate();
    await connection.confirmTransaction(await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL));
    const paused = (await cheat.pauseClock()).result!;
    const transfer = () =>
      sendAndConfirmTransaction(
        connection,
        new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: LAMPORTS_PER_SOL / 10 })),
        [payer],
      );
    await transfer();
    expect(await connection.getSlot()).toBe(paused.absoluteSlot);
    expect((await cheat.resumeClock()).result!.absoluteSlot).toBe(paused.absoluteSlot);
    await transfer();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await connection.getSlot()).toBeGreaterThan(paused.absoluteSlot);
  });

  it('surfnet_getLocalSignatures lists the newest transactions with their logs', async () => {
    const payer = Keypair.generate();
    await connection.confirmTransaction(await connection.requestAirdrop(payer.publicKey, LAMPORTS_PER_SOL));
    const signature = await sendAndConfirmTransaction(
      connection,
      new Transaction().add(SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: Keypair.generate().publicKey, lamports: LAMPORTS_PER_SOL / 10 })),
      [payer],
    );
    const listed = (await cheat.getLocalSignatures(2)).result!.value;
    expect(listed).toHaveLength(2);
    expect(listed[0]).toEqual({
      signature,
      err: null,
      logs: ['Program 11111111111111111111111111111111 invoke [1]', 'Program 11111111111111111111111111111111 success'],
    });
    expect((await cheat.getLocalSignatures()).result!.value.length).toBeGreaterThan(2);
  });
});
