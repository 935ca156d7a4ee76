/**
 * The program input: ABIv1 (aligned, loaders v2/v3/v4) and ABIv0 (unaligned, loader v1) layouts,
 * and the write-back of a successful run through the account rules (agave
 * `program-runtime/src/serialization.rs`, SBPF_SEMANTICS §11; no direct mapping, as on mainnet).
 */
import { MM_INPUT_START } from '../isa/constants.js';
import type { InputWriter } from '../vm/execute.js';
import { decodeAddress, encodeAddress } from './accounts.js';
import { fail } from './errors.js';
import { MAX_PERMITTED_DATA_LENGTH, type TransactionContext } from './transaction-context.js';
import { sameBytes } from './bytes.js';

const NON_DUP_MARKER = 0xff;
/** Room a program may grow an account's data into during one invocation. */
export const MAX_PERMITTED_DATA_INCREASE = 10_240;
const MAX_ACCOUNTS_PER_INSTRUCTION = 255;

/**
 * A program input ready to be written where the VM maps it (no intermediate copy), and what
 * write-back needs.
 */
export interface SerializedInput extends InputWriter {
  /** Data length of each instruction account at serialization. */
  originalLengths: number[];
  /** Where each instruction account's record starts in the input (a duplicate: its first occurrence's). */
  recordOffsets: number[];
  /** Whether the layout is ABIv0's. */
  abiV0: boolean;
  /** VM address of the instruction data (r2). */
  instructionDataAddress: bigint;
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** VM addresses of an account's key, owner, lamports and data in a serialized input. */
export interface SerializedAccountAddresses {
  key: bigint;
  owner: bigint;
  lamports: bigint;
  data: bigint;
}

/** Where instruction account `i`'s fields were serialized in `input` (what CPI checks account infos against). */
export function serializedAddresses(input: SerializedInput, i: number): SerializedAccountAddresses {
  const at = BigInt(MM_INPUT_START + input.recordOffsets[i]);
  return input.abiV0
    ? { key: at + 3n, lamports: at + 35n, data: at + 51n, owner: at + 51n + BigInt(input.originalLengths[i]) }
    : { key: at + 8n, owner: at + 40n, lamports: at + 72n, data: at + 88n };
}

/** Lays out the current instruction of `ctx` as an sBPF program's input; the bytes are written on demand. */
export function serializeInput(ctx: TransactionContext, abiV0: boolean): SerializedInput {
  const f = ctx.current();
  if (f.accounts.length > MAX_ACCOUNTS_PER_INSTRUCTION) fail('MaxAccountsExceeded');
  let size = 8;
  const originalLengths: number[] = [];
  const recordOffsets: number[] = [];
  for (let i = 0; i < f.accounts.length; i++) {
    const len = ctx.accounts[f.accounts[i].txIndex].data.length;
    originalLengths.push(len);
    if (f.firstOccurrence[i] !== i) {
      recordOffsets.push(recordOffsets[f.firstOccurrence[i]]);
      size += abiV0 ? 1 : 8;
      continue;
    }
    recordOffsets.push(size);
    size += abiV0 ? 1 + 1 + 1 + 32 + 8 + 8 + len + 32 + 1 + 8 : 88 + len + MAX_PERMITTED_DATA_INCREASE + pad8(len) + 8;
  }
  const instructionDataAt = size + 8;
  size += 8 + f.data.length + 32;
  return {
    length: size,
    write: (target) => writeInput(ctx, abiV0, target),
    originalLengths,
    recordOffsets,
    abiV0,
    instructionDataAddress: BigInt(MM_INPUT_START + instructionDataAt),
  };
}

/**
 * Writes the input into `bytes`, which may be a reused VM memory: every byte it does not write
 * (padding, the room to grow each account's data) is zeroed, and only those.
 */
function writeInput(ctx: TransactionContext, abiV0: boolean, bytes: Uint8Array): void {
  const f = ctx.current();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u64 = (v: bigint) => {
    view.setBigUint64(at, v, true);
    at += 8;
  };
  const put = (b: Uint8Array) => {
    bytes.set(b, at);
    at += b.length;
  };
  const zeros = (n: number) => {
    bytes.fill(0, at, at + n);
    at += n;
  };
  u64(BigInt(f.accounts.length));
  for (let i = 0; i < f.accounts.length; i++) {
    const ia = f.accounts[i];
    const acc = ctx.accounts[ia.txIndex];
    if (f.firstOccurrence[i] !== i) {
      bytes[at++] = f.firstOccurrence[i];
      if (!abiV0) zeros(7);
      continue;
    }
    const key = ctx.keyBytes[ia.txIndex];
    bytes[at++] = NON_DUP_MARKER;
    bytes[at++] = ia.isSigner ? 1 : 0;
    bytes[at++] = ia.isWritable ? 1 : 0;
    if (abiV0) {
      put(key);
      u64(acc.lamports);
      u64(BigInt(acc.data.length));
      put(acc.data);
      put(decodeAddress(acc.owner));
      bytes[at++] = acc.executable ? 1 : 0;
      u64(0xffff_ffff_ffff_ffffn);
    } else {
      bytes[at++] = acc.executable ? 1 : 0;
      zeros(4);
      put(key);
      put(decodeAddress(acc.owner));
      u64(acc.lamports);
      u64(BigInt(acc.data.length));
      put(acc.data);
      zeros(MAX_PERMITTED_DATA_INCREASE + pad8(acc.data.length));
      u64(0xffff_ffff_ffff_ffffn);
    }
  }
  u64(BigInt(f.data.length));
  put(f.data);
  put(ctx.keyBytes[f.programTxIndex]);
}

/** Applies a successful run's edits in `bytes` (the final input region) to the accounts. */
export function deserializeInput(ctx: TransactionContext, abiV0: boolean, bytes: Uint8Array, originalLengths: number[]): void {
  const f = ctx.current();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  const need = (n: number) => {
    if (at + n > bytes.length) fail('InvalidArgument');
  };
  for (let i = 0; i < f.accounts.length; i++) {
    if (f.firstOccurrence[i] !== i) {
      at += abiV0 ? 1 : 8;
      continue;
    }
    const acc = ctx.account(i);
    const preLen = originalLengths[i];
    if (abiV0) {
      at += 1 + 1 + 1 + 32;
      need(8);
      const lamports = view.getBigUint64(at, true);
      if (lamports !== acc.lamports) ctx.setLamports(i, lamports);
      at += 16;
      need(preLen);
      const data = bytes.subarray(at, at + preLen);
      const err = ctx.canDataBeResized(i, preLen);
      if (!err) ctx.setData(i, data);
      else if (!sameBytes(acc.data, data)) fail(err);
      at += preLen + 32 + 1 + 8;
      continue;
    }
    at += 1 + 1 + 1 + 1 + 4 + 32;
    need(32 + 16);
    const owner = bytes.subarray(at, at + 32);
    at += 32;
    const lamports = view.getBigUint64(at, true);
    if (lamports !== acc.lamports) ctx.setLamports(i, lamports);
    at += 8;
    const postLenBig = view.getBigUint64(at, true);
    at += 8;
    if (postLenBig > BigInt(preLen + MAX_PERMITTED_DATA_INCREASE) || postLenBig > BigInt(MAX_PERMITTED_DATA_LENGTH)) fail('InvalidRealloc');
    const postLen = Number(postLenBig);
    need(postLen);
    const data = bytes.subarray(at, at + postLen);
    const err = ctx.canDataBeResized(i, postLen);
    if (!err) ctx.setData(i, data);
    else if (!sameBytes(acc.data, data)) fail(err);
    at += preLen + MAX_PERMITTED_DATA_INCREASE + pad8(preLen) + 8;
    const ownerKey = encodeAddress(owner);
    if (ownerKey !== acc.owner) ctx.setOwner(i, ownerKey);
  }
}
