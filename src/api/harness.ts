/**
 * A Mollusk-style instruction harness: run one instruction (or a chain) against explicit
 * accounts, without transactions, and check the outcome declaratively. A failed check throws
 * {@link CheckFailure} listing every mismatch, expected against actual.
 */
import { INSTRUCTION_ERROR_TEXT, instructionErrorText, type InstructionError, type InstructionErrorName } from '../runtime/errors.js';
import { WebsvmError } from '../errors.js';
import { BPF_LOADER_UPGRADEABLE, SYSTEM_PROGRAM } from '../runtime/ids.js';
import { MAX_COMPUTE_UNIT_LIMIT } from '../runtime/compute-budget.js';
import { cloneAccount, type Account } from '../runtime/accounts.js';
import type { Instruction } from '../runtime/message.js';
import { processInstructions, type InstructionsOutcome } from '../runtime/instruction-harness.js';
import { Runtime } from '../runtime/runtime.js';
import { minimumBalance, type Rent } from '../runtime/sysvars.js';
import { nodeInspectCustom } from '../platform.js';
import { backtraceOfFaults, type Backtrace } from '../debug/index.js';
import type { Profile } from '../profile/index.js';
import type { ProgramDecoder, ReportOptions } from '../inspect/index.js';
import { instructionsReport, isProgramDecoder } from './report.js';
import { computeBudgetOverride, type ComputeBudgetInput } from './sysvars.js';
import { toAccount, toAccountPairs, toAddress, toInstruction, toNamedAddress, type AccountInput, type AddressInput, type InstructionInput } from './inputs.js';
import { refused, toArray, toBoolean, toBytes, toByteValues, toChecked, toEach, toFields, toText, toU64 } from '../arguments.js';

/** What one run saw besides its outcome. */
interface RunSetting {
  /** The IDLs the harness was given (`useIdl`), for the report. */
  readonly idls: readonly ProgramDecoder[];
  /** Names errors, with the failing program's IDL when known. */
  readonly describer: (e: InstructionError) => string;
  /** The rent sysvar in effect, which rent-exemption checks measure against. */
  readonly rent: Rent;
  /** The accounts the caller gave and the instructions name, in first-seen order (Mollusk's resulting accounts). */
  readonly resultingKeys: readonly string[];
}

/** What one run produced. */
export class InstructionResult {
  /** @internal */
  constructor(
    private readonly outcome: InstructionsOutcome,
    /** @internal */
    readonly setting: RunSetting,
  ) {}
  /** The error with its IDL name when the failing program's IDL is known (see `useIdl`). */
  describeError(): string {
    return this.error ? this.setting.describer(this.error) : 'success';
  }
  /** Whether every instruction succeeded. */
  get success(): boolean {
    return this.outcome.failure === undefined;
  }
  /** The failing instruction's error (`{ kind: 'Custom', code }` for program errors). */
  get error(): InstructionError | undefined {
    return this.outcome.failure?.error;
  }
  get computeUnitsConsumed(): bigint {
    return BigInt(this.outcome.computeUnitsConsumed);
  }
  /** Where the compute units went, when the harness's runtime profiles; else undefined. */
  profile(): Profile | undefined {
    return this.outcome.profile;
  }
  /** Where a program stopped with a VM error, innermost frame first, across CPIs (see `FailedTransactionMetadata.backtrace`). */
  backtrace(): Backtrace | undefined {
    return backtraceOfFaults(this.outcome.faults);
  }
  get logs(): string[] {
    return this.outcome.logs;
  }
  /**
   * The transaction inspector's page of this run (see `TransactionMetadata.report`): the
   * instructions and their CPIs with units and logs, the account changes (decoded by
   * `options.idls` and the harness's `useIdl` programs), the return data, the flamegraph when the
   * runtime profiles, and where a failing program stopped.
   */
  report(options?: ReportOptions): string {
    const o = this.outcome;
    return instructionsReport(
      {
        error: o.failure && `instruction ${o.failure.index} failed: ${this.describeError()}`,
        failedInstruction: o.failure?.index,
        computeUnits: BigInt(o.computeUnitsConsumed),
        logs: o.logs,
        returnData: o.returnData,
        execution: o.execution,
        backtrace: this.backtrace(),
        profile: o.profile,
      },
      options,
      this.setting.idls,
    );
  }
  get returnData(): Uint8Array {
    return this.outcome.returnData.data;
  }
  /** Every account after execution, by address. */
  get accounts(): Map<string, Account> {
    return new Map(this.outcome.accounts);
  }
  /** One account after execution. */
  account(address: AddressInput): Account | undefined {
    return this.accounts.get(toAddress(address));
  }
  /** The accounts given and named by the instructions, after execution, in first-seen order. */
  resultingAccounts(): [string, Account][] {
    const all = new Map(this.outcome.accounts);
    return this.setting.resultingKeys.map((k) => [k, all.get(k)!]);
  }
  /**
   * The outcome, units, return data, log count and one line per resulting account, e.g.
   * `InstructionResult: success, 137 compute units, 2 log lines, no return data` then
   * `  <address>: 5 lamports, 4 bytes, owner <program>`.
   */
  toString(): string {
    const failure = this.outcome.failure;
    const result = failure ? `failed at instruction ${failure.index} with ${this.describeError()}` : 'success';
    const lines = this.logs.length === 1 ? '1 log line' : `${this.logs.length} log lines`;
    const head = `InstructionResult: ${result}, ${this.computeUnitsConsumed} compute units, ${lines}, ${returnDataText(this.returnData)}`;
    return [head, ...this.resultingAccounts().map(accountLine)].join('\n');
  }
  /** @internal How Node's `console.log` shows it: as {@link toString}. */
  [nodeInspectCustom](): string {
    return this.toString();
  }
}

/** Return data bytes shown in a result's text. */
const RETURN_DATA_SHOWN = 32;

function returnDataText(data: Uint8Array): string {
  if (data.length === 0) return 'no return data';
  const more = data.length > RETURN_DATA_SHOWN ? '…' : '';
  return `return data ${hex(data.subarray(0, RETURN_DATA_SHOWN))}${more} (${data.length} bytes)`;
}

/** One indented line per account: lamports, size, owner and whether it is executable. */
function accountLine([address, a]: [string, Account]): string {
  return `  ${address}: ${a.lamports} lamports, ${a.data.length} bytes, owner ${a.owner}${a.executable ? ', executable' : ''}`;
}

/** A mismatch between a check and a result (kind `CheckFailed`, each mismatch as a line of `mismatches`). */
export class CheckFailure extends WebsvmError<'CheckFailed', { readonly mismatches: readonly string[] }> {
  constructor(readonly mismatches: string[]) {
    toEach(mismatches, 'mismatches', 'an array of mismatch descriptions', (m, name) => toText(m, name));
    super('CheckFailed', `${mismatches.length} check(s) failed:\n${mismatches.map((m) => `  - ${m}`).join('\n')}`, { mismatches });
  }
}

type Checker = (r: InstructionResult, out: string[]) => void;

/**
 * Mollusk's rent-exemption rule: an emptied system account (no lamports, system-owned) counts as
 * exempt, anything else needs the rent sysvar's minimum balance for its size. Pushes the mismatch.
 */
function checkRentExempt(r: InstructionResult, address: string, account: Account, out: string[]): void {
  if (account.lamports === 0n && account.owner === SYSTEM_PROGRAM) return;
  const minimum = minimumBalance(r.setting.rent, account.data.length);
  if (account.lamports < minimum) {
    out.push(`account ${address} rent exempt: expected at least ${minimum} lamports for ${account.data.length} bytes, got ${account.lamports}`);
  }
}

/** The error `Check.err` expects: a variant name of `InstructionError`, or `{ custom: code }` (a u32). */
function toExpectedError(error: unknown): InstructionError {
  if (typeof error === 'string' && Object.hasOwn(INSTRUCTION_ERROR_TEXT, error)) return { kind: error as InstructionErrorName };
  const custom = typeof error === 'object' && error !== null ? (error as { custom?: unknown }).custom : undefined;
  if (typeof custom === 'number' && Number.isInteger(custom) && custom >= 0 && custom <= 0xffff_ffff) return { kind: 'Custom', code: custom };
  throw refused('error', 'an InstructionError variant name or { custom: code }', error);
}

const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const describe = (e: InstructionError | undefined) => (e === undefined ? 'success' : e.kind === 'Custom' ? `Custom(${e.code})` : e.kind);

/** Builder of the checks on one account. */
export class AccountCheck {
  private readonly checks: Checker[] = [];
  constructor(private readonly address: string) {}
  private add(field: string, expected: string, actual: (a: Account | undefined) => string): this {
    const address = this.address;
    this.checks.push((r, out) => {
      const got = actual(r.account(address));
      if (got !== expected) out.push(`account ${address} ${field}: expected ${expected}, got ${got}`);
    });
    return this;
  }
  lamports(v: bigint | number): this {
    return this.add('lamports', String(toU64(v, 'lamports')), (a) => String(a?.lamports ?? 0n));
  }
  data(bytes: ArrayLike<number>): this {
    return this.add('data', hex(toByteValues(bytes, 'bytes')), (a) => hex(a?.data ?? new Uint8Array(0)));
  }
  owner(owner: AddressInput): this {
    return this.add('owner', toAddress(owner), (a) => a?.owner ?? '(none)');
  }
  executable(v: boolean): this {
    return this.add('executable', String(toBoolean(v, 'executable')), (a) => String(a?.executable ?? false));
  }
  space(n: number): this {
    return this.add('space', String(toU64(n, 'space')), (a) => String(a?.data.length ?? 0));
  }
  /**
   * Rent exempt after the run, under the harness's rent sysvar (Mollusk's `rent_exempt()`): at least
   * the minimum balance for its size, or emptied (no lamports, system-owned). Fails when the run did
   * not involve the account.
   */
  rentExempt(): this {
    const address = this.address;
    this.checks.push((r, out) => {
      const account = r.account(address);
      if (account === undefined) out.push(`account ${address} rent exempt: not among the resulting accounts`);
      else checkRentExempt(r, address, account, out);
    });
    return this;
  }
  /** Closed: no lamports and no data (what closing an account leaves). */
  closed(): this {
    this.lamports(0n);
    return this.space(0);
  }
  /** The check, for {@link InstructionHarness.processAndValidate}. */
  build(): Check {
    const checks = [...this.checks];
    return new Check((r, out) => checks.forEach((c) => c(r, out)));
  }
}

/** A declarative expectation on an {@link InstructionResult}. */
export class Check {
  /** @internal */
  constructor(readonly run: Checker) {}
  /** Every instruction succeeded. */
  static success(): Check {
    return new Check((r, out) => {
      if (!r.success) out.push(`result: expected success, got ${r.describeError()} (${instructionErrorText(r.error!)})`);
    });
  }
  /** The run failed with `error`: an `InstructionError` variant name, or a custom code. */
  static err(error: InstructionErrorName | { custom: number }): Check {
    const expected = toExpectedError(error);
    return new Check((r, out) => {
      if (describe(r.error) !== describe(expected)) out.push(`result: expected ${describe(expected)}, got ${r.describeError()}`);
    });
  }
  /** Exactly `units` compute units were consumed. */
  static computeUnits(units: bigint | number): Check {
    const expected = toU64(units, 'units');
    return new Check((r, out) => {
      if (r.computeUnitsConsumed !== expected) out.push(`compute units: expected ${units}, got ${r.computeUnitsConsumed}`);
    });
  }
  /** The return data equals `bytes`. */
  static returnData(bytes: ArrayLike<number>): Check {
    const expected = hex(toByteValues(bytes, 'bytes'));
    return new Check((r, out) => {
      if (hex(r.returnData) !== expected) out.push(`return data: expected ${expected}, got ${hex(r.returnData)}`);
    });
  }
  /**
   * Every resulting account (those given and those the instructions name; not the program and
   * loader accounts the runtime adds) is rent exempt, as {@link AccountCheck.rentExempt} defines it
   * (Mollusk's `all_rent_exempt()`).
   */
  static allRentExempt(): Check {
    return new Check((r, out) => {
      for (const [address, account] of r.resultingAccounts()) checkRentExempt(r, address, account, out);
    });
  }
  /** Starts checks on one account: `Check.account(a).lamports(1).data([…]).build()`. */
  static account(address: AddressInput): AccountCheck {
    return new AccountCheck(toAddress(address));
  }
}

/** Something that can name a program's custom errors (an `AnchorProgram`). */
export interface ErrorNamer {
  readonly programId: string;
  describe(error: InstructionError): string;
}

/** Runs instructions against explicit accounts, Mollusk style. */
export class InstructionHarness {
  /** The runtime that holds the programs and sysvars. */
  readonly runtime = new Runtime();
  private readonly namers = new Map<string, ErrorNamer>();
  /** Compute units each run may use (default 1 400 000). */
  computeUnitLimit = MAX_COMPUTE_UNIT_LIMIT;

  /** Deploys a program (upgradeable loader unless `loader` says otherwise). */
  addProgram(programId: AddressInput, elf: Uint8Array, loader: AddressInput = BPF_LOADER_UPGRADEABLE): this {
    this.runtime.addProgram(toNamedAddress(programId, 'programId'), elf, toNamedAddress(loader, 'loader'));
    return this;
  }

  /**
   * Uses a fixed compute budget (Mollusk's `compute_budget`): unit limit, heap size, nesting depth,
   * trace length and every syscall price, with the same rules as `SVM.withComputeBudget`.
   */
  withComputeBudget(budget: ComputeBudgetInput): this {
    const override = computeBudgetOverride(budget);
    this.runtime.setComputeBudget(override);
    this.computeUnitLimit = override.computeUnitLimit;
    return this;
  }

  /** Names the custom errors of a program in results and check failures (e.g. an `AnchorProgram`). */
  useIdl(namer: ErrorNamer): this {
    const fields = toFields(namer, 'namer', 'an ErrorNamer (an AnchorProgram, or { programId, describe })');
    if (typeof fields.describe !== 'function') throw refused('namer.describe', 'a function', fields.describe);
    this.namers.set(toNamedAddress(fields.programId as AddressInput, 'namer.programId'), namer);
    return this;
  }

  /** Runs one instruction; `accounts` are the instruction's accounts (programs are found by id). */
  process(instruction: InstructionInput, accounts: [AddressInput, AccountInput][]): InstructionResult {
    return this.processChain([instruction], accounts);
  }

  /** Runs instructions one after the other on the same accounts; stops at the first failure. */
  processChain(instructions: InstructionInput[], accounts: [AddressInput, AccountInput][]): InstructionResult {
    return this.run(toInstructions(instructions, 'instructions'), toAccountPairs(accounts, 'accounts'));
  }

  /** @internal Runs instructions already in the runtime's form on accounts already in its form. */
  run(ixs: Instruction[], given: [string, Account][]): InstructionResult {
    toEach(ixs, 'ixs', 'an array of instructions in the runtime form', (ix, name) =>
      toChecked(ix, name, 'an instruction { programId, accounts, data }', name, {
        programId: (v, at) => toText(v, at, 'a base58 address'),
        accounts: (v, at) => toArray(v, at, 'an array of account metas'),
        data: toBytes,
      }),
    );
    toEach(given, 'given', 'an array of [address, account] pairs in the runtime form', (pair, name) => {
      const [address, account] = toArray(pair, name, 'an [address, account] pair');
      return [toText(address, `${name}[0]`, 'a base58 address'), toFields(account, `${name}[1]`, 'an account')];
    });
    const rent = this.runtime.rent;
    const outcome = processInstructions(this.runtime, ixs, given, this.computeUnitLimit);
    // A failure's index is the position of the instruction that failed among `ixs`.
    const failed = outcome.failure && ixs[outcome.failure.index];
    const namer = failed && this.namers.get(failed.programId);
    const resultingKeys = [...new Set([...given.map(([k]) => k), ...ixs.flatMap((ix) => ix.accounts.map((a) => a.pubkey))])];
    const idls = [...this.namers.values()].filter(isProgramDecoder);
    return new InstructionResult(outcome, { describer: namer ? (e) => namer.describe(e) : describe, rent, resultingKeys, idls });
  }

  /**
   * A persistent account store over this harness (Mollusk's `with_context`), starting with
   * `accounts`; see {@link HarnessContext}.
   */
  withContext(accounts: [AddressInput, AccountInput][] = []): HarnessContext {
    return new HarnessContext(this, accounts);
  }

  /** Runs one instruction and applies `checks`; throws {@link CheckFailure} on any mismatch. */
  processAndValidate(instruction: InstructionInput, accounts: [AddressInput, AccountInput][], checks: Check[]): InstructionResult {
    const checked = toChecks(checks);
    return validate(this.process(instruction, accounts), checked);
  }

  /** Runs a chain and applies `checks` to the final result. */
  processAndValidateChain(instructions: InstructionInput[], accounts: [AddressInput, AccountInput][], checks: Check[]): InstructionResult {
    const checked = toChecks(checks);
    return validate(this.processChain(instructions, accounts), checked);
  }
}

/** The instructions argument as the runtime takes them, refused with kind `InvalidArgument` or `InvalidAddress`. */
const toInstructions = (value: unknown, name: string) => toEach(value, name, 'an array of instructions', (ix, at) => toInstruction(ix as InstructionInput, at));

/** The checks argument, refused with kind `InvalidArgument` unless it is an array of `Check`s. */
const toChecks = (value: unknown): Check[] =>
  toEach(value, 'checks', 'an array of Check', (c, at) => {
    if (!(c instanceof Check)) throw refused(at, 'a Check (Check.success(), Check.account(…).build() …)', c);
    return c;
  });

function validate(result: InstructionResult, checks: Check[]): InstructionResult {
  const mismatches: string[] = [];
  for (const c of checks) c.run(result, mismatches);
  if (mismatches.length > 0) throw new CheckFailure(mismatches);
  return result;
}

/**
 * An account store that instructions run against and write back to (Mollusk's `MolluskContext`),
 * so several runs build on each other. Each run reads the accounts its instructions name from the
 * store (those it lacks come from the runtime, as programs and sysvars do, or start empty). When
 * every instruction succeeded and every check passed, the run writes back the accounts already in
 * the store and those some instruction marks writable (read-only ones cannot have changed, and
 * copying them would freeze the runtime's programs and sysvars); otherwise the store stays as it was.
 * Programs, compute budget and error names are the harness's, read at each run.
 */
export class HarnessContext {
  private readonly store = new Map<string, Account>();

  /** @internal */
  constructor(
    /** The harness whose programs and settings each run uses. */
    readonly harness: InstructionHarness,
    accounts: [AddressInput, AccountInput][],
  ) {
    if (!(harness instanceof InstructionHarness)) throw refused('harness', 'an InstructionHarness', harness);
    for (const [address, account] of toAccountPairs(accounts, 'accounts')) this.store.set(address, account);
  }

  /** A copy of every stored account, by address. */
  get accounts(): Map<string, Account> {
    return new Map(Array.from(this.store, ([k, a]) => [k, cloneAccount(a)]));
  }

  /** A copy of one stored account. */
  account(address: AddressInput): Account | undefined {
    const stored = this.store.get(toAddress(address));
    return stored && cloneAccount(stored);
  }

  /** `HarnessContext: N stored accounts` then one line per account, as in {@link InstructionResult.toString}. */
  toString(): string {
    return [`HarnessContext: ${this.store.size} stored account${this.store.size === 1 ? '' : 's'}`, ...Array.from(this.store, accountLine)].join('\n');
  }

  /** @internal How Node's `console.log` shows it: as {@link toString}. */
  [nodeInspectCustom](): string {
    return this.toString();
  }

  /** Stores (or replaces) an account. */
  setAccount(address: AddressInput, account: AccountInput): this {
    this.store.set(toAddress(address), toAccount(account, 'account'));
    return this;
  }

  /** Runs one instruction on the stored accounts; stores the results if it succeeded. */
  process(instruction: InstructionInput): InstructionResult {
    return this.processAndValidateChain([instruction], []);
  }

  /** Runs instructions one after the other; stores the results only if all of them succeeded. */
  processChain(instructions: InstructionInput[]): InstructionResult {
    return this.processAndValidateChain(instructions, []);
  }

  /** Runs one instruction and applies `checks` (throwing {@link CheckFailure}) before storing anything. */
  processAndValidate(instruction: InstructionInput, checks: Check[]): InstructionResult {
    return this.processAndValidateChain([instruction], checks);
  }

  /** Runs a chain and applies `checks` to the final result before storing anything. */
  processAndValidateChain(instructions: InstructionInput[], checks: Check[]): InstructionResult {
    const ixs = toInstructions(instructions, 'instructions');
    const checked = toChecks(checks);
    const metas = ixs.flatMap((ix) => ix.accounts);
    const given = [...new Set(metas.map((m) => m.pubkey))].flatMap((k): [string, Account][] => {
      const stored = this.store.get(k);
      return stored ? [[k, stored]] : [];
    });
    const result = validate(this.harness.run(ixs, given), checked);
    if (result.success) {
      const writable = new Set(metas.filter((m) => m.isWritable).map((m) => m.pubkey));
      for (const [k, account] of result.resultingAccounts()) {
        if (this.store.has(k) || writable.has(k)) this.store.set(k, cloneAccount(account));
      }
    }
    return result;
  }
}
