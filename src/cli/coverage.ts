/**
 * `websvm coverage prog.so [--data …]… [--account …]… [--lcov FILE] [--json]`: runs the
 * instruction as `run` does, once per `--data`, recording which lines (with DWARF), functions and
 * instructions ran (see `SVM.withCoverage`); prints them per file and writes an lcov tracefile.
 */
import { Coverage, fileSummary } from '../coverage/index.js';
import type { Command } from './command.js';
import { EXIT_FAILURE, EXIT_OK } from './errors.js';
import { INSTRUCTION_JSON_FIELDS, INSTRUCTION_OPTIONS, outcomeJson, prepareInstruction, printOutcome, runInstruction } from './instruction.js';
import { bytesArg, painter, printJson, value } from './options.js';

const ratio = ({ found, hit }: { found: number; hit: number }) => `${hit}/${found}`;

export const coverage: Command = {
  operands: 'prog.so',
  summary: "run's instruction (once per --data) recording the lines, functions and instructions it ran, written as lcov",
  options: [
    ...INSTRUCTION_OPTIONS.map((o) =>
      o.name === '--data' ? { ...o, help: 'instruction data (repeatable: one run each, coverage adds up; default: one run, no data)' } : o,
    ),
    {
      name: '--lcov',
      value: 'file',
      help: 'write an lcov tracefile there (genhtml, Codecov, Coverage Gutters); programs without DWARF are covered by their disassembly, written beside it in websvm-disassembly/',
    },
  ],
  json: `{ runs: [{ ${INSTRUCTION_JSON_FIELDS} }], coverage: { lines, functions, branches, instructions: { found, hit }, files: [{ path, lines, functions, branches }] } }`,
  run(p) {
    const ix = prepareInstruction(p);
    const covered = new Coverage();
    ix.harness.runtime.config.coverage = covered;
    const outcomes = (p.values.get('--data') ?? ['']).map((data) => runInstruction({ ...ix, data: bytesArg(data, '--data') }));
    const report = covered.report();
    const lcov = value(p, '--lcov');
    if (lcov !== undefined) report.writeLcov(lcov);
    const exitCode = outcomes.every((o) => o.result.success) ? EXIT_OK : EXIT_FAILURE;
    const files = [...report.files.values()].map((f) => ({ path: f.path, ...fileSummary(f) })).sort((a, b) => (a.path < b.path ? -1 : 1));
    if (p.flags.has('--json')) {
      printJson({ runs: outcomes.map(outcomeJson), coverage: { ...report.summary(), files } });
      return exitCode;
    }
    outcomes.forEach(printOutcome);
    const c = painter(process.stdout);
    const row = (lines: string, functions: string, branches: string, rest: string) =>
      `${lines.padStart(10)} ${functions.padStart(10)} ${branches.padStart(10)}  ${rest}\n`;
    process.stdout.write(c.dim(row('lines', 'functions', 'branches', 'file')));
    for (const f of files) process.stdout.write(row(ratio(f.lines), ratio(f.functions), ratio(f.branches), f.path));
    const total = report.summary();
    process.stdout.write(row(ratio(total.lines), ratio(total.functions), ratio(total.branches), `total; ${ratio(total.instructions)} instructions`));
    return exitCode;
  },
};
