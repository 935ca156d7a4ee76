/** What every `websvm` subcommand declares, and the help text and argument parsing derived from it. */
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './errors.js';
import { parseArgs, type Parsed } from './options.js';

/** An option of a command. */
export interface OptionSpec {
  /** Its spelling, e.g. `--data`. */
  readonly name: string;
  /** Placeholder of its value (`hex|@file`, or `ADDRESS FILE` for several); absent for a flag. */
  readonly value?: string;
  /** How many values it takes (default 1). */
  readonly arity?: number;
  /** What it does. */
  readonly help: string;
}

/** One subcommand. */
export interface Command {
  /** Operands after the command's name in its usage line, e.g. `prog.so`. */
  readonly operands: string;
  /** What it does, in one line. */
  readonly summary: string;
  /** Its options (`--json` and `--help` are common to all and added to the help). */
  readonly options: readonly OptionSpec[];
  /** What `--json` prints on success. */
  readonly json: string;
  /** Whether it keeps running (a server) until interrupted: harnesses that run commands in-process leave it out. */
  readonly serves?: boolean;
  /** Runs it on parsed arguments; returns the exit code (default 0). */
  run(p: Parsed): number | void;
}

/** The exit codes, as every help text states them. */
export const EXIT_CODES_HELP = `exit status: ${EXIT_OK} success, ${EXIT_FAILURE} the program failed or an input could not be used, ${EXIT_USAGE} usage error`;

/** Parses `args` with the options `command` declares. */
export function parseCommandArgs(command: Command, args: string[]): Parsed {
  const valued = command.options.filter((o) => o.value !== undefined).map((o) => o.name);
  const flags = command.options.filter((o) => o.value === undefined).map((o) => o.name);
  const arities = new Map(command.options.filter((o) => o.arity !== undefined).map((o) => [o.name, o.arity!]));
  return parseArgs(args, valued, flags, arities);
}

const HELP_ARGS = new Set(['-h', '--help']);

/** Whether `args` ask for help. */
export const wantsHelp = (args: readonly string[]) => args.some((a) => HELP_ARGS.has(a));

/** `websvm <name> --help`. */
export function commandHelp(name: string, command: Command): string {
  const rows: [string, string][] = [
    ...command.options.map((o): [string, string] => [o.value === undefined ? o.name : `${o.name} ${o.value}`, o.help]),
    ['--json', `print one JSON document on stdout: ${command.json}; on failure { ok: false, error: { kind, message } }`],
    ['-h, --help', 'print this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return [
    `usage: websvm ${name} ${command.operands} [options]`,
    '',
    command.summary,
    '',
    'options:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`),
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}
