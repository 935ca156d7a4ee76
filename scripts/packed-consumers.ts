/**
 * `tsx scripts/packed-consumers.ts` (run by .ci/run after `npm run build`): the package as a user
 * installs it. `npm pack` of the built package goes into a temporary directory, beside two fresh
 * projects, one CommonJS and one ES modules, each with only the packed websvm, `@coral-xyz/anchor`
 * and `@solana/kit` installed (at the versions of our lockfile; npm's cache from `npm ci` serves
 * them). Into each go the counter and vault examples as a user copies them: program, IDL, and the
 * same `tests/*.test.ts` that `npm test` runs, compiled to JavaScript as the project's toolchain
 * would (to `require` calls for CommonJS, as ts-mocha does; kept as `import` for ES modules). Each
 * runs with plain `node --test`. The escrow is left out: it needs SPL Token, a default program
 * such a project does not have; that a transaction calling it is told so is checked instead.
 */
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;
const EXAMPLES = ['counter', 'vault'];
/** The only packages a consumer installs besides the packed websvm. */
const COMPANIONS = ['@coral-xyz/anchor', '@solana/kit'];

interface Flavour {
  name: string;
  packageType: 'commonjs' | 'module';
  module: ts.ModuleKind;
  /** What the compiled test must contain, so the flavour is the one claimed. */
  loads: RegExp;
  /** How a script of this flavour takes `SVM` and `web3`. */
  imports: string;
}

const FLAVOURS: Flavour[] = [
  {
    name: 'commonjs',
    packageType: 'commonjs',
    module: ts.ModuleKind.CommonJS,
    loads: /require\("websvm\/anchor"\)/,
    imports: "const { SVM } = require('websvm'); const { web3 } = require('@coral-xyz/anchor');",
  },
  {
    name: 'esm',
    packageType: 'module',
    module: ts.ModuleKind.ESNext,
    loads: /from 'websvm\/anchor'/,
    imports: "import { SVM } from 'websvm'; import { web3 } from '@coral-xyz/anchor';",
  },
];

/**
 * Without litesvm installed, `new SVM()` has no SPL Token: a transaction calling it fails as Agave
 * fails it, and websvm says once, as a Node warning, which program is missing and where it can come from.
 */
const CALL_MISSING_TOKEN_PROGRAM = `
const svm = new SVM();
const payer = web3.Keypair.generate();
svm.airdrop(payer.publicKey, 1_000_000_000n);
const programId = new web3.PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const tx = new web3.Transaction().add(new web3.TransactionInstruction({ programId, keys: [], data: Buffer.of(0) }));
tx.recentBlockhash = svm.latestBlockhash();
tx.sign(payer);
console.log(String(svm.sendTransaction(tx)));
`;

/** The version our lockfile resolved for a dependency. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) throw new Error(`package-lock.json has no ${name}`);
  return entry.version;
}

/** A test file compiled as the consumer's own toolchain would compile it. */
function compileTest(source: string, flavour: Flavour): string {
  const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
    fileName: source,
    compilerOptions: { module: flavour.module, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
  });
  if (!flavour.loads.test(outputText)) throw new Error(`${source} compiled for ${flavour.name} does not load websvm/anchor as expected`);
  return outputText;
}

/** Creates the project, installs the three packages and runs each example's tests; returns one summary line per example. */
async function consumer(dir: string, tarball: string, flavour: Flavour): Promise<string[]> {
  const project = join(dir, flavour.name);
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: `websvm-${flavour.name}-consumer`, private: true, type: flavour.packageType }, null, 2)}\n`,
  );
  const packages = [tarball, ...COMPANIONS.map((name) => `${name}@${lockedVersion(name)}`)];
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', ...packages], { cwd: project });
  if (existsSync(join(project, 'node_modules', 'litesvm')))
    throw new Error(`${flavour.name}: litesvm was installed, so the consumer proves nothing about running without it`);
  const missing = await run(process.execPath, [`--input-type=${flavour.packageType}`, '-e', `${flavour.imports}\n${CALL_MISSING_TOKEN_PROGRAM}`], {
    cwd: project,
  });
  if (
    !missing.stdout.includes('err: InvalidProgramForExecution') ||
    !/WebsvmWarning: a transaction names spl_token \(Tokenkeg\w+\).*install litesvm/.test(missing.stderr)
  ) {
    throw new Error(`${flavour.name}: a transaction calling the missing SPL Token did not fail with a warning naming it\n${missing.stdout}${missing.stderr}`);
  }

  const lines: string[] = [];
  for (const example of EXAMPLES) {
    const from = join(root, 'Anchor-like-examples', example);
    const to = join(project, example);
    cpSync(join(from, 'idl'), join(to, 'idl'), { recursive: true });
    mkdirSync(join(to, 'program'));
    cpSync(join(from, 'program', `${example}.so`), join(to, 'program', `${example}.so`));
    mkdirSync(join(to, 'tests'));
    for (const test of readdirSync(join(from, 'tests')).filter((file) => file.endsWith('.test.ts'))) {
      writeFileSync(join(to, 'tests', test.replace(/\.ts$/, '.js')), compileTest(join(from, 'tests', test), flavour));
    }
    const { stdout } = await run(process.execPath, ['--test'], { cwd: to }).catch((failed: { stdout: string; stderr: string }) => {
      throw new Error(`${flavour.name}/${example}: node --test failed\n${failed.stdout}${failed.stderr}`);
    });
    const passed = /^# pass (\d+)$/m.exec(stdout)?.[1];
    if (!passed || !/^# fail 0$/m.test(stdout)) throw new Error(`${flavour.name}/${example}: unexpected node --test output\n${stdout}`);
    lines.push(`${flavour.name}/${example}: ${passed} passed`);
  }
  return lines;
}

const dir = mkdtempSync(join(tmpdir(), 'websvm-packed-'));
try {
  const { stdout } = await run('npm', ['pack', '--pack-destination', dir, '--json', '--loglevel=error'], { cwd: root });
  const [{ filename }] = JSON.parse(stdout) as { filename: string }[];
  const tarball = join(dir, filename);
  const results = await Promise.all(FLAVOURS.map((flavour) => consumer(dir, tarball, flavour)));
  console.log(`packed consumers (websvm + ${COMPANIONS.join(' + ')} only): ${results.flat().join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
