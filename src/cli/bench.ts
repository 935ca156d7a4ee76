/**
 * `websvm bench prog.so [--data hex|@file] [--iterations N] [--json]`: instructions per second of
 * the JIT and the interpreter on one program.
 */
import { execute } from '../vm/execute.js';
import type { Command } from './command.js';
import { UsageError } from './errors.js';
import { intArg, painter, printJson, value } from './options.js';
import { programRun } from './program-input.js';

export const bench: Command = {
  operands: 'prog.so',
  summary: 'instructions per second of the JIT and the interpreter (input without accounts)',
  options: [
    { name: '--data', value: 'hex|@file', help: 'instruction data (default: none)' },
    { name: '--iterations', value: 'N', help: 'timed runs per engine, at least 1 (default 20)' },
  ],
  json: '[{ engine, instructions, msPerRun, instructionsPerSecond, ok }]',
  run(p) {
    const iterations = intArg(value(p, '--iterations'), '--iterations', 20);
    if (iterations === 0) throw new UsageError('--iterations must be at least 1');
    const run = programRun(p);
    const progress = process.stderr.isTTY && !p.flags.has('--json');
    const rows = (['jit', 'interpreter'] as const).map((engine) => {
      const first = execute(run.exe, { input: run.input, syscalls: run.syscalls, engine }); // compiles and warms up
      const start = performance.now();
      for (let i = 0; i < iterations; i++) {
        execute(run.exe, { input: run.input, syscalls: run.syscalls, engine });
        if (progress) process.stderr.write(`\r${engine}: ${i + 1}/${iterations}`);
      }
      if (progress) process.stderr.write('\r\x1b[K');
      const ms = (performance.now() - start) / iterations;
      const instructions = Number(first.instructions);
      return { engine, instructions, msPerRun: Number(ms.toFixed(4)), instructionsPerSecond: Math.round((instructions / ms) * 1000), ok: first.ok };
    });
    if (p.flags.has('--json')) {
      printJson(rows);
      return;
    }
    const c = painter(process.stdout);
    for (const r of rows) {
      process.stdout.write(
        `${c.bold(r.engine.padEnd(12))} ${String(r.instructions).padStart(10)} instructions  ${r.msPerRun.toFixed(3).padStart(9)} ms/run  ${(r.instructionsPerSecond / 1e6).toFixed(1).padStart(8)} M instructions/s\n`,
      );
    }
  },
};
