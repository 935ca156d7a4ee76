/**
 * The program input: ABIv1 (aligned, loaders v2/v3/v4) and ABIv0 (unaligned, loader v1) layouts,
 * and the write-back of a successful run through the account rules (agave
 * `program-runtime/src/serialization.rs`, SBPF_SEMANTICS §11; no direct mapping, as on mainnet).
 * Accounts reach megabytes: the write-back and CPI compare and copy only the bytes of the input a
 * program stored to (the memory map's store marks) since the input last matched the account (its
 * data version), which is what comparing all of them would find.
 */
import { MM_INPUT_START } from '../isa/constants.js';
import type { InputWriter } from '../vm/execute.js';
import { INPUT_SLOT, type MemoryMap } from '../vm/memory.js';
import { decodeAddress, encodeAddressAt } from './accounts.js';
import { fail } from './errors.js';
import { MAX_PERMITTED_DATA_LENGTH, type TransactionContext } from './transaction-context.js';
import { sameBytesAt, NO_BYTES, sameBytes, setU64FromNumber, u64AsNumber } from './bytes.js';
import { bool, layout, padding, pubkey, u64, u8 } from './codec.js';

const NON_DUP_MARKER = 0xff;

// The input's records, declared once; reads and writes go in place at the offsets they give.
/** ABIv1: an account's record up to its data; the data, room to grow it, padding to 8 and the rent epoch follow. */
const ACCOUNT_V1 = layout({
  dupMarker: u8,
  isSigner: bool,
  isWritable: bool,
  executable: bool,
  padding: padding(4),
  key: pubkey,
  owner: pubkey,
  lamports: u64,
  dataLen: u64,
});
/** ABIv1: a duplicate account's record, the index of its first occurrence. */
const DUPLICATE_V1 = layout({ dupOf: u8, padding: padding(7) });
/** ABIv0: an account's record up to its data; {@link ACCOUNT_V0_AFTER_DATA} follows the data. */
const ACCOUNT_V0 = layout({ dupMarker: u8, isSigner: bool, isWritable: bool, key: pubkey, lamports: u64, dataLen: u64 });
const ACCOUNT_V0_AFTER_DATA = layout({ owner: pubkey, executable: bool, rentEpoch: u64 });
/** ABIv0: a duplicate account's record. */
const DUPLICATE_V0 = layout({ dupOf: u8 });
/** What every record ends with, in both layouts (the rent epoch, no longer tracked). */
const RENT_EPOCH = u64.fixedSize as number;
/** Each 32-bit half of the rent epoch written (u64::MAX, no longer tracked). */
const RENT_EPOCH_HALF = 0xffff_ffff;
/** The counts and lengths the input holds outside the records. */
const U64_BYTES = u64.fixedSize as number;
const V1 = ACCOUNT_V1.offsets;
const V0 = ACCOUNT_V0.offsets;
const V0_AFTER = ACCOUNT_V0_AFTER_DATA.offsets;
/** Room a program may grow an account's data into during one invocation. */
export const MAX_PERMITTED_DATA_INCREASE = 10_240;
/** Accounts an instruction may name: one less than the 256 a dup-marker byte could tell apart. */
export const MAX_ACCOUNTS_PER_INSTRUCTION = 255;

/**
 * A program input ready to be written where the VM maps it (no intermediate copy), and what
 * write-back needs.
 */
export interface SerializedInput extends InputWriter {
  /** Data length of each instruction account at serialization. */
  originalLengths: number[];
  /** Where each instruction account's record starts in the input (a duplicate: its first occurrence's). */
  recordOffsets: number[];
  /**
   * Per instruction account (a duplicate: its first occurrence), the version of the account's data
   * (`TransactionContext.dataVersion`) that the input holds wherever the program has not stored to
   * since; undefined once not known.
   */
  versions: (number | undefined)[];
  /** Whether the layout is ABIv0's. */
  abiV0: boolean;
  /** VM address of the instruction data (r2). */
  instructionDataAddress: bigint;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** VM addresses of an account's key, owner, lamports and data in a serialized input (numbers: all lie below 2^36). */
export interface SerializedAccountAddresses {
  key: number;
  owner: number;
  lamports: number;
  data: number;
}

/**
 * Where instruction account `i`'s fields were serialized in `input` (what CPI checks account infos
 * against), written into `out` (a CPI checks one account at a time: no object per account).
 */
export function serializedAddresses(input: SerializedInput, i: number, out: SerializedAccountAddresses): SerializedAccountAddresses {
  const at = MM_INPUT_START + input.recordOffsets[i];
  if (input.abiV0) {
    out.key = at + V0.key;
    out.lamports = at + V0.lamports;
    out.data = at + ACCOUNT_V0.fixedSize;
    out.owner = out.data + input.originalLengths[i] + V0_AFTER.owner;
  } else {
    out.key = at + V1.key;
    out.owner = at + V1.owner;
    out.lamports = at + V1.lamports;
    out.data = at + ACCOUNT_V1.fixedSize;
  }
  return out;
}

/** Lays out the current instruction of `ctx` as an sBPF program's input; the bytes are written on demand. */
export function serializeInput(ctx: TransactionContext, abiV0: boolean): SerializedInput {
  const f = ctx.current();
  if (f.accounts.length > MAX_ACCOUNTS_PER_INSTRUCTION) fail('MaxAccountsExceeded');
  let size = U64_BYTES;
  // Arrays of the accounts' count (grown by push, each would take 17 slots or more).
  const n = f.accounts.length;
  const originalLengths = new Array<number>(n);
  const recordOffsets = new Array<number>(n);
  const versions = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const len = ctx.accounts[f.accounts[i].txIndex].data.length;
    originalLengths[i] = len;
    versions[i] = ctx.dataVersion(f.accounts[i].txIndex);
    if (f.firstOccurrence[i] !== i) {
      recordOffsets[i] = recordOffsets[f.firstOccurrence[i]];
      size += abiV0 ? DUPLICATE_V0.fixedSize : DUPLICATE_V1.fixedSize;
      continue;
    }
    recordOffsets[i] = size;
    size += abiV0
      ? ACCOUNT_V0.fixedSize + len + ACCOUNT_V0_AFTER_DATA.fixedSize
      : ACCOUNT_V1.fixedSize + len + MAX_PERMITTED_DATA_INCREASE + pad8(len) + RENT_EPOCH;
  }
  const instructionDataAt = size + U64_BYTES;
  size += U64_BYTES + f.data.length + 32;
  return {
    length: size,
    write: (target) => writeInput(ctx, abiV0, target),
    originalLengths,
    recordOffsets,
    versions,
    abiV0,
    instructionDataAddress: BigInt(MM_INPUT_START + instructionDataAt),
  };
}

/**
 * Writes the input into `bytes`, which may be a reused VM memory: every byte it does not write
 * (padding, the room to grow each account's data) is zeroed, and only those. Counts and lengths
 * are written as numbers (below 2^32), without a BigInt each.
 */
function writeInput(ctx: TransactionContext, abiV0: boolean, bytes: Uint8Array): void {
  const f = ctx.current();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  setU64FromNumber(view, 0, f.accounts.length);
  let at = U64_BYTES;
  for (let i = 0; i < f.accounts.length; i++) {
    const ia = f.accounts[i];
    const acc = ctx.accounts[ia.txIndex];
    if (f.firstOccurrence[i] !== i) {
      bytes[at] = f.firstOccurrence[i];
      if (!abiV0) bytes.fill(0, at + 1, at + DUPLICATE_V1.fixedSize);
      at += abiV0 ? DUPLICATE_V0.fixedSize : DUPLICATE_V1.fixedSize;
      continue;
    }
    const key = ctx.keyBytes[ia.txIndex];
    const data = acc.data;
    const len = data.length;
    if (abiV0) {
      bytes[at + V0.dupMarker] = NON_DUP_MARKER;
      bytes[at + V0.isSigner] = ia.isSigner ? 1 : 0;
      bytes[at + V0.isWritable] = ia.isWritable ? 1 : 0;
      bytes.set(key, at + V0.key);
      view.setBigUint64(at + V0.lamports, acc.lamports, true);
      setU64FromNumber(view, at + V0.dataLen, len);
      at += ACCOUNT_V0.fixedSize;
      bytes.set(data, at);
      at += len;
      bytes.set(decodeAddress(acc.owner), at + V0_AFTER.owner);
      bytes[at + V0_AFTER.executable] = acc.executable ? 1 : 0;
      view.setUint32(at + V0_AFTER.rentEpoch, RENT_EPOCH_HALF, true);
      view.setUint32(at + V0_AFTER.rentEpoch + 4, RENT_EPOCH_HALF, true);
      at += ACCOUNT_V0_AFTER_DATA.fixedSize;
    } else {
      bytes[at + V1.dupMarker] = NON_DUP_MARKER;
      bytes[at + V1.isSigner] = ia.isSigner ? 1 : 0;
      bytes[at + V1.isWritable] = ia.isWritable ? 1 : 0;
      bytes[at + V1.executable] = acc.executable ? 1 : 0;
      view.setUint32(at + V1.padding, 0); // four bytes: a `fill` call costs ~5 times as much
      bytes.set(key, at + V1.key);
      bytes.set(decodeAddress(acc.owner), at + V1.owner);
      view.setBigUint64(at + V1.lamports, acc.lamports, true);
      setU64FromNumber(view, at + V1.dataLen, len);
      at += ACCOUNT_V1.fixedSize;
      bytes.set(data, at);
      at += len;
      const room = MAX_PERMITTED_DATA_INCREASE + pad8(len);
      bytes.fill(0, at, at + room);
      at += room;
      view.setUint32(at, RENT_EPOCH_HALF, true);
      view.setUint32(at + 4, RENT_EPOCH_HALF, true);
      at += RENT_EPOCH;
    }
  }
  setU64FromNumber(view, at, f.data.length);
  at += U64_BYTES;
  bytes.set(f.data, at);
  bytes.set(ctx.keyBytes[f.programTxIndex], at + f.data.length);
}

/** Where instruction account `i`'s data starts in the input region. */
function dataOffset(input: SerializedInput, i: number): number {
  return input.recordOffsets[i] + (input.abiV0 ? ACCOUNT_V0.fixedSize : ACCOUNT_V1.fixedSize);
}

/** Below this many bytes, comparing or copying all of an account's data costs less than finding what to look at. */
export const SPARSE_SYNC_FROM = 2048;

/** Where instruction account `i`'s data starts in the input's VM addresses. */
export const dataAddress = (input: SerializedInput, i: number): number => MM_INPUT_START + dataOffset(input, i);

/**
 * Makes instruction account `i`'s data what the program holds (`length` bytes at host offset
 * `dataAt` of `memory`), as Agave's deserialization and CPI do: it is set where it may change, and
 * must be unchanged where not. When those bytes are where the input holds the account
 * (`inInput`), only the bytes the program may have stored to since the input last matched the
 * account are looked at (the rest still match), and the input is recorded to match it again.
 */
export function syncAccountData(
  ctx: TransactionContext,
  input: SerializedInput,
  memory: MemoryMap,
  i: number,
  dataAt: number,
  length: number,
  inInput: boolean,
): void {
  const txIndex = ctx.current().accounts[i].txIndex;
  const acc = ctx.accounts[txIndex];
  const matched = inInput && input.versions[i] === ctx.dataVersion(txIndex) && length === acc.data.length;
  // The first marked page over the data, found once: the spans below are looked for from there.
  let storedPage = -1;
  if (matched) {
    const at = dataOffset(input, i);
    storedPage = memory.firstStoredPage(at, at + length);
    // Not stored to since the input matched the account: the bytes are the account's (most accounts, most runs).
    if (storedPage < 0) return;
  }
  const data = length === 0 ? NO_BYTES : memory.bytes.subarray(dataAt, dataAt + length);
  const err = ctx.canDataBeResized(i, length);
  if (matched && length >= SPARSE_SYNC_FROM) {
    const spans = storedSpans(input, memory, i, length, storedPage);
    if (!err) ctx.patchData(i, data, spans);
    else {
      for (let k = 0; k < spans.length; k += 2) if (!sameBytes(acc.data.subarray(spans[k], spans[k + 1]), data.subarray(spans[k], spans[k + 1]))) fail(err);
    }
  } else if (!err) ctx.setData(i, data);
  else if (!sameBytes(acc.data, data)) fail(err);
  if (inInput) inputHoldsAccount(ctx, input, memory, i, length);
}

/**
 * Where the program may have stored to instruction account `i`'s `length` bytes of data in the
 * input since the runtime last wrote them there: `[start, end)` pairs of offsets into the data.
 * `firstPage`: the first marked page, when the caller has found it ({@link MemoryMap.firstStoredPage}).
 */
export function storedSpans(input: SerializedInput, memory: MemoryMap, i: number, length: number, firstPage?: number): number[] {
  const at = dataOffset(input, i);
  const spans = memory.writtenSpans(at, at + length, firstPage);
  for (let k = 0; k < spans.length; k++) spans[k] -= at;
  return spans;
}

/** Records that the input holds instruction account `i`'s data (`length` bytes) as the account has it now. */
export function inputHoldsAccount(ctx: TransactionContext, input: SerializedInput, memory: MemoryMap, i: number, length: number): void {
  const at = dataOffset(input, i);
  input.versions[i] = ctx.dataVersion(ctx.current().accounts[i].txIndex);
  memory.clearMarks(at, at + length);
}

/**
 * The lamports at host offset `at` of `view`, when they differ from `lamports` (undefined when
 * equal): compared as numbers first, so an unchanged balance costs no BigInt.
 */
function changedLamports(view: DataView, at: number, lamports: bigint): bigint | undefined {
  const asNumber = u64AsNumber(view, at);
  if (asNumber <= Number.MAX_SAFE_INTEGER && asNumber === Number(lamports)) return undefined; // a balance past 2^53 is never equal
  const value = view.getBigUint64(at, true);
  return value === lamports ? undefined : value;
}

/** Applies a successful run's edits in `memory`'s input region (laid out as `input`) to the accounts. */
export function deserializeInput(ctx: TransactionContext, input: SerializedInput, memory: MemoryMap): void {
  const { abiV0, originalLengths } = input;
  const start = memory.hostStart[INPUT_SLOT];
  const length = memory.hostLength[INPUT_SLOT];
  const bytes = memory.bytes;
  const view = memory.view;
  const f = ctx.current();
  // Offsets into the input; `start + at` in `bytes`.
  let at = U64_BYTES;
  for (let i = 0; i < f.accounts.length; i++) {
    if (f.firstOccurrence[i] !== i) {
      at += abiV0 ? DUPLICATE_V0.fixedSize : DUPLICATE_V1.fixedSize;
      continue;
    }
    const acc = ctx.account(i);
    const preLen = originalLengths[i];
    const record = at;
    if (abiV0) {
      if (record + V0.lamports + U64_BYTES > length) fail('InvalidArgument');
      const lamports = changedLamports(view, start + record + V0.lamports, acc.lamports);
      if (lamports !== undefined) ctx.setLamports(i, lamports);
      at = record + ACCOUNT_V0.fixedSize;
      if (at + preLen > length) fail('InvalidArgument');
      syncAccountData(ctx, input, memory, i, start + at, preLen, true);
      at += preLen + ACCOUNT_V0_AFTER_DATA.fixedSize;
      continue;
    }
    if (record + ACCOUNT_V1.fixedSize > length) fail('InvalidArgument');
    const lamports = changedLamports(view, start + record + V1.lamports, acc.lamports);
    if (lamports !== undefined) ctx.setLamports(i, lamports);
    // A number is exact below 2^53, and any length beyond that is refused either way.
    const postLen = u64AsNumber(view, start + record + V1.dataLen);
    at = record + ACCOUNT_V1.fixedSize;
    if (postLen > preLen + MAX_PERMITTED_DATA_INCREASE || postLen > MAX_PERMITTED_DATA_LENGTH) fail('InvalidRealloc');
    if (at + postLen > length) fail('InvalidArgument');
    syncAccountData(ctx, input, memory, i, start + at, postLen, true);
    at += preLen + MAX_PERMITTED_DATA_INCREASE + pad8(preLen) + RENT_EPOCH;
    // Compared in place: the owner's text only when it changed.
    const owner = start + record + V1.owner;
    if (!sameBytesAt(bytes, owner, decodeAddress(acc.owner))) ctx.setOwner(i, encodeAddressAt(bytes, owner));
  }
}
