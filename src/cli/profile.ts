/**
 * `websvm profile prog.so [--data …] [--account …]… [--folded FILE] [--speedscope FILE] [--svg FILE] [--json]`:
 * runs one instruction as `run` does, with every compute unit attributed to a call stack, a
 * function and a source line (see `SVM.withProfiling`), and prints the costliest functions and lines.
 */
import { basename } from 'node:path';
import type { Command } from './command.js';
import { writeOutput } from './files.js';
import { INSTRUCTION_JSON_FIELDS, INSTRUCTION_OPTIONS, outcomeExitCode, outcomeJson, prepareInstruction, printOutcome, runInstruction } from './instruction.js';
import { onePositional, painter, printJson, value } from './options.js';

/** Rows of each table printed. */
const SHOWN = 15;

export const profile: Command = {
  operands: 'prog.so',
  summary: "run's instruction with every compute unit attributed to call stacks, functions and source lines",
  options: [
    ...INSTRUCTION_OPTIONS,
    { name: '--folded', value: 'file', help: 'write the folded stacks there (input of flamegraph.pl and inferno)' },
    { name: '--speedscope', value: 'file', help: 'write the profile there as speedscope JSON (open it at https://www.speedscope.app)' },
    { name: '--svg', value: 'file', help: 'write a self-contained SVG flamegraph there' },
  ],
  json: `{ ${INSTRUCTION_JSON_FIELDS}, profile: { total, functions: [{ name, exclusive, inclusive }], lines: [{ file, line, units }], folded } }`,
  run(p) {
    const ix = prepareInstruction(p);
    ix.harness.runtime.config.profiling = true;
    const outcome = runInstruction(ix);
    const result = outcome.result.profile()!;
    const folded = value(p, '--folded');
    if (folded !== undefined) writeOutput(folded, result.folded());
    const program = basename(onePositional(p, 'ELF file'));
    const speedscope = value(p, '--speedscope');
    if (speedscope !== undefined) writeOutput(speedscope, `${JSON.stringify(result.speedscope(`${program} (${ix.programId})`))}\n`);
    const svg = value(p, '--svg');
    if (svg !== undefined) writeOutput(svg, result.svg({ title: `Compute units of ${program}` }));
    if (p.flags.has('--json')) {
      printJson({ ...outcomeJson(outcome), profile: { total: result.total, functions: result.functions(), lines: result.lines(), folded: result.folded() } });
      return outcomeExitCode(outcome);
    }
    printOutcome(outcome);
    const c = painter(process.stdout);
    const row = (a: string | number, b: string | number, rest: string) => `${String(a).padStart(10)} ${String(b).padStart(10)}  ${rest}\n`;
    process.stdout.write(c.dim(row('inclusive', 'exclusive', 'function')));
    for (const f of result.functions().slice(0, SHOWN)) process.stdout.write(row(f.inclusive, f.exclusive, f.name));
    const lines = result.lines();
    if (lines.length > 0) {
      process.stdout.write(c.dim(row('units', '', 'line')));
      for (const l of lines.slice(0, SHOWN)) process.stdout.write(row(l.units, '', `${l.file}:${l.line}`));
    }
    return outcomeExitCode(outcome);
  },
};
