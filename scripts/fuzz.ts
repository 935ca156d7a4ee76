/**
 * The fuzz campaigns, each bounded in time: `npm run fuzz:all` runs every one, `npm run fuzz:elf`,
 * `fuzz:tx`, `fuzz:cli`, `fuzz:api` or `fuzz:dwarf` one of them (`tsx scripts/fuzz.ts <name>…`). FUZZ_SECONDS sets each in-process
 * campaign's budget (default 60), FUZZ_SEED its seed (default: the time). The JIT-vs-interpreter
 * and random-builtin campaigns are vitest suites, run with their own counts (FUZZ_PROGRAMS,
 * FUZZ_BUILTIN_RUNS). Prints a line per campaign and every finding; exits 1 if there was one.
 */
import { spawnSync } from 'node:child_process';
import type { Campaign } from '../test/fuzz/campaign.js';
import { apiMisuse } from '../test/fuzz/api-misuse.js';
import { cliArguments } from '../test/fuzz/cli-arguments.js';
import { dwarfMutation } from '../test/fuzz/dwarf-mutation.js';
import { elfMutation } from '../test/fuzz/elf-mutation.js';
import { transactionMutation } from '../test/fuzz/transaction-mutation.js';

const IN_PROCESS: Record<string, { what: string; run: Campaign }> = {
  elf: { what: 'ELF mutants deployed on websvm and LiteSVM, run when both accept', run: elfMutation },
  tx: { what: 'mutated transactions sent to websvm and LiteSVM', run: transactionMutation },
  cli: { what: 'random command lines', run: cliArguments },
  api: { what: 'SVM methods called with wrong arguments', run: apiMisuse },
  dwarf: { what: 'mutated DWARF and BTF read, every slot located, typed values shown', run: dwarfMutation },
};
const SUITES: Record<string, { what: string; file: string; env: Record<string, string> }> = {
  jit: {
    what: 'random programs on the JIT and the interpreter',
    file: 'test/jit/jit-vs-interpreter.test.ts',
    env: { FUZZ_PROGRAMS: process.env.FUZZ_PROGRAMS ?? '50000' },
  },
  builtins: {
    what: 'random builtin-program instructions on websvm and LiteSVM',
    file: 'test/runtime/random-instructions-vs-litesvm.test.ts',
    env: { FUZZ_BUILTIN_RUNS: process.env.FUZZ_BUILTIN_RUNS ?? '20' },
  },
};

const asked = process.argv.slice(2);
const names = asked.length === 0 || asked.includes('all') ? [...Object.keys(IN_PROCESS), ...Object.keys(SUITES)] : asked;
const unknown = names.filter((n) => !(n in IN_PROCESS) && !(n in SUITES));
if (unknown.length > 0) {
  console.error(`unknown campaign ${unknown.join(', ')}; campaigns: ${[...Object.keys(IN_PROCESS), ...Object.keys(SUITES)].join(', ')}, all`);
  process.exit(2);
}
const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);

let failed = false;
for (const name of names) {
  const started = performance.now();
  if (name in IN_PROCESS) {
    const { what, run } = IN_PROCESS[name];
    const report = await run({ seconds, seed });
    const outcomes = Object.entries(report.outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, n]) => `${outcome} ${n}`)
      .join(', ');
    console.log(`${name}: ${report.cases} cases in ${seconds} s (seed ${seed}) — ${what}: ${outcomes}; ${report.findings.length} findings`);
    for (const finding of report.findings) console.log(`  ${finding}`);
    failed ||= report.findings.length > 0;
  } else {
    const { what, file, env } = SUITES[name];
    const r = spawnSync('npx', ['vitest', 'run', file], { stdio: 'inherit', env: { ...process.env, ...env } });
    const settings = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(`${name}: ${what} (${settings}), ${((performance.now() - started) / 1000).toFixed(0)} s: ${r.status === 0 ? 'no findings' : 'FAILED'}`);
    failed ||= r.status !== 0;
  }
}
process.exit(failed ? 1 : 0);
