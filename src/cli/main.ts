#!/usr/bin/env node
/**
 * The `websvm` command. Each subcommand lives in its own module; this file only dispatches and
 * turns failures into a message and a non-zero exit code.
 */
import { runAsm } from './asm.js';
import { runBench } from './bench.js';
import { runDisasm } from './disasm.js';
import { runLink } from './link.js';
import { runRun } from './run.js';
import { runTrace } from './trace.js';
import { runVerify } from './verify.js';

/** A subcommand; it may return an exit code (e.g. 1 when the program it ran failed). */
const COMMANDS: Record<string, { run: (args: string[]) => number | void | Promise<number | void>; help: string }> = {
  run: {
    run: runRun,
    help: 'run prog.so [--data hex|@file] [--account file.json|address[:w][:s]]… [--program-id id] [--compute-units N] [--engine auto|jit|interpreter] [--save-accounts dir]\n      run one instruction on account fixtures: logs, compute units, return data, changed accounts',
  },
  asm: { run: runAsm, help: 'asm prog.s -o prog.so [--sbpf-version 0|3]            assemble into a deployable ELF' },
  disasm: { run: runDisasm, help: 'disasm prog.so                                      disassemble (re-assembles to the same program)' },
  link: { run: runLink, help: 'link a.o [b.o …] -o prog.so [--sbpf-version 0|3]   link clang BPF objects into an sBPF ELF' },
  verify: { run: runVerify, help: 'verify prog.so                                      loader deployment checks and verifier' },
  bench: { run: runBench, help: 'bench prog.so [--data hex|@file] [--iterations N]   instructions/s, JIT and interpreter' },
  trace: { run: runTrace, help: 'trace prog.so [--data hex|@file] [--limit N]        every executed instruction with registers' },
};

function usage(): string {
  return ['usage: websvm <command> [args] [--json]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(`${name && name !== '--help' ? `websvm: unknown command ${name}\n\n` : ''}${usage()}\n`);
    return name === '--help' ? 0 : 2;
  }
  try {
    return (await command.run(args)) ?? 0;
  } catch (e) {
    process.stderr.write(`websvm ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
