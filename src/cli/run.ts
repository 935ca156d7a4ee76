/**
 * `websvm run prog.so [--data hex|@file] [--account spec]… [--program-id address]
 * [--compute-units N] [--engine auto|jit|interpreter] [--save-accounts dir] [--json]`
 *
 * Runs one instruction of the program on account fixtures and prints its logs, compute units,
 * return data and the accounts it changed. An account `spec` is a `solana account --output json`
 * file or a bare address (an empty account), followed by `:w` (writable) and/or `:s` (signer).
 */
import { readFileSync } from 'node:fs';
import { formatAccountJson, parseAccountJson } from '../api/account-json.js';
import { InstructionHarness } from '../api/harness.js';
import { instructionErrorText } from '../runtime/errors.js';
import { emptyAccount, type Account } from '../runtime/accounts.js';
import { requireNodeFs } from '../platform.js';
import { bytesArg, intArg, painter, parseArgs, toJson, value } from './options.js';

const DEFAULT_PROGRAM_ID = 'Prog111111111111111111111111111111111111111';

interface AccountSpec {
  address: string;
  account: Account;
  isWritable: boolean;
  isSigner: boolean;
}

function accountSpec(spec: string): AccountSpec {
  const parts = spec.split(':');
  const flags = new Set(parts.slice(1));
  for (const f of flags) if (f !== 'w' && f !== 's') throw new Error(`unknown account flag :${f} in ${spec} (use :w and/or :s)`);
  const target = parts[0];
  const { address, account } = target.endsWith('.json') ? parseAccountJson(readFileSync(target, 'utf8')) : { address: target, account: emptyAccount() };
  return { address, account, isWritable: flags.has('w'), isSigner: flags.has('s') };
}

const same = (a: Account, b: Account) =>
  a.lamports === b.lamports && a.owner === b.owner && a.executable === b.executable && a.data.length === b.data.length && a.data.every((x, i) => x === b.data[i]);

export function runRun(args: string[]): number {
  const p = parseArgs(args, ['--data', '--account', '--program-id', '--compute-units', '--engine', '--save-accounts']);
  const [path] = p.positional;
  if (!path || p.positional.length > 1) throw new Error('expected one ELF file');
  const engine = value(p, '--engine', 'auto');
  if (engine !== 'auto' && engine !== 'jit' && engine !== 'interpreter') throw new Error(`--engine must be auto, jit or interpreter, got ${engine}`);
  const programId = value(p, '--program-id', DEFAULT_PROGRAM_ID)!;
  const harness = new InstructionHarness();
  harness.runtime.config.engine = engine;
  harness.computeUnitLimit = intArg(value(p, '--compute-units'), '--compute-units', 1_400_000);
  harness.addProgram(programId, new Uint8Array(readFileSync(path)));
  const specs = (p.values.get('--account') ?? []).map(accountSpec);
  const instruction = {
    programId,
    keys: specs.map((s) => ({ pubkey: s.address, isSigner: s.isSigner, isWritable: s.isWritable })),
    data: bytesArg(value(p, '--data')),
  };
  const result = harness.process(instruction, specs.map((s) => [s.address, { ...s.account, owner: s.account.owner }]));
  const changed = specs.filter((s) => !same(s.account, result.account(s.address)!)).map((s) => [s.address, result.account(s.address)!] as const);
  const saveDir = value(p, '--save-accounts');
  if (saveDir) {
    const fs = requireNodeFs('--save-accounts');
    fs.mkdirSync(saveDir, { recursive: true });
    for (const [address, account] of changed) fs.writeFileSync(`${saveDir}/${address}.json`, formatAccountJson(address, account));
  }
  const error = result.error && { kind: result.error.kind, message: instructionErrorText(result.error), ...(result.error.kind === 'Custom' ? { code: result.error.code } : {}) };
  if (p.flags.has('--json')) {
    const accounts = changed.map(([address, a]) => ({ address, lamports: a.lamports, owner: a.owner, executable: a.executable, data: a.data }));
    process.stdout.write(`${toJson({ ok: result.success, error, computeUnits: result.computeUnitsConsumed, logs: result.logs, returnData: result.returnData, changedAccounts: accounts })}\n`);
  } else {
    const c = painter(process.stdout);
    for (const line of result.logs) process.stdout.write(`${c.dim(line)}\n`);
    process.stdout.write(`${result.success ? c.green('success') : c.red(`failed: ${error!.message}`)}  ${result.computeUnitsConsumed} compute units\n`);
    if (result.returnData.length > 0) process.stdout.write(`return data: ${Buffer.from(result.returnData).toString('hex')}\n`);
    for (const [address, a] of changed) process.stdout.write(`changed ${address}: ${a.lamports} lamports, owner ${a.owner}, ${a.data.length} bytes\n`);
  }
  return result.success ? 0 : 1;
}
