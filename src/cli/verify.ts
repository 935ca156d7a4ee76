/** `websvm verify prog.so [--json]`: the loader's deployment checks and the verifier. */
import { loadProgram } from '../runtime/program-loader.js';
import { Runtime } from '../runtime/runtime.js';
import type { Command } from './command.js';
import { readElf } from './files.js';
import { onePositional, painter, printJson } from './options.js';

export const verify: Command = {
  operands: 'prog.so',
  summary: "the loader's deployment checks and the verifier; lists the syscalls the program calls",
  options: [],
  json: '{ ok, sbpfVersion, instructions, functions, syscalls }',
  run(p) {
    const elf = readElf(onePositional(p, 'ELF file'));
    const syscalls = [...new Runtime().syscalls.entries()].map((e) => e.name);
    const exe = loadProgram(elf, { syscalls });
    const summary = {
      ok: true,
      sbpfVersion: exe.sbpfVersion,
      instructions: exe.text.length / 8,
      functions: exe.functions.size,
      syscalls: [...exe.syscallNames.values()].sort(),
    };
    if (p.flags.has('--json')) printJson(summary);
    else
      process.stdout.write(
        `${painter(process.stdout).green('ok')}: sBPF v${summary.sbpfVersion}, ${summary.instructions} instructions, ${summary.functions} functions, syscalls: ${summary.syscalls.join(' ') || '(none)'}\n`,
      );
  },
};
