/**
 * What `run` and `trace` execute: one instruction of a program on account fixtures, through the
 * instruction harness (Mollusk style), with the options, output and exit code both commands share.
 */
import { formatAccountJson, parseAccountJson } from '../api/account-json.js';
import { InstructionHarness, type InstructionResult } from '../api/harness.js';
import { decodeAddress, emptyAccount, sameAccountState, type Account } from '../runtime/accounts.js';
import { instructionErrorText } from '../runtime/errors.js';
import { MAX_COMPUTE_UNIT_LIMIT } from '../runtime/compute-budget.js';
import type { OptionSpec } from './command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './errors.js';
import { makeDirectory, readElf, readText, writeOutput } from './files.js';
import { debugFilePaths, registerDebugFile } from '../debug/index.js';
import { existsSync } from 'node:fs';
import { bytesArg, intArg, onePositional, pairs, painter, type Parsed, value } from './options.js';

/** Where the program is deployed unless `--program-id` says otherwise. */
export const DEFAULT_PROGRAM_ID = 'Prog111111111111111111111111111111111111111';

/**
 * Largest `--compute-units`: the runtime's meter counts in doubles, exact up to 2^53 - 1. Agave's
 * meter is a u64, but beyond 2^53 ours would round the units consumed (to 0 near 2^63), so larger
 * limits are refused rather than honoured approximately.
 */
const MAX_COMPUTE_UNITS = Number.MAX_SAFE_INTEGER;

/** The options of both commands. */
export const INSTRUCTION_OPTIONS: readonly OptionSpec[] = [
  { name: '--data', value: 'hex|@file', help: 'instruction data (default: none)' },
  {
    name: '--account',
    value: 'file.json|address[:w][:s]',
    help: 'the next account of the instruction (repeatable): a `solana account --output json` file or an address (an empty account); :w writable, :s signer',
  },
  { name: '--program-id', value: 'address', help: `address the program is deployed at (default ${DEFAULT_PROGRAM_ID})` },
  {
    name: '--bpf-program',
    value: 'ADDRESS FILE',
    arity: 2,
    help: 'also deploy the program FILE.so at ADDRESS, for the instruction to invoke (CPI); pass ADDRESS as an --account too (repeatable)',
  },
  { name: '--compute-units', value: 'N', help: `compute-unit limit, at most ${MAX_COMPUTE_UNITS} (default ${MAX_COMPUTE_UNIT_LIMIT})` },
  { name: '--save-accounts', value: 'dir', help: 'write the accounts the instruction changed to dir/<address>.json' },
  { name: '--debug-file', value: 'file', help: "the program's separate debug information (default: prog.debug or prog.so.debug beside it, if there)" },
];

/** The fields of both commands' JSON document (trace adds its steps). */
export const INSTRUCTION_JSON_FIELDS = 'ok, error?, backtrace? (frames where a VM error stopped the program), computeUnits, logs, returnData, changedAccounts';

interface AccountSpec {
  address: string;
  account: Account;
  isWritable: boolean;
  isSigner: boolean;
}

function address(text: string, what: string): string {
  try {
    decodeAddress(text);
    return text;
  } catch {
    throw new UsageError(`${what} must be a base58 address${what === '--account' ? ' or a .json file' : ''}, got ${text}`);
  }
}

/** Checks an `--account` spec; the returned function reads its fixture (checks first, files after). */
function accountSpec(spec: string): () => AccountSpec {
  const [target = '', ...flagList] = spec.split(':'); // split always returns at least one part
  const flags = new Set(flagList);
  for (const f of flags) if (f !== 'w' && f !== 's') throw new UsageError(`unknown account flag :${f} in ${spec} (use :w and/or :s)`);
  const isFile = target.endsWith('.json');
  if (!isFile) address(target, '--account');
  return () => {
    const { address: key, account } = isFile ? parseAccountJson(readText(target)) : { address: target, account: emptyAccount() };
    return { address: key, account, isWritable: flags.has('w'), isSigner: flags.has('s') };
  };
}

/** An instruction ready to run: the harness holds the program; set its engine or tracer before {@link runInstruction}. */
export interface PreparedInstruction {
  readonly harness: InstructionHarness;
  /** The program's ELF. */
  readonly elf: Uint8Array;
  readonly programId: string;
  readonly data: Uint8Array;
  readonly accounts: readonly AccountSpec[];
  /** `--save-accounts`, if given. */
  readonly saveDir: string | undefined;
}

/** Checks the options of `p`, then reads the program and the fixtures. */
export function prepareInstruction(p: Parsed): PreparedInstruction {
  const path = onePositional(p, 'ELF file');
  const programId = address(value(p, '--program-id', DEFAULT_PROGRAM_ID)!, '--program-id');
  const computeUnits = intArg(
    value(p, '--compute-units'),
    '--compute-units',
    MAX_COMPUTE_UNIT_LIMIT,
    MAX_COMPUTE_UNITS,
    'the meter counts exactly up to 2^53 - 1',
  );
  const fixtures = (p.values.get('--account') ?? []).map(accountSpec);
  const data = bytesArg(value(p, '--data'), '--data');
  const others = pairs(p.values.get('--bpf-program'), '--bpf-program').map(([at, file]) => [address(at, '--bpf-program'), file] as const);
  const elf = readElfWithDebugFile(path, value(p, '--debug-file'));
  const harness = new InstructionHarness();
  harness.computeUnitLimit = computeUnits;
  harness.addProgram(programId, elf);
  for (const [at, file] of others) harness.addProgram(at, readElfWithDebugFile(file));
  // An account given by the address of a deployed program (a CPI's callee) is that program's account, not an empty one.
  const accounts = fixtures.map((read) => {
    const spec = read();
    const deployed = harness.runtime.getAccount(spec.address);
    return deployed?.executable && sameAccountState(spec.account, emptyAccount()) ? { ...spec, account: deployed } : spec;
  });
  return { harness, elf, programId, data, accounts, saveDir: value(p, '--save-accounts') };
}

/** A program's ELF, with its debug file registered: `debugPath`, else `prog.debug` or `prog.so.debug` beside it when there is one. */
function readElfWithDebugFile(path: string, debugPath = debugFilePaths(path).find((f) => existsSync(f))): Uint8Array {
  const elf = readElf(path);
  if (debugPath !== undefined) registerDebugFile(elf, readElf(debugPath));
  return elf;
}

/** What an instruction did. */
export interface InstructionOutcome {
  readonly result: InstructionResult;
  readonly error: { kind: string; message: string; code?: number } | undefined;
  /** The given accounts the instruction changed, as they are after it. */
  readonly changed: readonly (readonly [string, Account])[];
}

/** Runs the instruction and saves the changed accounts where `--save-accounts` asks. */
export function runInstruction(ix: PreparedInstruction): InstructionOutcome {
  const instruction = {
    programId: ix.programId,
    keys: ix.accounts.map((s) => ({ pubkey: s.address, isSigner: s.isSigner, isWritable: s.isWritable })),
    data: ix.data,
  };
  const result = ix.harness.process(
    instruction,
    ix.accounts.map((s) => [s.address, s.account]),
  );
  const changed = ix.accounts
    .filter((s) => !sameAccountState(s.account, result.account(s.address)!))
    .map((s) => [s.address, result.account(s.address)!] as const);
  if (ix.saveDir !== undefined) {
    makeDirectory(ix.saveDir);
    for (const [key, account] of changed) writeOutput(`${ix.saveDir}/${key}.json`, formatAccountJson(key, account));
  }
  const e = result.error;
  const error = e && { kind: e.kind, message: instructionErrorText(e), ...(e.kind === 'Custom' ? { code: e.code } : {}) };
  return { result, error, changed };
}

/** The outcome as the JSON document's fields. */
export function outcomeJson({ result, error, changed }: InstructionOutcome) {
  const backtrace = result.backtrace();
  return {
    ok: result.success,
    ...(error ? { error } : {}),
    ...(backtrace ? { backtrace: backtrace.frames } : {}),
    computeUnits: result.computeUnitsConsumed,
    logs: result.logs,
    returnData: result.returnData,
    changedAccounts: changed.map(([key, a]) => ({ address: key, lamports: a.lamports, owner: a.owner, executable: a.executable, data: a.data })),
  };
}

/** Prints the logs, the result line, the return data and the changed accounts. */
export function printOutcome({ result, error, changed }: InstructionOutcome): void {
  const c = painter(process.stdout);
  for (const line of result.logs) process.stdout.write(`${c.dim(line)}\n`);
  process.stdout.write(`${error ? c.red(`failed: ${error.message}`) : c.green('success')}  ${result.computeUnitsConsumed} compute units\n`);
  const backtrace = result.backtrace();
  if (backtrace) process.stdout.write(`${backtrace}\n`);
  if (result.returnData.length > 0) process.stdout.write(`return data: ${Buffer.from(result.returnData).toString('hex')}\n`);
  for (const [key, a] of changed) process.stdout.write(`changed ${key}: ${a.lamports} lamports, owner ${a.owner}, ${a.data.length} bytes\n`);
}

/** The exit code of an outcome. */
export const outcomeExitCode = (o: InstructionOutcome) => (o.result.success ? EXIT_OK : EXIT_FAILURE);
