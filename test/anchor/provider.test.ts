/**
 * websvm/anchor: the provider and connection that `@coral-xyz/anchor` runs on, and Anchor
 * workspaces. The Anchor-like examples' tests (Anchor-like-examples/<name>/tests) drive the example
 * programs through Anchor's own `Program` over this provider.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Keypair, PublicKey, SendTransactionError, SystemProgram, Transaction, type Logs } from '@solana/web3.js';
import { fromWorkspace, readWorkspace, WebsvmProvider } from '../../src/anchor/index.js';
import { parseToml } from '../../src/anchor/toml.js';

const example = (path: string) => new URL(`../../Anchor-like-examples/${path}`, import.meta.url).pathname;
const VAULT_ID = 'Vau1t11111111111111111111111111111111111111';
const COUNTER_ID = 'Counter111111111111111111111111111111111111';

describe('WebsvmProvider and its connection (web3.js transactions)', () => {
  it('sends, reads accounts and balances, reports logs to onLogs listeners and looks transactions up', async () => {
    const provider = new WebsvmProvider();
    const to = Keypair.generate().publicKey;
    expect(await provider.connection.getAccountInfo(to)).toBeNull();
    const heard: Logs[] = [];
    const id = provider.connection.onLogs(SystemProgram.programId, (logs) => heard.push(logs));
    const tx = new Transaction().add(SystemProgram.transfer({ fromPubkey: provider.publicKey, toPubkey: to, lamports: 2_000_000 }));
    const signature = await provider.sendAndConfirm(tx);
    expect(await provider.connection.getBalance(to)).toBe(2_000_000);
    const info = (await provider.connection.getAccountInfo(to))!;
    expect(info.owner.equals(SystemProgram.programId)).toBe(true);
    expect(info.data).toBeInstanceOf(Buffer);
    expect(heard).toEqual([
      { signature, err: null, logs: ['Program 11111111111111111111111111111111 invoke [1]', 'Program 11111111111111111111111111111111 success'] },
    ]);
    await provider.connection.removeOnLogsListener(id);
    expect((await provider.connection.getTransaction(signature))?.meta?.logMessages).toEqual(heard[0].logs);
    expect((await provider.connection.confirmTransaction(signature)).value.err).toBeNull();
    expect(await provider.connection.getMinimumBalanceForRentExemption(0)).toBe(890_880);
  });

  it('throws SendTransactionError with the logs and the RPC message Anchor parses, and simulates without committing', async () => {
    const provider = new WebsvmProvider();
    const to = Keypair.generate().publicKey;
    const tooMuch = new Transaction().add(SystemProgram.transfer({ fromPubkey: provider.publicKey, toPubkey: to, lamports: 10n ** 15n }));
    const error = await provider.sendAndConfirm(tooMuch).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendTransactionError);
    expect((error as SendTransactionError).transactionError.message).toBe('Error processing Instruction 0: custom program error: 0x1');
    expect((error as SendTransactionError).logs).toContain(`Transfer: insufficient lamports 99999995000, need 1000000000000000`);

    const fine = new Transaction().add(SystemProgram.transfer({ fromPubkey: provider.publicKey, toPubkey: to, lamports: 1_000_000 }));
    const simulated = await provider.simulate(fine);
    expect(simulated.unitsConsumed).toBe(150);
    expect(simulated.logs).toHaveLength(2);
    expect(await provider.connection.getBalance(to)).toBe(0);
    await expect(provider.simulate(tooMuch)).rejects.toBeInstanceOf(SendTransactionError);
  });

  it('filters program accounts by memcmp and dataSize, and sends several transactions with sendAll', async () => {
    const provider = new WebsvmProvider();
    const owner = Keypair.generate().publicKey;
    for (const [i, bytes] of [[1, 2, 3], [1, 9], [4]].entries()) {
      provider.svm.setAccount(new PublicKey(new Uint8Array(32).fill(i + 1)), { lamports: 1_000_000n, data: Uint8Array.from(bytes), owner, executable: false });
    }
    const found = (filters: object[]) =>
      (provider.connection.getProgramAccounts(owner, { filters } as never) as unknown as Promise<{ account: { data: Buffer } }[]>).then((list) =>
        list.map((a) => [...a.account.data]),
      );
    expect(await found([{ memcmp: { offset: 0, bytes: '2' } }])).toEqual([
      [1, 2, 3],
      [1, 9],
    ]); // base58 '2' is byte 1
    expect(await found([{ memcmp: { offset: 0, bytes: 'AQ==', encoding: 'base64' } }, { dataSize: 2 }])).toEqual([[1, 9]]);

    const payees = [Keypair.generate().publicKey, Keypair.generate().publicKey];
    const signatures = await provider.sendAll(
      payees.map((p) => ({ tx: new Transaction().add(SystemProgram.transfer({ fromPubkey: provider.publicKey, toPubkey: p, lamports: 1_000_000 })) })),
    );
    expect(signatures).toHaveLength(2);
    expect(await Promise.all(payees.map((p) => provider.connection.getBalance(p)))).toEqual([1_000_000, 1_000_000]);
  });
});

describe('fromWorkspace', () => {
  it("deploys Anchor.toml's programs from target/deploy, the genesis programs and the validator's account files", () => {
    const dir = mkdtempSync(join(tmpdir(), 'websvm-workspace-'));
    mkdirSync(join(dir, 'target', 'deploy'), { recursive: true });
    mkdirSync(join(dir, 'target', 'idl'), { recursive: true });
    copyFileSync(example('vault/program/vault.so'), join(dir, 'target', 'deploy', 'vault.so'));
    copyFileSync(example('vault/idl/vault.json'), join(dir, 'target', 'idl', 'vault.json'));
    copyFileSync(example('counter/program/counter.so'), join(dir, 'counter.so'));
    const extra = Keypair.generate().publicKey.toBase58();
    writeFileSync(
      join(dir, 'extra.json'),
      JSON.stringify({ pubkey: extra, account: { lamports: 5, data: ['AQI=', 'base64'], owner: COUNTER_ID, executable: false, rentEpoch: 0, space: 2 } }),
    );
    writeFileSync(
      join(dir, 'Anchor.toml'),
      [
        '[toolchain]',
        '[features]',
        'resolution = true # comments are skipped',
        '[programs.localnet]',
        `vault = "${VAULT_ID}"`,
        '[provider]',
        'cluster = "Localnet"',
        'wallet = "~/.config/solana/id.json"',
        '[scripts]',
        'test = "yarn run ts-mocha -p ./tsconfig.json -t 1000000 tests/**/*.ts"',
        '[[test.genesis]]',
        `address = "${COUNTER_ID}"`,
        'program = "counter.so"',
        '[[test.validator.account]]',
        `address = "${extra}"`,
        'filename = "extra.json"',
      ].join('\n'),
    );
    const workspace = readWorkspace(dir);
    expect(workspace.programs.map((p) => [p.name, p.programId, p.idl?.address])).toEqual([['vault', VAULT_ID, VAULT_ID]]);
    const svm = fromWorkspace(dir);
    for (const id of [VAULT_ID, COUNTER_ID]) expect(svm.getAccount(id)).toMatchObject({ exists: true, executable: true });
    expect(svm.getAccount(extra)).toMatchObject({ exists: true, lamports: 5n, data: Uint8Array.of(1, 2) });
    expect(() => fromWorkspace(join(dir, 'target'))).toThrow(/is not an Anchor workspace: it has no Anchor.toml/);
  });

  it('reads the TOML Anchor.toml files use, and refuses what it does not read', () => {
    expect(parseToml('[a.b]\nx = [1, "two", { k = true }] # c\n[[a.list]]\ny = \'#\'\n[[a.list]]\ny = "q\\""')).toEqual({
      a: { b: { x: [1, 'two', { k: true }] }, list: [{ y: '#' }, { y: 'q"' }] },
    });
    expect(() => parseToml('[t]\nx = 1979-05-27T07:32:00Z')).toThrow('Anchor.toml line 2: unsupported value');
    expect(() => parseToml('x = """\nmulti\n"""')).toThrow(/line 1/);
  });
});
