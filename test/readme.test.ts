/** The README's examples, kept true. */
import { describe, expect, it } from 'vitest';
import {
  appendTransactionMessageInstructions,
  createSolanaRpc,
  createTransactionMessage,
  generateKeyPairSigner,
  lamports,
  pipe,
  setTransactionMessageFeePayerSigner,
  signTransactionMessageWithSigners,
  type Instruction,
} from '@solana/kit';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountRole } from '@solana/kit';
import {
  AnchorProgram,
  assemble,
  Check,
  ComputeUnitBencher,
  Coverage,
  execute,
  FailedTransactionMetadata,
  InstructionHarness,
  SVM,
  TransactionMetadata,
  type AnchorIdl,
} from '../src/index.js';
import { withSigners } from './helpers/light-protocol.js';
import { programElf, u64 } from './helpers/encoding.js';
import { startValidator } from '../src/validator/index.js';
import { WebsvmProvider } from '../src/anchor/index.js';
import anchor, { type AccountClient, type Idl } from '@coral-xyz/anchor';
import { readFileSync } from 'node:fs';

/** A signed transaction of `instructions` from a new funded payer: the `signedTx` and `tx` the README's snippets leave to the reader. */
async function fundedTransaction(svm: SVM, instructions: Instruction[]) {
  const payer = await generateKeyPairSigner();
  svm.airdrop(payer.address, lamports(1_000_000_000n));
  return pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(payer, m),
    (m) => appendTransactionMessageInstructions(instructions, m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
}

it('first example: a program in a transaction', async () => {
  const svm = new SVM();
  const alice = await generateKeyPairSigner();
  const programId = (await generateKeyPairSigner()).address;
  svm.airdrop(alice.address, lamports(1_000_000_000n));
  svm.addProgramFromFile(programId, new URL('../programs/bin/logging.so', import.meta.url).pathname);
  const signedTx = await pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayerSigner(alice, m),
    (m) => appendTransactionMessageInstructions([{ programAddress: programId, accounts: [], data: new Uint8Array(0) }], m),
    (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m),
    (m) => signTransactionMessageWithSigners(m),
  );
  const result = svm.sendTransaction(signedTx);
  if (!(result instanceof TransactionMetadata)) throw new Error(result.toString());
  expect(result.logs()[0]).toBe(`Program ${programId} invoke [1]`);
  expect(result.logs()).toContain('Program log: hello from websvm');
  expect(result.computeUnitsConsumed()).toBeGreaterThan(0n);
});

it('saved-state example: a loaded simulator carries on, history included', async () => {
  const svm = new SVM();
  const signedTx = await fundedTransaction(svm, [{ programAddress: '11111111111111111111111111111111' as never, accounts: [], data: new Uint8Array(0) }]);
  svm.sendTransaction(signedTx);
  const file = join(mkdtempSync(join(tmpdir(), 'websvm-readme-')), 'state.bin');

  svm.saveToFile(file); // or svm.toBytes()
  const again = SVM.loadFromFile(file); // or SVM.fromBytes(bytes)
  const result = again.sendTransaction(signedTx); // AlreadyProcessed, as in svm: the history came along

  expect(String(result)).toBe(String(svm.sendTransaction(signedTx)));
  expect(String(result)).toContain('AlreadyProcessed');
  expect(String(SVM.fromBytes(svm.toBytes()).sendTransaction(signedTx))).toBe(String(result));
});

it('VM-level example', () => {
  const exe = assemble('mov r0, 40\nadd r0, 2\nexit', { sbpfVersion: 0 });
  expect(execute(exe)).toEqual({ ok: true, value: 42n, instructions: 3n });
});

it('local validator example', async () => {
  const validator = await startValidator({ port: 0 });
  try {
    const rpc = createSolanaRpc(validator.rpcUrl);
    expect(typeof (await rpc.getVersion().send())['solana-core']).toBe('string');
    expect((await rpc.getSlot().send()) >= 0n).toBe(true);
  } finally {
    await validator.close();
  }
});

it('Anchor example: a test written for @coral-xyz/anchor, on websvm/anchor', async () => {
  const root = new URL('..', import.meta.url).pathname;
  const idl = JSON.parse(readFileSync(join(root, 'Anchor-like-examples/counter/idl/counter.json'), 'utf8')) as Idl;
  const svm = new SVM();
  svm.addProgramFromFile(idl.address, join(root, 'Anchor-like-examples/counter/program/counter.so'));
  const { BN, Program, web3 } = anchor;
  const provider = new WebsvmProvider(svm);
  const program = new Program(idl, provider);
  const counter = web3.Keypair.generate();
  await program.methods.initialize(new BN(41)).accounts({ counter: counter.publicKey, authority: provider.publicKey }).signers([counter]).rpc();
  const accounts = program.account as unknown as Record<string, AccountClient>;
  expect(((await accounts.counter.fetch(counter.publicKey)) as { count: anchor.BN }).count.toString()).toBe('41');
});

it('Mollusk-style example: checks, a persistent context and the bencher', async () => {
  // The README's names, bound to our accounts program: instruction 2 moves lamports from the first
  // account to the second (the vault).
  const programId = (await generateKeyPairSigner()).address;
  const [payer, vault] = [(await generateKeyPairSigner()).address, (await generateKeyPairSigner()).address];
  const elf = programElf('accounts');
  const owned = (lamports: bigint) => ({ lamports, data: new Uint8Array(4), programAddress: programId, executable: false });
  const vaultAccount = owned(999_000n);
  const move = (from: string, to: string, n: bigint) => ({
    programAddress: programId,
    accounts: [
      { address: from as never, role: AccountRole.WRITABLE },
      { address: to as never, role: AccountRole.WRITABLE },
    ],
    data: Uint8Array.from([2, ...u64(n)]),
  });
  const instruction = move(payer, vault, 1_000n);
  const accounts: [string, ReturnType<typeof owned>][] = [
    [payer, owned(1_000_000_000n)],
    [vault, vaultAccount],
  ];

  const harness = new InstructionHarness().addProgram(programId, elf);
  const units = harness.process(instruction, accounts).computeUnitsConsumed;
  harness.processAndValidate(instruction, accounts, [
    Check.success(),
    Check.computeUnits(units),
    Check.account(vault).lamports(1_000_000n).owner(programId).rentExempt().build(),
    Check.allRentExempt(),
  ]);
  const context = harness.withContext(accounts);
  context.process(instruction); // deposit
  expect(String(context.processAndValidate(move(vault, payer, 500n), [Check.success()]))).toMatch(/^InstructionResult: success, \d+ compute units/);
  expect(context.account(vault)?.lamports).toBe(999_500n); // 999 000 + 1 000 deposited − 500 withdrawn
  const [bench] = new ComputeUnitBencher(harness, { outDir: mkdtempSync(join(tmpdir(), 'readme-bench-')), failOnRegression: { percent: 5 } })
    .bench('deposit', instruction, accounts)
    .execute();
  expect(bench.computeUnits).toBe(units);
});

it('source lines of failures: a stripped program with its .debug file beside it', async () => {
  const svm = new SVM();
  const programId = (await generateKeyPairSigner()).address;
  svm.addProgramFromFile(programId, new URL('../programs/bin/debuginfo.split.so', import.meta.url).pathname);
  const tx = await fundedTransaction(svm, [{ programAddress: programId, accounts: [], data: Uint8Array.of(1, 5, 6) }]);
  const result = svm.sendTransaction(tx);
  if (!(result instanceof FailedTransactionMetadata)) throw new Error('expected a failure');
  expect(result.sourceLocation()).toMatchObject({ function: 'store_at', file: 'programs/debuginfo/math.c', line: 7, column: 33 });
  expect(String(result.backtrace())).toBe(
    [
      `  program ${programId}`,
      '    at store_at (programs/debuginfo/math.c:7:33)',
      '    at scatter (programs/debuginfo/math.c:13:3)',
      '    at entrypoint (programs/debuginfo/main.c:24:12)',
    ].join('\n'),
  );
});

it('profiling example: units by function and line, and folded stacks for a flamegraph', async () => {
  const svm = new SVM().withProfiling();
  const programId = (await generateKeyPairSigner()).address;
  svm.addProgramFromFile(programId, new URL('../programs/bin/debuginfo.so', import.meta.url).pathname);
  const tx = await fundedTransaction(svm, [{ programAddress: programId, accounts: [], data: Uint8Array.of(0, 1, 2, 3, 4, 5) }]);
  const result = svm.sendTransaction(tx);
  const profile = result.profile()!;
  expect(profile.total).toBe(Number((result as TransactionMetadata).computeUnitsConsumed()));
  expect(profile.functions().map((f) => f.name)).toContain('entrypoint');
  expect(profile.lines()[0]).toMatchObject({ file: 'programs/debuginfo/checks.c', line: 8 });
  const folded = join(mkdtempSync(join(tmpdir(), 'websvm-readme-')), 'tx.folded');
  writeFileSync(folded, profile.folded());
  expect(readFileSync(folded, 'utf8')).toContain(`${programId};entrypoint;sol_log_64_ 100\n`); // program;function;… units
  const dir = mkdtempSync(join(tmpdir(), 'websvm-readme-'));
  writeFileSync(join(dir, 'cu.svg'), profile.svg({ title: 'my transfer' }));
  writeFileSync(join(dir, 'cu.speedscope.json'), JSON.stringify(profile.speedscope()));
  const svg = readFileSync(join(dir, 'cu.svg'), 'utf8');
  expect(svg.startsWith('<svg') && svg.trimEnd().endsWith('</svg>')).toBe(true);
  expect(svg).toContain('my transfer');
  expect(svg).toContain('entrypoint');
  expect(JSON.parse(readFileSync(join(dir, 'cu.speedscope.json'), 'utf8'))).toMatchObject({ $schema: 'https://www.speedscope.app/file-format-schema.json' });
});

it('coverage example: lines hit, written as an lcov tracefile', async () => {
  const coverage = new Coverage();
  const svm = new SVM().withCoverage(coverage);
  const programId = (await generateKeyPairSigner()).address;
  svm.addProgramFromFile(programId, new URL('../programs/bin/debuginfo.so', import.meta.url).pathname);
  const tx = await fundedTransaction(svm, [{ programAddress: programId, accounts: [], data: Uint8Array.of(0, 1, 2, 3, 4, 5) }]);
  expect(svm.sendTransaction(tx)).toBeInstanceOf(TransactionMetadata);
  const info = join(mkdtempSync(join(tmpdir(), 'websvm-readme-')), 'coverage', 'websvm.info');
  coverage.writeLcov(info);
  const lcov = readFileSync(info, 'utf8');
  expect(lcov).toContain('SF:programs/debuginfo/checks.c');
  expect(lcov).toMatch(/^DA:8,[1-9]/m); // the line the profiling example charges first ran
  expect(lcov.trimEnd().endsWith('end_of_record')).toBe(true);
});

it('inspector example: one self-contained page per transaction, decoded by the IDL, with the flamegraph', async () => {
  const root = new URL('..', import.meta.url).pathname;
  const idl = JSON.parse(readFileSync(join(root, 'Anchor-like-examples/counter/idl/counter.json'), 'utf8')) as AnchorIdl;
  const counter = new AnchorProgram(idl);
  const svm = new SVM().withProfiling().useIdl(counter);
  svm.addProgramFromFile(counter.programId, join(root, 'Anchor-like-examples/counter/program/counter.so'));
  const [account, authority] = await Promise.all([generateKeyPairSigner(), generateKeyPairSigner()]);
  const initialize = counter.instruction('initialize', { start: 5n }, { counter: account.address, authority: authority.address });
  svm.airdrop(authority.address, lamports(1_000_000_000n));
  const tx = await fundedTransaction(svm, [withSigners(initialize, [account, authority])]);
  const result = svm.sendTransaction(tx);
  expect(result).toBeInstanceOf(TransactionMetadata);
  const page = join(mkdtempSync(join(tmpdir(), 'websvm-readme-')), 'tx.html');
  writeFileSync(page, result.report());
  const html = readFileSync(page, 'utf8');
  expect(html).toMatch(/^<!doctype html>/i);
  expect(html).toContain('initialize'); // the instruction, named by the IDL
  expect(html).toContain('11111111111111111111111111111111'); // the System program's CPI frame
  expect(html).toContain('<svg'); // the flamegraph
});

describe("the README's claims", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const entries: Record<string, Promise<Record<string, unknown>>> = {
    websvm: import('../src/index.js'),
    'websvm/anchor': import('../src/anchor/index.js'),
    'websvm/validator': import('../src/validator/index.js'),
    'websvm/vitest': import('../src/vitest/index.js'),
  };

  it("its snippets import only what the package's entries export", async () => {
    const imports = [...readme.matchAll(/^import \{([^}]*)\} from '(websvm(?:\/\w+)?)';/gm)];
    expect(imports.length).toBeGreaterThan(4);
    for (const [, names, entry] of imports) {
      const exported = await entries[entry];
      expect(exported, `README imports from ${entry}, which is no entry`).toBeDefined();
      for (const name of names.split(',').map((n) => n.trim())) {
        if (name && !name.startsWith('type ')) expect(exported, `${name} from ${entry}`).toHaveProperty(name);
      }
    }
  });

  it("names the class simulateTransaction returns in the API table's first column of results", async () => {
    const row = /^\| `simulateTransaction\(tx\)` \| `(\w+)`/m.exec(readme);
    const svm = new SVM();
    const tx = await fundedTransaction(svm, []);
    const { [row?.[1] ?? '']: named } = (await entries.websvm) as Record<string, new (...args: never[]) => unknown>;
    expect(svm.simulateTransaction(tx)).toBeInstanceOf(named);
  });

  it('says of nothing its feature table marks done that it is not yet done (the Vote program once was)', () => {
    const done = [...readme.matchAll(/^\| ([^|]+?) \| (?:yes|`)/gm)].map(([, feature]) => feature.trim());
    expect(done).toContain('Vote program');
    for (const line of readme.split('\n').filter((l) => /not yet/i.test(l))) expect(line).not.toMatch(/vote program/i);
  });
});
