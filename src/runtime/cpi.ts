/**
 * Cross-program invocation: `sol_invoke_signed_rust` and `sol_invoke_signed_c` (agave
 * `program-runtime/src/cpi.rs`, `invoke_context.rs` `prepare_next_instruction`; SBPF_SEMANTICS §13),
 * with mainnet's feature set: SIMD-0339 charges, no direct mapping.
 *
 * The VM meters the caller while it runs, so the syscall first hands the VM's remaining units to
 * the invoke context, charges and runs the callee there, and gives the difference back.
 */
import { decodeAddress, encodeAddress, encodeAddressAt } from './accounts.js';
import {
  C_ACCOUNT_INFO,
  C_ACCOUNT_META,
  C_INSTRUCTION,
  RC_REFCELL,
  RUST_ACCOUNT_INFO,
  RUST_ACCOUNT_META,
  RUST_INSTRUCTION,
  VM_SLICE,
  VM_SLICE_BYTES,
  VmSlices,
} from './abi-layouts.js';
import { fail } from './errors.js';
import { LOADER_INSTRUCTION } from './loader-state.js';
import { BPF_LOADER, BPF_LOADER_DEPRECATED, BPF_LOADER_UPGRADEABLE, ED25519_PROGRAM, NATIVE_LOADER, SECP256K1_PROGRAM, SECP256R1_PROGRAM } from './ids.js';
import type { InvokeContext } from './invoke-context.js';
import { FEATURES } from './features.js';
import {
  dataAddress,
  inputHoldsAccount,
  MAX_ACCOUNTS_PER_INSTRUCTION,
  MAX_PERMITTED_DATA_INCREASE,
  SPARSE_SYNC_FROM,
  storedSpans,
  syncAccountData,
  type SerializedAccountAddresses,
} from './serialization.js';
import { MM_INPUT_START } from '../isa/constants.js';
import { unionOfSpans, type InstructionAccount } from './transaction-context.js';
import { createProgramAddress, MAX_SEED_LEN, MAX_SEEDS } from '../syscalls/pda.js';
import { bytesCost } from '../syscalls/costs.js';
import { SyscallError } from '../syscalls/errors.js';
import type { MemoryMap } from '../vm/memory.js';
import type { SyscallContext, SyscallRegistry } from '../vm/syscalls.js';
import { keyAt, NO_BYTES } from './bytes.js';

const MAX_SIGNERS = 16;
const MAX_INSTRUCTION_DATA_LEN = 10 * 1024;
/** Account infos a CPI may pass: 64, or 255 under SIMD-0339 (`increase_cpi_account_info_limit`). */
const MAX_CPI_ACCOUNT_INFOS = 64;
const MAX_CPI_ACCOUNT_INFOS_SIMD_0339 = 255;
/** SIMD-0339's charge per account meta: a Rust `AccountMeta`, whatever the ABI. */
const ACCOUNT_META_BYTES = RUST_ACCOUNT_META.fixedSize;
/** SIMD-0339's fixed charge per account info, whatever the ABI. */
const ACCOUNT_INFO_BYTES = 80;

/** A CPI's instruction as the caller wrote it. */
export interface CpiInstruction {
  programId: string;
  accounts: { key: string; isSigner: boolean; isWritable: boolean }[];
  data: Uint8Array;
}

/** Where a caller's AccountInfo keeps an account's fields, in VM addresses. */
interface CallerAccount {
  lamportsAddr: bigint;
  ownerAddr: bigint;
  dataAddr: bigint;
  /** Length the AccountInfo declares (and where that length lives). */
  dataLen: number;
  lenAddr: bigint;
}

/** The per-ABI parts: struct layouts of instructions and account infos. */
interface Abi {
  instruction(m: MemoryMap, addr: bigint, aligned: boolean, ic: InvokeContext): CpiInstruction;
  infoSize: number;
  /** Where an account info holds the address of its key. */
  keyAddrAt: number;
  /**
   * The info at host offset `info` in the translated array of infos (read in place, as Agave reads
   * the translated slice), at VM address `infoAddr`. `expected`: where the fields must point under
   * SIMD-0459 (undefined when the gate is off).
   */
  callerAccount(
    m: MemoryMap,
    info: number,
    infoAddr: bigint,
    aligned: boolean,
    ic: InvokeContext,
    expected: SerializedAccountAddresses | undefined,
  ): CallerAccount;
}

/** `check_account_info_pointer`: under SIMD-0459 an AccountInfo field must point at the serialized field. */
function checkPointer(ic: InvokeContext, actual: bigint, expected: bigint, field: string): void {
  if (actual === expected) return;
  ic.log(`Invalid account info pointer \`${field}': 0x${actual.toString(16)} != 0x${expected.toString(16)}`);
  throw new SyscallError('InvalidPointer');
}

const MM_INPUT_START_BIG = BigInt(MM_INPUT_START);

/** Under SIMD-0459 a pointer the callee could reach through the input region is refused. */
function refuseInInput(addr: bigint): void {
  if (addr >= MM_INPUT_START_BIG) throw new SyscallError('InvalidPointer');
}

/** Whether `addr` is a multiple of `align` (exact in Numbers below 2^53, where every mapped address lies). */
function isAligned(addr: bigint, align: number): boolean {
  const n = Number(addr);
  return n <= Number.MAX_SAFE_INTEGER ? n % align === 0 : addr % BigInt(align) === 0n;
}
/** `translate_type`: the host offset (in `m.bytes` and `m.view`) of `size` > 0 bytes at `addr`, alignment-checked. */
function typedAt(m: MemoryMap, addr: bigint, size: number, align: number, aligned: boolean, store = false): number {
  const at = m.translate(addr, size, store, false);
  if (aligned && !isAligned(addr, align)) throw new SyscallError('UnalignedPointer');
  return at;
}
/** `translate_slice`: the host offset of `len` elements of `size` bytes, -1 when there are none. */
function sliceAt(m: MemoryMap, addr: bigint, len: bigint, size: number, align: number, aligned: boolean): number {
  if (len === 0n) return -1;
  const total = len * BigInt(size);
  if (total > 0x7fff_ffff_ffff_ffffn) throw new SyscallError('InvalidLength');
  return typedAt(m, addr, Number(total), align, aligned);
}
/** {@link sliceAt} as a view of the bytes. */
function slice(m: MemoryMap, addr: bigint, len: bigint, size: number, align: number, aligned: boolean): Uint8Array {
  const at = sliceAt(m, addr, len, size, align, aligned);
  return at < 0 ? NO_BYTES : m.bytes.subarray(at, at + Number(len) * size);
}
/** The callee's own copy of instruction data (an empty one needs none). */
const copy = (b: Uint8Array) => (b.length === 0 ? NO_BYTES : b.slice());

function checkInstructionSize(accounts: bigint, dataLen: number): void {
  if (accounts > BigInt(MAX_ACCOUNTS_PER_INSTRUCTION)) {
    throw new SyscallError('MaxInstructionAccountsExceeded', `Invoked an instruction with too many accounts (${accounts} > ${MAX_ACCOUNTS_PER_INSTRUCTION})`);
  }
  if (dataLen > MAX_INSTRUCTION_DATA_LEN) {
    throw new SyscallError('MaxInstructionDataLenExceeded', `Invoked an instruction with data that is too large (${dataLen} > ${MAX_INSTRUCTION_DATA_LEN})`);
  }
}

const simd0339 = (ic: InvokeContext) => ic.env.features.isActive(FEATURES.increaseCpiAccountInfoLimit);

function chargeInstruction(ic: InvokeContext, metas: number, dataLen: number): void {
  if (simd0339(ic)) ic.consumeChecked(bytesCost(ic.env.costs, metas * ACCOUNT_META_BYTES));
  ic.consumeChecked(bytesCost(ic.env.costs, dataLen));
}

// The fields the CPI reads, at their offsets in the ABIs' structs (src/runtime/abi-layouts.ts).
const RI = RUST_INSTRUCTION.offsets;
const RM = RUST_ACCOUNT_META.offsets;
const RA = RUST_ACCOUNT_INFO.offsets;
const CI = C_INSTRUCTION.offsets;
const CM = C_ACCOUNT_META.offsets;
const CA = C_ACCOUNT_INFO.offsets;
/** Where a `SolAccountInfo`'s data length lies in it (the caller's copy is updated there). */
const C_INFO_DATA_LEN = BigInt(CA.dataLen);
/** Where a VM slice keeps its length. */
const SLICE_LEN = BigInt(VM_SLICE.offsets.len);
/** Where an `Rc<RefCell<T>>`'s `T` starts in its allocation. */
const RC_VALUE = BigInt(RC_REFCELL.fixedSize);

/** An account meta's flag: 0 or 1, anything else fails the CPI with InvalidArgument. */
function flag(byte: number): boolean {
  if (byte > 1) fail('InvalidArgument');
  return byte === 1;
}

/** Rust: `StableInstruction` (80 B), `AccountMeta` (34 B), `AccountInfo` (48 B) with Rc<RefCell<…>> fields. */
const RUST: Abi = {
  instruction(m, addr, aligned, ic) {
    // One translation of the whole struct (its end may run past a stack frame into the next).
    const ix = typedAt(m, addr, RUST_INSTRUCTION.fixedSize, 8, aligned);
    const v = m.view;
    const metasLen = v.getBigUint64(ix + RI.metasLen, true);
    const metas = sliceAt(m, v.getBigUint64(ix + RI.metasAddr, true), metasLen, RUST_ACCOUNT_META.fixedSize, 1, aligned);
    const data = copy(slice(m, v.getBigUint64(ix + RI.dataAddr, true), v.getBigUint64(ix + RI.dataLen, true), 1, 1, aligned));
    checkInstructionSize(metasLen, data.length);
    chargeInstruction(ic, Number(metasLen), data.length);
    const accounts: CpiInstruction['accounts'] = [];
    const bytes = m.bytes;
    for (let i = 0; i < Number(metasLen); i++) {
      const at = metas + i * RUST_ACCOUNT_META.fixedSize;
      const isSigner = flag(bytes[at + RM.isSigner]);
      const isWritable = flag(bytes[at + RM.isWritable]);
      accounts.push({ key: encodeAddressAt(bytes, at + RM.key), isSigner, isWritable });
    }
    return { programId: encodeAddressAt(bytes, ix + RI.programId), accounts, data };
  },
  infoSize: RUST_ACCOUNT_INFO.fixedSize,
  keyAddrAt: RA.keyAddr,
  callerAccount(m, info, _infoAddr, aligned, ic, expected) {
    const v = m.view;
    const ownerAddr = v.getBigUint64(info + RA.ownerAddr, true);
    if (expected) {
      checkPointer(ic, v.getBigUint64(info + RA.keyAddr, true), expected.key, 'key');
      checkPointer(ic, ownerAddr, expected.owner, 'owner');
    }
    // The lamports are a `&mut u64` inside an Rc<RefCell<…>>.
    const lamportsCell = v.getBigUint64(info + RA.lamportsRcAddr, true) + RC_VALUE;
    const lamportsAddr = v.getBigUint64(typedAt(m, lamportsCell, 8, 8, aligned), true);
    if (expected) {
      refuseInInput(lamportsCell);
      checkPointer(ic, lamportsAddr, expected.lamports, 'lamports');
    }
    typedAt(m, lamportsAddr, 8, 8, aligned, true);
    typedAt(m, ownerAddr, 32, 1, aligned, true);
    // The data is a `&mut [u8]` (a VM slice) inside an Rc<RefCell<…>>.
    const dataCell = v.getBigUint64(info + RA.dataRcAddr, true) + RC_VALUE;
    if (expected) refuseInInput(dataCell);
    const fat = new VmSlices(v, typedAt(m, dataCell, VM_SLICE_BYTES, 8, aligned));
    const dataAddr = fat.addr(0);
    const dataLen = Number(fat.len(0));
    if (expected) checkPointer(ic, dataAddr, expected.data, 'data');
    ic.consumeChecked(bytesCost(ic.env.costs, dataLen));
    const lenAddr = dataCell + SLICE_LEN;
    if (expected) refuseInInput(lenAddr);
    // Both must be writable (translated as stores); no view of them is needed yet.
    m.sliceAt(dataAddr, dataLen, true, false);
    m.sliceAt(lenAddr, 8, true, false);
    return { lamportsAddr, ownerAddr, dataAddr, dataLen, lenAddr };
  },
};

/** C: `SolInstruction` (40 B), `SolAccountMeta` (16 B), `SolAccountInfo` (56 B). */
const C: Abi = {
  instruction(m, addr, aligned, ic) {
    const v = m.view;
    const ix = typedAt(m, addr, C_INSTRUCTION.fixedSize, 8, aligned);
    const programId = encodeAddressAt(m.bytes, typedAt(m, v.getBigUint64(ix + CI.programIdAddr, true), 32, 1, aligned));
    const metasLen = v.getBigUint64(ix + CI.metasLen, true);
    const metas = sliceAt(m, v.getBigUint64(ix + CI.metasAddr, true), metasLen, C_ACCOUNT_META.fixedSize, 8, aligned);
    const data = copy(slice(m, v.getBigUint64(ix + CI.dataAddr, true), v.getBigUint64(ix + CI.dataLen, true), 1, 1, aligned));
    checkInstructionSize(metasLen, data.length);
    chargeInstruction(ic, Number(metasLen), data.length);
    // Each meta's flags are checked before its key is translated.
    const accounts: CpiInstruction['accounts'] = [];
    for (let i = 0; i < Number(metasLen); i++) {
      const at = metas + i * C_ACCOUNT_META.fixedSize;
      const isWritable = flag(v.getUint8(at + CM.isWritable));
      const isSigner = flag(v.getUint8(at + CM.isSigner));
      accounts.push({ key: encodeAddressAt(m.bytes, typedAt(m, v.getBigUint64(at + CM.keyAddr, true), 32, 1, aligned)), isSigner, isWritable });
    }
    return { programId, accounts, data };
  },
  infoSize: C_ACCOUNT_INFO.fixedSize,
  keyAddrAt: CA.keyAddr,
  callerAccount(m, info, infoAddr, aligned, ic, expected) {
    const v = m.view;
    const lamportsAddr = v.getBigUint64(info + CA.lamportsAddr, true);
    const dataAddr = v.getBigUint64(info + CA.dataAddr, true);
    const ownerAddr = v.getBigUint64(info + CA.ownerAddr, true);
    const dataLen = Number(v.getBigUint64(info + CA.dataLen, true));
    if (expected) {
      checkPointer(ic, v.getBigUint64(info + CA.keyAddr, true), expected.key, 'key');
      checkPointer(ic, ownerAddr, expected.owner, 'owner');
      checkPointer(ic, lamportsAddr, expected.lamports, 'lamports');
      checkPointer(ic, dataAddr, expected.data, 'data');
    }
    typedAt(m, lamportsAddr, 8, 8, aligned, true);
    typedAt(m, ownerAddr, 32, 1, aligned, true);
    ic.consumeChecked(bytesCost(ic.env.costs, dataLen));
    m.sliceAt(dataAddr, dataLen, true, false);
    const lenAddr = infoAddr + C_INFO_DATA_LEN;
    m.sliceAt(lenAddr, 8, true, false);
    return { lamportsAddr, ownerAddr, dataAddr, dataLen, lenAddr };
  },
};

/** PDAs the caller signs for; both ABIs pass `&[&[&[u8]]]`-shaped (addr, len) pairs. */
function translateSigners(m: MemoryMap, addr: bigint, len: bigint, aligned: boolean, callerProgram: Uint8Array): Set<string> {
  const signers = new Set<string>();
  if (len === 0n) return signers;
  const table = new VmSlices(m.view, sliceAt(m, addr, len, VM_SLICE_BYTES, 8, aligned));
  if (len > BigInt(MAX_SIGNERS)) throw new SyscallError('TooManySigners');
  for (let s = 0; s < Number(len); s++) {
    const seedsLen = table.len(s);
    const seeds = new VmSlices(m.view, sliceAt(m, table.addr(s), seedsLen, VM_SLICE_BYTES, 8, aligned));
    if (seedsLen > BigInt(MAX_SEEDS)) fail('MaxSeedLengthExceeded');
    const parts: Uint8Array[] = [];
    for (let i = 0; i < Number(seedsLen); i++) parts.push(slice(m, seeds.addr(i), seeds.len(i), 1, 1, aligned));
    if (parts.some((p) => p.length > MAX_SEED_LEN))
      throw new SyscallError('BadSeeds', 'Could not create program address with signer seeds: Length of the seed is too long for address generation');
    const address = createProgramAddress(parts, callerProgram);
    if (!address) throw new SyscallError('BadSeeds', 'Could not create program address with signer seeds: Provided seeds do not result in a valid address');
    signers.add(encodeAddress(address));
  }
  return signers;
}

/** Loader-v3 instructions a program may invoke, by tag (Agave looks at the first byte only). */
const CPI_ALLOWED_UPGRADEABLE = new Set((['Upgrade', 'SetAuthority', 'Close', 'SetAuthorityChecked'] as const).map((kind) => LOADER_INSTRUCTION.tags[kind]));

function checkAuthorizedProgram(programId: string, data: Uint8Array): void {
  const forbidden =
    programId === NATIVE_LOADER ||
    programId === BPF_LOADER ||
    programId === BPF_LOADER_DEPRECATED ||
    (programId === BPF_LOADER_UPGRADEABLE && !(data.length > 0 && CPI_ALLOWED_UPGRADEABLE.has(data[0]))) ||
    programId === ED25519_PROGRAM ||
    programId === SECP256K1_PROGRAM ||
    programId === SECP256R1_PROGRAM;
  if (forbidden) throw new SyscallError('ProgramNotSupported', `Program ${programId} not supported by inner instructions`);
}

/** `prepare_next_instruction`: callee accounts with merged duplicate flags, privilege checks, program lookup. */
export function prepareNextInstruction(
  ic: InvokeContext,
  ix: CpiInstruction,
  signers: Set<string>,
): { programTxIndex: number; accounts: InstructionAccount[] } {
  const tx = ic.tx;
  const caller = tx.current();
  const accounts: InstructionAccount[] = [];
  const firstByTx = new Map<number, number>();
  for (const meta of ix.accounts) {
    const txIndex = tx.keys.indexOf(meta.key);
    if (txIndex < 0) {
      ic.log(`Instruction references an unknown account ${meta.key}`);
      fail('MissingAccount');
    }
    const first = firstByTx.get(txIndex);
    if (first !== undefined) {
      const a = accounts[first];
      a.isSigner ||= meta.isSigner;
      a.isWritable ||= meta.isWritable;
      accounts.push({ ...a });
    } else {
      firstByTx.set(txIndex, accounts.length);
      accounts.push({ txIndex, isSigner: meta.isSigner, isWritable: meta.isWritable });
    }
  }
  for (let i = 0; i < accounts.length; i++) {
    const a = accounts[i];
    const first = firstByTx.get(a.txIndex)!;
    if (first !== i) {
      a.isSigner ||= accounts[first].isSigner;
      a.isWritable ||= accounts[first].isWritable;
      continue;
    }
    const inCaller = caller.accounts.find((c) => c.txIndex === a.txIndex);
    if (!inCaller) fail('MissingAccount');
    if (a.isWritable && !inCaller.isWritable) {
      ic.log(`${ix.accounts[i].key}'s writable privilege escalated`);
      fail('PrivilegeEscalation');
    }
    if (a.isSigner && !(inCaller.isSigner || signers.has(ix.accounts[i].key))) {
      ic.log(`${ix.accounts[i].key}'s signer privilege escalated`);
      fail('PrivilegeEscalation');
    }
  }
  const programTxIndex = tx.keys.indexOf(ix.programId);
  if (programTxIndex < 0 || !caller.accounts.some((c) => c.txIndex === programTxIndex)) {
    ic.log(`Unknown program ${ix.programId}`);
    fail('MissingAccount');
  }
  return { programTxIndex, accounts };
}

/** An account the callee sees, with where the caller keeps it (absent for executables). */
interface Translated {
  indexInCaller: number;
  caller: CallerAccount;
  updateCaller: boolean;
  /** The caller's AccountInfo points at the data where the input holds it. */
  inInput: boolean;
  /** The version of the account's data once the caller's edits were applied (see `TransactionContext.dataVersion`). */
  version: number;
}

function translateAccounts(
  ic: InvokeContext,
  m: MemoryMap,
  abi: Abi,
  infosAddr: bigint,
  infosLen: bigint,
  aligned: boolean,
  callee: InstructionAccount[],
): Translated[] {
  const restricted = ic.env.features.isActive(FEATURES.syscallParameterAddressRestrictions);
  // SIMD-0459: account infos the callee could write through the input region are refused.
  if (restricted) refuseInInput(infosAddr + infosLen * BigInt(abi.infoSize));
  const infos = sliceAt(m, infosAddr, infosLen, abi.infoSize, 8, aligned);
  const simd = simd0339(ic);
  const maxInfos = simd ? MAX_CPI_ACCOUNT_INFOS_SIMD_0339 : MAX_CPI_ACCOUNT_INFOS;
  if (infosLen > BigInt(maxInfos)) {
    throw new SyscallError('MaxInstructionAccountInfosExceeded', `Invoked an instruction with too many account info's (${infosLen} > ${maxInfos})`);
  }
  if (simd) ic.consumeChecked(bytesCost(ic.env.costs, Number(infosLen) * ACCOUNT_INFO_BYTES));
  // Keys are matched as bytes (host offsets of them): no base58 text for infos the callee does not use.
  const infoKeys: number[] = [];
  for (let i = 0; i < Number(infosLen); i++) {
    infoKeys.push(typedAt(m, m.view.getBigUint64(infos + i * abi.infoSize + abi.keyAddrAt, true), 32, 1, aligned));
  }
  const tx = ic.tx;
  const caller = tx.current();
  const out: Translated[] = [];
  const seen = new Set<number>();
  for (const a of callee) {
    if (seen.has(a.txIndex)) continue;
    seen.add(a.txIndex);
    const indexInCaller = caller.accounts.findIndex((c) => c.txIndex === a.txIndex);
    const account = tx.accounts[a.txIndex];
    if (account.executable) {
      ic.consumeChecked(bytesCost(ic.env.costs, account.data.length));
      continue;
    }
    const keyBytes = tx.keyBytes[a.txIndex];
    const infoIndex = infoKeys.findIndex((k) => keyAt(m.bytes, k, keyBytes));
    if (infoIndex < 0) {
      ic.log(`Instruction references an unknown account ${tx.keys[a.txIndex]}`);
      fail('MissingAccount');
    }
    const expected = restricted ? ic.serializedAddresses(indexInCaller) : undefined;
    const infoOffset = infoIndex * abi.infoSize;
    const callerAccount = abi.callerAccount(m, infos + infoOffset, infosAddr + BigInt(infoOffset), aligned, ic, expected);
    const inInput = callerAccount.dataAddr === dataAddress(ic.input(), indexInCaller);
    out.push({ indexInCaller, caller: callerAccount, updateCaller: a.isWritable, inInput, version: 0 });
  }
  return out;
}

/** `update_callee_account`: the caller's edits become visible to the callee. */
function updateCallee(ic: InvokeContext, m: MemoryMap, t: Translated): void {
  const tx = ic.tx;
  const i = t.indexInCaller;
  const lamports = m.load(t.caller.lamportsAddr, 8);
  if (tx.account(i).lamports !== lamports) tx.setLamports(i, lamports);
  syncAccountData(tx, ic.input(), m, i, m.slice(t.caller.dataAddr, t.caller.dataLen, false), t.inInput);
  t.version = tx.dataVersion(tx.current().accounts[i].txIndex);
  const ownerAt = m.translate(t.caller.ownerAddr, 32, false);
  if (!keyAt(m.bytes, ownerAt, decodeAddress(tx.account(i).owner))) tx.setOwner(i, encodeAddressAt(m.bytes, ownerAt));
}

/** `update_caller_account`: the callee's results are written into the caller's memory. */
function updateCaller(ic: InvokeContext, m: MemoryMap, t: Translated, aligned: boolean): void {
  const account = ic.tx.account(t.indexInCaller);
  m.store(t.caller.lamportsAddr, 8, account.lamports);
  m.slice(t.caller.ownerAddr, 32, true).set(decodeAddress(account.owner));
  const prevLen = Number(m.load(t.caller.lenAddr, 8));
  const postLen = account.data.length;
  const original = ic.originalDataLength(t.indexInCaller);
  if (postLen > original + MAX_PERMITTED_DATA_INCREASE && prevLen !== postLen) {
    ic.log(`Account data size realloc limited to ${MAX_PERMITTED_DATA_INCREASE} in inner instructions`);
    fail('InvalidRealloc');
  }
  // Into the input where it holds the account, the runtime's own copy (see `syncAccountData`).
  const mark = !t.inInput;
  let target = m.slice(t.caller.dataAddr, t.caller.dataLen, true, mark);
  if (prevLen !== postLen) {
    if (postLen < prevLen) {
      if (postLen > target.length) fail('AccountDataTooSmall');
      target.fill(0, postLen);
    }
    target = m.slice(t.caller.dataAddr, postLen, true, mark);
    m.store(t.caller.lenAddr, 8, BigInt(postLen));
    const serializedLen = t.caller.dataAddr - 8n;
    typedAt(m, serializedLen, 8, 8, aligned, true);
    m.store(serializedLen, 8, BigInt(postLen));
  }
  if (target.length !== postLen) fail('AccountDataTooSmall');
  if (!t.inInput) {
    target.set(account.data);
    return;
  }
  // The input matched the account when the callee started: only what has changed since, and
  // what was stored there since (through another account's pointers), needs copying.
  const input = ic.input();
  const i = t.indexInCaller;
  const changed = prevLen === postLen && postLen >= SPARSE_SYNC_FROM ? ic.tx.changedSince(ic.tx.current().accounts[i].txIndex, t.version) : undefined;
  if (changed === undefined) target.set(account.data);
  else {
    const spans = unionOfSpans(changed, storedSpans(input, m, i, postLen));
    for (let k = 0; k < spans.length; k += 2) target.set(account.data.subarray(spans[k], spans[k + 1]), spans[k]);
  }
  inputHoldsAccount(ic.tx, input, m, i, postLen);
}

function invokeSigned(ic: InvokeContext, abi: Abi, ctx: SyscallContext, args: bigint[]): bigint {
  const [ixAddr, infosAddr, infosLen, seedsAddr, seedsLen] = args;
  const m = ctx.memory;
  const aligned = ic.checkAligned();
  // `invoke_units`: SIMD-0339 lowered it from 1000 to 946; Agave 4.2 (LiteSVM) fixes the compute
  // budget's value at 946 whatever the feature gate says, so the gate only moves the other charges.
  ic.consumeChecked(ic.env.costs.invokeUnits);
  const ix = abi.instruction(m, ixAddr, aligned, ic);
  const tx = ic.tx;
  const callerProgram = tx.keyBytes[tx.current().programTxIndex];
  const signers = translateSigners(m, seedsAddr, seedsLen, aligned, callerProgram);
  checkAuthorizedProgram(ix.programId, ix.data);
  const next = prepareNextInstruction(ic, ix, signers);
  const accounts = translateAccounts(ic, m, abi, infosAddr, infosLen, aligned, next.accounts);
  for (const t of accounts) updateCallee(ic, m, t);
  ic.processInstruction(tx.frame(next.programTxIndex, next.accounts, ix.data, tx.stack.length + 1));
  for (const t of accounts) if (t.updateCaller) updateCaller(ic, m, t, aligned);
  return 0n;
}

/** Registers both CPI syscalls; `current()` is the invoke context of the running program. */
export function registerCpiSyscalls(registry: SyscallRegistry, current: () => InvokeContext): SyscallRegistry {
  const syscall = (abi: Abi) => (ctx: SyscallContext, a: bigint, b: bigint, c: bigint, d: bigint, e: bigint) => {
    const ic = current();
    const start = Number(ctx.remaining());
    ic.remaining = start;
    try {
      return invokeSigned(ic, abi, ctx, [a, b, c, d, e]);
    } finally {
      ctx.consume(start - ic.remaining);
    }
  };
  return registry.register('sol_invoke_signed_rust', syscall(RUST)).register('sol_invoke_signed_c', syscall(C));
}

/**
 * `native_invoke_signed`: a builtin program invoking another instruction (the upgradeable loader
 * creating a programdata account through the System program), signed by PDAs of the caller.
 */
export function nativeInvokeSigned(ic: InvokeContext, ix: CpiInstruction, signerSeeds: Uint8Array[][]): void {
  const tx = ic.tx;
  const caller = tx.keyBytes[tx.current().programTxIndex];
  const signers = new Set<string>();
  for (const seeds of signerSeeds) {
    const address = createProgramAddress(seeds, caller);
    if (!address) fail('InvalidSeeds');
    signers.add(encodeAddress(address));
  }
  const next = prepareNextInstruction(ic, ix, signers);
  ic.processInstruction(tx.frame(next.programTxIndex, next.accounts, ix.data, tx.stack.length + 1));
}
