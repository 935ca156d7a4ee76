/**
 * LiteSVM's default programs: `new SVM()` and `withDefaultPrograms()` deploy the same program and
 * programdata accounts as LiteSVM when a source supplies the ELFs (here the installed `litesvm`
 * package, kept in a cache for the next process, or a directory of dumped programs),
 * `withNativeMints` follows them, and without a source the error says where the programs can come
 * from. `programsFromRpc` takes them from a cluster (here a local websvm validator).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bs58 from 'bs58';
import { describe, expect, it, vi } from 'vitest';
import {
  address,
  appendTransactionMessageInstructions,
  createTransactionMessage,
  generateKeyPairSigner,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
} from '@solana/kit';
import { LiteSVM as OracleSVM } from 'litesvm';
import { DEFAULT_PROGRAMS, programsFromDirectory, programsFromLiteSvm, programsFromRpc, SVM, WebsvmError } from '../../src/index.js';
import { startValidator } from '../../src/validator/index.js';

interface Readable {
  getAccount(address: never): { exists: boolean; lamports?: bigint; programAddress?: string; executable?: boolean; data?: Uint8Array };
}

/** A program's account and, under the upgradeable loader, its programdata account. */
function programAccounts(svm: Readable, programId: string) {
  const get = (address: string) => {
    const a = svm.getAccount(address as never);
    return a.exists ? { lamports: a.lamports, owner: a.programAddress, executable: a.executable, data: a.data } : null;
  };
  const program = get(programId);
  const accounts = [program];
  if (program?.owner === 'BPFLoaderUpgradeab1e11111111111111111111111') accounts.push(get(bs58.encode(program.data!.subarray(4, 36))));
  return accounts;
}

const WSOL = 'So11111111111111111111111111111111111111112';
const WSOL_2022 = '9pan9bMn5HatX4EJdBwg9VgCa7Uz5HL8N1m5D3NdXejP';

describe('default programs', () => {
  it('new SVM() deploys the program and programdata accounts new LiteSVM() has', () => {
    const ours = new SVM();
    const theirs = new OracleSVM();
    for (const { programId } of DEFAULT_PROGRAMS) {
      const expected = programAccounts(theirs as unknown as Readable, programId);
      expect(expected[0], programId).not.toBeNull();
      expect(programAccounts(ours as unknown as Readable, programId), programId).toEqual(expected);
    }
  });

  it('withDefaultPrograms and withNativeMints on a minimal SVM, as LiteSVM', () => {
    const ours = SVM.default().withSysvars().withDefaultPrograms().withNativeMints();
    const theirs = OracleSVM.default().withSysvars().withDefaultPrograms().withNativeMints();
    for (const mint of [WSOL, WSOL_2022]) {
      const a = ours.getAccount(mint);
      const b = theirs.getAccount(mint as never);
      expect(a.exists && b.exists && [a.lamports, a.programAddress, a.data]).toEqual(b.exists && [b.lamports, b.programAddress, b.data]);
    }
  });

  it('withNativeMints adds wrapped SOL only for the token programs deployed', () => {
    const token = DEFAULT_PROGRAMS.find((p) => p.name === 'spl_token')!;
    const svm = SVM.default()
      .withSysvars()
      .withDefaultPrograms((p) => (p === token ? programsFromLiteSvm()!(p) : undefined))
      .withNativeMints();
    expect(svm.getAccount(WSOL)).toMatchObject({ exists: true, programAddress: token.programId });
    expect(svm.getAccount(WSOL_2022).exists).toBe(false);
  });

  it('reads <name>.so or <programId>.so from a directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'websvm-programs-'));
    const [memo, ata] = ['spl_memo', 'spl_associated_token_account'].map((name) => DEFAULT_PROGRAMS.find((p) => p.name === name)!);
    writeFileSync(join(dir, `${memo.name}.so`), programsFromLiteSvm()!(memo)!.elf);
    writeFileSync(join(dir, `${ata.programId}.so`), programsFromLiteSvm()!(ata)!.elf);
    const ours = SVM.default().withDefaultPrograms(programsFromDirectory(dir));
    const theirs = new OracleSVM() as unknown as Readable;
    for (const p of DEFAULT_PROGRAMS) {
      const deployed = programAccounts(ours as unknown as Readable, p.programId);
      expect(deployed, p.name).toEqual(p === memo || p === ata ? programAccounts(theirs, p.programId) : [null]);
    }
  });

  it('keeps what it read from litesvm in node_modules/.cache for the next process', () => {
    const source = programsFromLiteSvm()!;
    const manifest = createRequire(import.meta.url).resolve('litesvm/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    const cache = join(manifest, '../..', '.cache/websvm', `litesvm-${version}`);
    const loaders = JSON.parse(readFileSync(join(cache, 'loaders.json'), 'utf8')) as Record<string, string>;
    for (const p of DEFAULT_PROGRAMS) {
      const found = source(p)!;
      expect(loaders[p.name], p.name).toBe(found.loader);
      expect(new Uint8Array(readFileSync(join(cache, `${p.name}.so`))), p.name).toEqual(found.elf);
    }
    expect(readdirSync(cache).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it("reads a program's ELF only when its accounts are first read or it first runs", () => {
    const inner = programsFromLiteSvm()!;
    const reads: string[] = [];
    const counting = (p: (typeof DEFAULT_PROGRAMS)[number]) => {
      const found = inner(p);
      return (
        found && {
          loader: found.loader,
          get elf() {
            reads.push(p.name);
            return found.elf;
          },
        }
      );
    };
    const ours = SVM.default().withBuiltins().withSysvars().withDefaultPrograms(counting);
    expect(reads).toEqual([]);
    const snapshot = ours.snapshot();
    const TOKEN_2022 = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
    expect(programAccounts(ours, TOKEN_2022)).toEqual(programAccounts(new OracleSVM(), TOKEN_2022));
    expect(new Set(reads)).toEqual(new Set(['spl_token_2022']));
    ours.restore(snapshot); // taken before the read: restores the same accounts
    expect(programAccounts(ours, TOKEN_2022)).toEqual(programAccounts(new OracleSVM(), TOKEN_2022));
  });

  it('a failed transaction naming a default program new SVM() could not deploy warns once, naming it and where it can come from', async () => {
    const svm = new SVM();
    const MEMO = 'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr';
    svm.setAccount(MEMO, { lamports: 0, data: new Uint8Array(0), owner: '11111111111111111111111111111111', executable: false }); // as if no source had it
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const payer = await generateKeyPairSigner();
      svm.airdrop(payer.address, 1_000_000_000n);
      const memo = async (text: string) =>
        pipe(
          createTransactionMessage({ version: 0 }),
          (m) => setTransactionMessageFeePayerSigner(payer, m),
          (m) => appendTransactionMessageInstructions([{ programAddress: address(MEMO), data: new TextEncoder().encode(text) }], m),
          (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
          (m) => signTransactionMessageWithSigners(m),
        );
      expect(String(svm.sendTransaction(await memo('a')))).toMatch(/Failed/); // the result itself is Agave's
      svm.sendTransaction(await memo('b'));
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/spl_memo \(MemoSq4g.*WEBSVM_PROGRAMS.*install litesvm/);
    } finally {
      warn.mockRestore();
    }
  });

  it('without a source that has any of them, says where they can come from', () => {
    const run = () => SVM.default().withDefaultPrograms(() => undefined);
    expect(run).toThrow(WebsvmError);
    expect(run).toThrow(
      /WEBSVM_PROGRAMS .* install litesvm, pass a ProgramSource \(programsFromRpc\(url\) fetches them from a cluster\), or deploy them with addProgram/,
    );
  });
});

describe('programsFromRpc', () => {
  it("deploys the cluster's programs with the cluster's loaders, the same bytes and accounts", async () => {
    const cluster = await startValidator({ port: 0, slotTime: 'manual' });
    try {
      const source = await programsFromRpc(cluster.rpcUrl);
      const svm = SVM.default().withDefaultPrograms(source);
      const fromLiteSvm = programsFromLiteSvm()!;
      for (const program of DEFAULT_PROGRAMS) {
        const expected = fromLiteSvm(program)!;
        const got = source(program)!;
        expect(got.loader, program.name).toBe(expected.loader);
        expect(Buffer.from(got.elf).equals(Buffer.from(expected.elf)), program.name).toBe(true);
        expect(svm.getAccount(program.programId), program.name).toEqual(cluster.svm.getAccount(program.programId));
      }
    } finally {
      await cluster.close();
    }
  });

  it('refuses an RPC it cannot reach or that answers with an error, as FetchFailed', async () => {
    const cluster = await startValidator({ port: 0, slotTime: 'manual' });
    const url = cluster.rpcUrl;
    await cluster.close();
    await expect(programsFromRpc(url)).rejects.toMatchObject({
      kind: 'FetchFailed',
      message: expect.stringContaining(`cannot fetch the default programs from ${url}: ECONNREFUSED`),
    });
    await expect(programsFromRpc('data:text/plain,nothing')).rejects.toMatchObject({ kind: 'FetchFailed' });
  });
});
