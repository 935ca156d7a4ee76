#!/usr/bin/env node
/**
 * The `websvm` command. Each subcommand lives in its own module; this file only dispatches and
 * turns failures into a message and a non-zero exit code.
 */
import { runLink } from './link.js';

const COMMANDS: Record<string, { run: (args: string[]) => void | Promise<void>; help: string }> = {
  link: { run: runLink, help: 'link a.o [b.o …] -o prog.so [--sbpf-version 0|3]   link clang BPF objects into an sBPF ELF' },
};

function usage(): string {
  return ['usage: websvm <command> [args]', '', 'commands:', ...Object.values(COMMANDS).map((c) => `  ${c.help}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) {
    process.stderr.write(`${name && name !== '--help' ? `websvm: unknown command ${name}\n\n` : ''}${usage()}\n`);
    return name === '--help' ? 0 : 2;
  }
  try {
    await command.run(args);
    return 0;
  } catch (e) {
    process.stderr.write(`websvm ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
