/**
 * The accounts of one transaction and the instruction stack over them, with the account-modification
 * rules Agave enforces through `BorrowedInstructionAccount` (transaction-context crate).
 */
import type { Account } from './accounts.js';
import { decodeAddress } from './accounts.js';
import { fail, type InstructionErrorName } from './errors.js';
import { allZero, NO_BYTES } from './bytes.js';

/** Longest account data (10 MiB). */
export const MAX_PERMITTED_DATA_LENGTH = 10 * 1024 * 1024;
/** Transaction-wide limit on account data growth (20 MiB). */
export const MAX_PERMITTED_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION = 2 * MAX_PERMITTED_DATA_LENGTH;

/** An account as one instruction sees it. */
export interface InstructionAccount {
  /** Index into the transaction's accounts. */
  txIndex: number;
  isSigner: boolean;
  isWritable: boolean;
}

/** One instruction on the stack or in the trace. */
export interface InstructionFrame {
  programTxIndex: number;
  accounts: InstructionAccount[];
  data: Uint8Array;
  /** 1 for top-level instructions. */
  stackHeight: number;
  /** For each instruction account, the index of its first occurrence (itself if not a duplicate). */
  firstOccurrence: number[];
  /** Sum of the lamports of its distinct accounts when it was pushed (see {@link TransactionContext.lamportSum}). */
  lamportSum: number | bigint;
  /** Compute units it consumed, its callees' included (set when it returns). */
  units: number;
  /** The log lines it wrote, its callees' included: indexes `logsFrom` up to, not including, `logsTo`. */
  logsFrom: number;
  logsTo: number;
  /** Whether it failed (its callers then fail with it). */
  failed: boolean;
}

/** What a run of instructions leaves for the transaction inspector: its accounts before and after, and every instruction it ran. */
export interface ExecutionRecord {
  /** The accounts' addresses, which frames' `programTxIndex` and `txIndex` index. */
  readonly keys: readonly string[];
  /** Each account before the run; undefined where it did not exist (or is made by the runtime, as the instructions sysvar). */
  readonly before: readonly (Account | undefined)[];
  /** Each account as the run left it (what a failed transaction would have written). */
  readonly after: readonly Account[];
  /** Which accounts the run may write. */
  readonly writable: readonly boolean[];
  /** Every instruction, top-level and CPI, in the order they started. */
  readonly instructions: readonly InstructionFrame[];
}

/** Return data and the program that set it. */
export interface ReturnData {
  programId: string;
  data: Uint8Array;
}

/** Spans a data patch record keeps before it gives up (see `TransactionContext.changedSince`). */
const MAX_PATCH_SPANS = 64;
const NO_SPANS: readonly number[] = [];

/** The union of two sorted lists of `[start, end)` pairs, sorted and without overlaps. */
export function unionOfSpans(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && a[i] <= b[j]);
    const start = fromA ? a[i] : b[j];
    const end = fromA ? a[i + 1] : b[j + 1];
    if (fromA) i += 2;
    else j += 2;
    if (out.length > 0 && out[out.length - 1] >= start) out[out.length - 1] = Math.max(out[out.length - 1], end);
    else out.push(start, end);
  }
  return out;
}

export class TransactionContext {
  readonly keyBytes: readonly Uint8Array[];
  /** Every instruction pushed so far, top-level and CPI, in order. */
  readonly trace: InstructionFrame[] = [];
  readonly stack: InstructionFrame[] = [];
  returnData: ReturnData = { programId: '11111111111111111111111111111111', data: NO_BYTES };
  private resizeDelta = 0;
  /** Per account: 1 once its data array is this transaction's own (loaded accounts share the stored bytes). */
  private readonly ownData: Uint8Array;
  /** Per account: the version of its data, raised by every change (see {@link dataVersion}). */
  private readonly versions: Float64Array;
  private lastVersion = 0;
  /** Per account: where its data differs from what it was at version `base` (see {@link changedSince}); undefined when not known. */
  private readonly patches: ({ base: number; spans: number[] } | undefined)[];

  /**
   * `accounts` may share their data arrays with stored accounts: they are copied before any
   * in-place write. `keyBytes`: the keys' bytes when the caller has them (else decoded).
   */
  constructor(
    readonly keys: string[],
    readonly accounts: Account[],
    readonly maxStackDepth: number,
    readonly maxTraceLength: number,
    keyBytes?: readonly Uint8Array[],
  ) {
    this.keyBytes = keyBytes ?? keys.map(decodeAddress);
    this.ownData = new Uint8Array(accounts.length);
    this.versions = new Float64Array(accounts.length);
    this.patches = new Array(accounts.length).fill(undefined);
  }

  /**
   * The version of account `txIndex`'s data: it changes with every change of the data the runtime
   * makes or allows (a builtin's in-place writes included), so equal versions mean equal bytes.
   */
  dataVersion(txIndex: number): number {
    return this.versions[txIndex];
  }

  /**
   * Where account `txIndex`'s data may differ from what it was at its version `since`: `[start,
   * end)` pairs (none when the version is the same), or undefined when that is not known.
   */
  changedSince(txIndex: number, since: number): readonly number[] | undefined {
    if (this.versions[txIndex] === since) return NO_SPANS;
    const patch = this.patches[txIndex];
    return patch !== undefined && patch.base <= since ? patch.spans : undefined;
  }

  /** A new version of account `txIndex`'s data, which differs from the last only in `spans` (anywhere when undefined). */
  private changed(txIndex: number, spans?: readonly number[]): void {
    const previous = this.versions[txIndex];
    this.versions[txIndex] = ++this.lastVersion;
    if (spans === undefined) {
      this.patches[txIndex] = undefined;
      return;
    }
    const patch = this.patches[txIndex];
    const merged = patch === undefined ? spans.slice() : unionOfSpans(patch.spans, spans);
    // Past this many a full copy costs little more than going through them.
    this.patches[txIndex] = merged.length > MAX_PATCH_SPANS * 2 ? undefined : { base: patch?.base ?? previous, spans: merged };
  }

  /** Builds a frame; duplicates map to their first occurrence. */
  frame(programTxIndex: number, accounts: InstructionAccount[], data: Uint8Array, stackHeight: number): InstructionFrame {
    const firstOccurrence = new Array<number>(accounts.length);
    for (let i = 0; i < accounts.length; i++) {
      let first = 0;
      while (accounts[first].txIndex !== accounts[i].txIndex) first++;
      firstOccurrence[i] = first;
    }
    return { programTxIndex, accounts, data, stackHeight, firstOccurrence, lamportSum: 0, units: 0, logsFrom: 0, logsTo: 0, failed: false };
  }

  /**
   * The lamports of `f`'s distinct accounts, summed: a number while the sum is a safe integer (no
   * bigint made per addition), else a bigint. Every bigint sum is above any number sum, so two sums
   * are equal exactly when they are `===`.
   */
  private lamportSum(f: InstructionFrame): number | bigint {
    let sum = 0;
    for (let i = 0; i < f.accounts.length; i++) {
      if (f.firstOccurrence[i] !== i) continue;
      const lamports = this.accounts[f.accounts[i].txIndex].lamports;
      sum += Number(lamports);
    }
    // Non-negative terms: every partial sum is at most the last, so all were exact when it is safe
    // (a balance past 2^53 makes it unsafe).
    return sum <= Number.MAX_SAFE_INTEGER ? sum : this.bigLamportSum(f);
  }

  private bigLamportSum(f: InstructionFrame): bigint {
    let sum = 0n;
    for (let i = 0; i < f.accounts.length; i++) if (f.firstOccurrence[i] === i) sum += this.accounts[f.accounts[i].txIndex].lamports;
    return sum;
  }

  /** `TransactionContext::push`. */
  push(f: InstructionFrame): void {
    const caller = this.stack.at(-1);
    if (caller && caller.lamportSum !== this.lamportSum(caller)) fail('UnbalancedInstruction');
    f.lamportSum = this.lamportSum(f);
    if (this.trace.length >= this.maxTraceLength) fail('MaxInstructionTraceLengthExceeded');
    this.trace.push(f);
    if (this.stack.length >= this.maxStackDepth) fail('CallDepth');
    this.stack.push(f);
  }

  /** `TransactionContext::pop`: always pops, then reports an unbalanced instruction. */
  pop(): void {
    const f = this.stack.pop();
    if (!f) fail('CallDepth');
    if (f.lamportSum !== this.lamportSum(f)) fail('UnbalancedInstruction');
  }

  /** The executing instruction. */
  current(): InstructionFrame {
    return this.stack[this.stack.length - 1];
  }

  programId(f: InstructionFrame): string {
    return this.keys[f.programTxIndex];
  }

  // --- BorrowedInstructionAccount rules, for instruction account `i` of the current instruction ---

  /** `check_number_of_instruction_accounts`: MissingAccount when the instruction has fewer than `n`. */
  requireAccounts(n: number): void {
    if (this.current().accounts.length < n) fail('MissingAccount');
  }

  /** The address of instruction account `i` (MissingAccount when absent). */
  instructionKey(i: number): string {
    this.requireAccounts(i + 1);
    return this.keys[this.current().accounts[i].txIndex];
  }

  /** `get_sysvar_with_account_check`: instruction account `i` must be the sysvar `id`. */
  checkSysvarAccount(i: number, id: string): void {
    if (this.instructionKey(i) !== id) fail('InvalidArgument');
  }

  account(i: number): Account {
    return this.accounts[this.current().accounts[i].txIndex];
  }

  private ownedByProgram(i: number): boolean {
    return this.account(i).owner === this.programId(this.current());
  }

  setLamports(i: number, lamports: bigint): void {
    const acc = this.account(i);
    if (!this.ownedByProgram(i) && lamports < acc.lamports) fail('ExternalAccountLamportSpend');
    if (!this.current().accounts[i].isWritable) fail('ReadonlyLamportChange');
    acc.lamports = lamports;
  }

  checkedAddLamports(i: number, lamports: bigint): void {
    const sum = this.account(i).lamports + lamports;
    if (sum > 0xffff_ffff_ffff_ffffn) fail('ArithmeticOverflow');
    this.setLamports(i, sum);
  }

  checkedSubLamports(i: number, lamports: bigint): void {
    const rest = this.account(i).lamports - lamports;
    if (rest < 0n) fail('ArithmeticOverflow');
    this.setLamports(i, rest);
  }

  /** Why account `i`'s data may not change (undefined when it may); no allocation on the happy path. */
  canDataBeChanged(i: number): InstructionErrorName | undefined {
    if (!this.current().accounts[i].isWritable) return 'ReadonlyDataModified';
    if (!this.ownedByProgram(i)) return 'ExternalAccountDataModified';
    return undefined;
  }

  /**
   * Agave 4.2 (what LiteSVM runs) checks the write permission first, so a non-owner's resize is
   * reported as ExternalAccountDataModified and AccountDataSizeChanged cannot arise.
   */
  canDataBeResized(i: number, newLen: number): InstructionErrorName | undefined {
    const denied = this.canDataBeChanged(i);
    if (denied) return denied;
    const oldLen = this.account(i).data.length;
    if (newLen > MAX_PERMITTED_DATA_LENGTH) return 'InvalidRealloc';
    if (this.resizeDelta + newLen - oldLen > MAX_PERMITTED_ACCOUNTS_DATA_ALLOCATIONS_PER_TRANSACTION) {
      return 'MaxAccountsDataAllocationsExceeded';
    }
    return undefined;
  }

  setData(i: number, data: Uint8Array): void {
    const err = this.canDataBeResized(i, data.length);
    if (err) fail(err);
    const txIndex = this.current().accounts[i].txIndex;
    const acc = this.accounts[txIndex];
    this.resizeDelta += data.length - acc.data.length;
    // Data crosses every CPI boundary and program return: an array of ours is overwritten in place.
    if (this.ownData[txIndex] && acc.data.length === data.length) acc.data.set(data);
    else {
      acc.data = data.slice();
      this.ownData[txIndex] = 1;
    }
    this.changed(txIndex);
  }

  /**
   * {@link setData} with `data` of the account's length that differs from its data only within
   * `spans` (`[start, end)` pairs): only those bytes are copied.
   */
  patchData(i: number, data: Uint8Array, spans: readonly number[]): void {
    const txIndex = this.current().accounts[i].txIndex;
    const acc = this.accounts[txIndex];
    if (acc.data.length !== data.length) return this.setData(i, data);
    const err = this.canDataBeResized(i, data.length);
    if (err) fail(err);
    const own = this.ownedData(txIndex);
    for (let k = 0; k < spans.length; k += 2) own.set(data.subarray(spans[k], spans[k + 1]), spans[k]);
    this.changed(txIndex, spans);
  }

  setDataLength(i: number, length: number): void {
    const err = this.canDataBeResized(i, length);
    if (err) fail(err);
    const acc = this.account(i);
    if (acc.data.length === length) return;
    this.resizeDelta += length - acc.data.length;
    const next = new Uint8Array(length);
    next.set(acc.data.subarray(0, Math.min(length, acc.data.length)));
    acc.data = next;
    this.changed(this.current().accounts[i].txIndex);
  }

  /** The data of account `i` for in-place writes (only where it may change), copied on the first. */
  dataMut(i: number): Uint8Array {
    const err = this.canDataBeChanged(i);
    if (err) fail(err);
    const txIndex = this.current().accounts[i].txIndex;
    const data = this.ownedData(txIndex);
    this.changed(txIndex);
    return data;
  }

  /** Account `txIndex`'s data array, made this transaction's own (copied from the stored bytes) on first use. */
  private ownedData(txIndex: number): Uint8Array {
    const acc = this.accounts[txIndex];
    if (!this.ownData[txIndex]) {
      acc.data = acc.data.slice();
      this.ownData[txIndex] = 1;
    }
    return acc.data;
  }

  /** Marks account `i` executable (the loaders do this when deploying). */
  setExecutable(i: number): void {
    this.account(i).executable = true;
  }

  setOwner(i: number, owner: string): void {
    const acc = this.account(i);
    if (!this.ownedByProgram(i) || !this.current().accounts[i].isWritable || !allZero(acc.data)) fail('ModifiedProgramId');
    acc.owner = owner;
  }
}
