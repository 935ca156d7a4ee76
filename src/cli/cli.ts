/**
 * The `websvm` command line. Each subcommand lives in its own module and declares its options;
 * this module dispatches, answers `--help` and `--version`, and turns failures into a message and
 * the exit code of their kind (see ./errors.ts).
 */
import { readFileSync } from 'node:fs';
import { WebsvmError } from '../errors.js';
import { asm } from './asm.js';
import { bench } from './bench.js';
import { debug } from './debug.js';
import { commandHelp, EXIT_CODES_HELP, parseCommandArgs, wantsHelp, type Command } from './command.js';
import { disasm } from './disasm.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
import { link } from './link.js';
import { printJson } from './options.js';
import { run } from './run.js';
import { trace } from './trace.js';
import { profile } from './profile.js';
import { coverage } from './coverage.js';
import { validator } from './validator.js';
import { verify } from './verify.js';

/** The subcommands by name (exported for tools that enumerate them, such as the CLI fuzz campaign). */
export const COMMANDS: Readonly<Record<string, Command>> = { run, trace, profile, coverage, debug, asm, disasm, link, verify, bench, validator };

function usage(): string {
  const width = Math.max(...Object.entries(COMMANDS).map(([name, c]) => `${name} ${c.operands}`.length)) + 2;
  return [
    'usage: websvm <command> [args] [--json]',
    '       websvm <command> --help',
    '       websvm --version',
    '',
    'commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${`${name} ${c.operands}`.padEnd(width)}${c.summary}`),
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

/** The package's version (this code is in src/cli/cli.ts or, bundled, dist/cli/main.js: two levels below package.json). */
function version(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Runs the command line `argv` (without `node websvm`), writing to stdout and stderr; returns the exit code. */
export function runCli(argv: string[]): number {
  const [name, ...args] = argv;
  const json = argv.includes('--json');
  const fail = (e: unknown, prefix: string): number => {
    const error =
      e instanceof WebsvmError ? { kind: e.kind, message: e.message } : { kind: 'InternalError', message: e instanceof Error ? e.message : String(e) };
    if (json) printJson({ ok: false, error });
    process.stderr.write(`${prefix}: ${error.kind}: ${error.message}\n`);
    if (e instanceof UsageError) process.stderr.write(`(websvm ${name && COMMANDS[name] ? `${name} ` : ''}--help shows the usage)\n`);
    return e instanceof UsageError ? EXIT_USAGE : EXIT_FAILURE;
  };
  if (name === '--version' || name === '-V') {
    if (json) printJson({ version: version() });
    else process.stdout.write(`${version()}\n`);
    return EXIT_OK;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = args.find((a) => !a.startsWith('-'));
    const command = topic === undefined ? undefined : COMMANDS[topic];
    process.stdout.write(`${topic !== undefined && command ? commandHelp(topic, command) : usage()}\n`);
    return EXIT_OK;
  }
  if (name === undefined) {
    process.stderr.write(`${usage()}\n`);
    return EXIT_USAGE;
  }
  const command = COMMANDS[name];
  if (!command) return fail(new UsageError(`unknown command ${name}`), 'websvm');
  if (wantsHelp(args)) {
    process.stdout.write(`${commandHelp(name, command)}\n`);
    return EXIT_OK;
  }
  try {
    return command.run(parseCommandArgs(command, args)) ?? EXIT_OK;
  } catch (e) {
    return fail(e, `websvm ${name}`);
  }
}
