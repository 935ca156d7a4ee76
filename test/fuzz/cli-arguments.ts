/**
 * CLI arguments: random command lines — every subcommand, its own options and others, operands
 * that are programs, assembly, account files, garbage, directories or missing paths, values that
 * are valid, malformed or out of range — run in this process. Each must end with exit code 0, 1
 * or 2 and, on failure, a typed error (never `InternalError`, never an exception out of `runCli`).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { COMMANDS, runCli } from '../../src/cli/cli.js';
import type { Rng } from '../jit/fuzz.js';
import { runCases, type CampaignOptions, type CampaignReport } from './campaign.js';

const BIN = new URL('../../programs/bin/', import.meta.url);

/** Files and paths the command lines name. */
function paths(): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'websvm-cli-fuzz-'));
  const file = (name: string, contents: string | Uint8Array) => {
    writeFileSync(join(dir, name), contents);
    return join(dir, name);
  };
  const account = {
    pubkey: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T',
    account: { lamports: 5000, data: ['AQID', 'base64'], owner: '11111111111111111111111111111111', executable: false, rentEpoch: 0, space: 3 },
  };
  return [
    ...['logging.so', 'loops.so', 'faults.so', 'logging.v3.so', 'calls.so'].map((name) => file(name, readFileSync(new URL(name, BIN)))),
    file('prog.s', 'mov r0, 1\nexit\n'),
    file('loop.s', 'entrypoint:\n  ja entrypoint\n'),
    file('bad.s', 'mov r99, 1\n'),
    file('account.json', JSON.stringify(account)),
    file('bad-account.json', '{"pubkey": 1}'),
    file(
      'garbage.bin',
      Uint8Array.from({ length: 300 }, (_, i) => (i * 37) & 0xff),
    ),
    file('empty', ''),
    dir,
    join(dir, 'missing.so'),
    join(dir, 'out'),
  ];
}

const VALUES = [
  '0',
  '1',
  '3',
  '-1',
  '1.5',
  '1e3',
  'NaN',
  '',
  'x',
  '0x10',
  '00',
  'ff00',
  'zz',
  '18446744073709551616',
  '9007199254740993',
  '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T',
  'not-an-address',
];

/** A value for `option` (whose placeholder is `placeholder`): of the kind it takes when `plausible`. */
function valueFor(option: string, placeholder: string | undefined, plausible: boolean, rng: Rng): string {
  if (option === '--iterations') return rng.pick(['1', '2', '0', '-1', 'x']); // a large count only makes the case slow
  if (!plausible || placeholder === undefined) return rng.next() < 0.5 ? rng.pick(files) : rng.pick(VALUES);
  if (/N\b/.test(placeholder)) return rng.pick(['0', '1', '100', '200000', '1400000', '-5', '18446744073709551616']);
  if (/hex/.test(placeholder)) return rng.pick(['', '00', '0102030405060708', 'deadbeef', `@${rng.pick(files)}`, 'zz']);
  if (/address/.test(placeholder)) return rng.pick(['4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T', '11111111111111111111111111111111', 'nope']);
  if (/\.json|address\[/.test(placeholder))
    return rng.pick([...files, '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T:w', '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T:w:s']);
  return rng.pick(files);
}

/** Runs `argv`, its output discarded; returns the exit code and what it wrote to stderr. */
function quietly(argv: string[]): { code: number; err: string } {
  const { stdout, stderr } = process;
  const out = stdout.write;
  const errWrite = stderr.write;
  let err = '';
  stdout.write = () => true;
  stderr.write = (chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  };
  try {
    return { code: runCli(argv), err };
  } finally {
    stdout.write = out;
    stderr.write = errWrite;
  }
}

let files: string[] = [];

export async function cliArguments(options: CampaignOptions): Promise<CampaignReport> {
  files = paths();
  // Relative paths among the values (an output file named '1') land in the campaign's directory.
  const home = process.cwd();
  process.chdir(dirname(files[0]));
  const names = Object.keys(COMMANDS).filter((name) => !COMMANDS[name].serves); // a server would outlive the case
  const allOptions = [...new Set(Object.values(COMMANDS).flatMap((c) => c.options.map((o) => o.name))), '--json', '--bogus'];
  try {
    return await runCases(options, (rng: Rng) => {
      const name = rng.next() < 0.05 ? 'nonsense' : rng.pick(names);
      const command = COMMANDS[name];
      const argv = [name];
      // Half the command lines have the command's own number of operands and plausible option
      // values, so that they get past the usage checks; the rest are anything.
      const plausible = command !== undefined && rng.next() < 0.5;
      const operands = plausible ? command.operands.split(' ').filter((w) => w && !w.startsWith('[')).length : rng.int(3);
      for (let i = operands; i > 0; i--) argv.push(plausible || rng.next() < 0.8 ? rng.pick(files) : rng.pick(VALUES));
      for (let i = rng.int(plausible ? 3 : 5); i > 0; i--) {
        const own = command && command.options.length > 0 && (plausible || rng.next() < 0.7) ? rng.pick(command.options) : undefined;
        const option = own?.name ?? rng.pick(allOptions);
        argv.push(option);
        if (own?.value !== undefined ? plausible || rng.next() < 0.9 : rng.next() < 0.3) argv.push(valueFor(option, own?.value, plausible, rng));
      }
      let run: { code: number; err: string };
      try {
        run = quietly(argv);
      } catch (e) {
        throw new Error(`websvm ${argv.join(' ')} threw ${e instanceof Error ? e.constructor.name : typeof e}: ${String(e)}`, { cause: e });
      }
      if (![0, 1, 2].includes(run.code)) throw new Error(`websvm ${argv.join(' ')} exited with ${run.code}`);
      if (run.err.includes('InternalError')) throw new Error(`websvm ${argv.join(' ')} failed untyped: ${run.err.trim()}`);
      return `exit ${run.code}`;
    });
  } finally {
    process.chdir(home);
  }
}
