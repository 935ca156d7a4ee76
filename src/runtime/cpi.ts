/**
 * Cross-program invocation: `sol_invoke_signed_rust` and `sol_invoke_signed_c` (agave
 * `program-runtime/src/cpi.rs`, `invoke_context.rs` `prepare_next_instruction`; SBPF_SEMANTICS §13),
 * with mainnet's feature set: SIMD-0339 charges, no direct mapping.
 *
 * The VM meters the caller while it runs, so the syscall first hands the VM's remaining units to
 * the invoke context, charges and runs the callee there, and gives the difference back.
 */
import { decodeAddress, encodeAddressAt } from './accounts.js';
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
  serializedAddresses,
  SPARSE_SYNC_FROM,
  storedSpans,
  syncAccountData,
  type SerializedAccountAddresses,
} from './serialization.js';
import { MM_INPUT_START } from '../isa/constants.js';
import { unionOfSpans, type InstructionAccount, type InstructionFrame } from './transaction-context.js';
import { createProgramAddress, MAX_SEED_LEN, MAX_SEEDS } from '../syscalls/pda.js';
import { bytesCost } from '../syscalls/costs.js';
import { SyscallError } from '../syscalls/errors.js';
import type { MemoryMap } from '../vm/memory.js';
import type { SyscallContext, SyscallRegistry } from '../vm/syscalls.js';
import { sameBytesAt, NO_BYTES, setU64FromNumber, u64AsNumber } from './bytes.js';

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

/** An account meta of a CPI's instruction, its key found among the transaction's accounts. */
interface CalleeMeta {
  /** Index into the transaction's accounts; -1 when the transaction has no such key. */
  txIndex: number;
  isSigner: boolean;
  isWritable: boolean;
  /** The key's text, kept for the error message when it is not in the transaction. */
  unknownKey?: string;
}

/** A CPI's instruction as the runtime goes on with it: the metas' keys looked up. */
interface TranslatedInstruction {
  programId: string;
  metas: CalleeMeta[];
  data: Uint8Array;
}

/**
 * A VM address or length read from guest memory: a number below 2^52 (every mapped address and
 * every length a region holds), else the exact bigint, which only an error ever reports. Reading
 * them as numbers spares a CPI a BigInt per pointer it follows.
 */
type Word = number | bigint;

/** Below this high 32-bit half a word is a number, exact with room for the small offsets added to it. */
const NUMBER_HIGH_LIMIT = 0x10_0000;

/** Words below this are numbers. */
const MAX_NUMBER_WORD = BigInt(NUMBER_HIGH_LIMIT) << 32n;

/** The little-endian u64 at host offset `at` as a {@link Word}. */
function wordAt(v: DataView, at: number): Word {
  return v.getUint32(at + 4, true) < NUMBER_HIGH_LIMIT ? u64AsNumber(v, at) : v.getBigUint64(at, true);
}

/** `addr + offset`, exact either way (no wrap, as the bigint sum was). */
const plus = (addr: Word, offset: number): Word => (typeof addr === 'number' ? addr + offset : addr + BigInt(offset));

/** A caller's AccountInfo of an account the callee sees: where it keeps the fields (VM addresses), and what the sync needs. */
interface Translated {
  indexInCaller: number;
  lamportsAddr: Word;
  ownerAddr: Word;
  dataAddr: Word;
  /** Length the AccountInfo declares (and where that length lives). */
  dataLen: number;
  lenAddr: Word;
  /** Whether the callee may write the account (its results are then written back into the caller). */
  updateCaller: boolean;
  /** The caller's AccountInfo points at the data where the input holds it. */
  inInput: boolean;
  /** The version of the account's data once the caller's edits were applied (see `TransactionContext.dataVersion`). */
  version: number;
}

/** The per-ABI parts: struct layouts of instructions and account infos. */
interface Abi {
  instruction(m: MemoryMap, addr: bigint, aligned: boolean, ic: InvokeContext): TranslatedInstruction;
  infoSize: number;
  /** Where an account info holds the address of its key. */
  keyAddrAt: number;
  /**
   * The info at host offset `info` in the translated array of infos (read in place, as Agave reads
   * the translated slice), at VM address `infoAddr`, for the caller's instruction account
   * `indexInCaller`. `expected`: where the fields must point under SIMD-0459 (undefined when the
   * gate is off).
   */
  callerAccount(
    m: MemoryMap,
    info: number,
    infoAddr: Word,
    aligned: boolean,
    ic: InvokeContext,
    expected: SerializedAccountAddresses | undefined,
    indexInCaller: number,
    updateCaller: boolean,
  ): Translated;
}

/** `check_account_info_pointer`: under SIMD-0459 an AccountInfo field must point at the serialized field. */
function checkPointer(ic: InvokeContext, actual: Word, expected: number, field: string): void {
  if (actual === expected) return;
  ic.log(`Invalid account info pointer \`${field}': 0x${actual.toString(16)} != 0x${expected.toString(16)}`);
  throw new SyscallError('InvalidPointer');
}

/** Under SIMD-0459 a pointer the callee could reach through the input region is refused. */
function refuseInInput(addr: Word): void {
  if (addr >= MM_INPUT_START) throw new SyscallError('InvalidPointer');
}

/** `translate_type`: the host offset (in `m.bytes` and `m.view`) of `size` > 0 bytes at `addr`, alignment-checked. */
function typedAt(m: MemoryMap, addr: Word, size: number, align: number, aligned: boolean, store = false): number {
  const at = m.translate(addr, size, store, false);
  if (aligned && (typeof addr === 'number' ? addr % align !== 0 : addr % BigInt(align) !== 0n)) throw new SyscallError('UnalignedPointer');
  return at;
}
/** `translate_slice`: the host offset of `len` elements of `size` bytes, -1 when there are none. */
function sliceAt(m: MemoryMap, addr: Word, len: Word, size: number, align: number, aligned: boolean): number {
  if (len === 0 || len === 0n) return -1;
  if (typeof len === 'number') return typedAt(m, addr, len * size, align, aligned);
  const total = len * BigInt(size);
  if (total > 0x7fff_ffff_ffff_ffffn) throw new SyscallError('InvalidLength');
  return typedAt(m, addr, Number(total), align, aligned);
}
/** {@link sliceAt} as a view of the bytes. */
function slice(m: MemoryMap, addr: Word, len: Word, size: number, align: number, aligned: boolean): Uint8Array {
  const at = sliceAt(m, addr, len, size, align, aligned);
  return at < 0 ? NO_BYTES : m.bytes.subarray(at, at + Number(len) * size);
}
/** The callee's own copy of instruction data (an empty one needs none). */
const copy = (b: Uint8Array) => (b.length === 0 ? NO_BYTES : b.slice());

function checkInstructionSize(accounts: Word, dataLen: number): void {
  if (accounts > MAX_ACCOUNTS_PER_INSTRUCTION) {
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
const SLICE = VM_SLICE.offsets;
/** Where an `Rc<RefCell<T>>`'s `T` starts in its allocation. */
const RC_VALUE = RC_REFCELL.fixedSize;

/** An account meta's flag: 0 or 1, anything else fails the CPI with InvalidArgument. */
function flag(byte: number): boolean {
  if (byte > 1) fail('InvalidArgument');
  return byte === 1;
}

/** The meta of the key at host offset `key`: its transaction account found by its bytes (no base58 text but for a key the transaction lacks). */
function calleeMeta(ic: InvokeContext, bytes: Uint8Array, key: number, isSigner: boolean, isWritable: boolean): CalleeMeta {
  const keys = ic.tx.keyBytes;
  for (let txIndex = 0; txIndex < keys.length; txIndex++) if (sameBytesAt(bytes, key, keys[txIndex])) return { txIndex, isSigner, isWritable };
  return { txIndex: -1, isSigner, isWritable, unknownKey: encodeAddressAt(bytes, key) };
}

/** Rust: `StableInstruction` (80 B), `AccountMeta` (34 B), `AccountInfo` (48 B) with Rc<RefCell<…>> fields. */
const RUST: Abi = {
  instruction(m, addr, aligned, ic) {
    // One translation of the whole struct (its end may run past a stack frame into the next).
    const ix = typedAt(m, addr, RUST_INSTRUCTION.fixedSize, 8, aligned);
    const v = m.view;
    const metasLen = wordAt(v, ix + RI.metasLen);
    const metasAt = sliceAt(m, wordAt(v, ix + RI.metasAddr), metasLen, RUST_ACCOUNT_META.fixedSize, 1, aligned);
    const data = copy(slice(m, wordAt(v, ix + RI.dataAddr), wordAt(v, ix + RI.dataLen), 1, 1, aligned));
    checkInstructionSize(metasLen, data.length);
    const count = Number(metasLen);
    chargeInstruction(ic, count, data.length);
    const metas: CalleeMeta[] = [];
    const bytes = m.bytes;
    for (let i = 0; i < count; i++) {
      const at = metasAt + i * RUST_ACCOUNT_META.fixedSize;
      const isSigner = flag(bytes[at + RM.isSigner]);
      const isWritable = flag(bytes[at + RM.isWritable]);
      metas.push(calleeMeta(ic, bytes, at + RM.key, isSigner, isWritable));
    }
    return { programId: encodeAddressAt(bytes, ix + RI.programId), metas, data };
  },
  infoSize: RUST_ACCOUNT_INFO.fixedSize,
  keyAddrAt: RA.keyAddr,
  callerAccount(m, info, _infoAddr, aligned, ic, expected, indexInCaller, updateCaller) {
    const v = m.view;
    const ownerAddr = wordAt(v, info + RA.ownerAddr);
    if (expected) {
      checkPointer(ic, wordAt(v, info + RA.keyAddr), expected.key, 'key');
      checkPointer(ic, ownerAddr, expected.owner, 'owner');
    }
    // The lamports are a `&mut u64` inside an Rc<RefCell<…>>.
    const lamportsCell = plus(wordAt(v, info + RA.lamportsRcAddr), RC_VALUE);
    const lamportsAddr = wordAt(v, typedAt(m, lamportsCell, 8, 8, aligned));
    if (expected) {
      refuseInInput(lamportsCell);
      checkPointer(ic, lamportsAddr, expected.lamports, 'lamports');
    }
    typedAt(m, lamportsAddr, 8, 8, aligned, true);
    typedAt(m, ownerAddr, 32, 1, aligned, true);
    // The data is a `&mut [u8]` (a VM slice) inside an Rc<RefCell<…>>.
    const dataCell = plus(wordAt(v, info + RA.dataRcAddr), RC_VALUE);
    if (expected) refuseInInput(dataCell);
    const fat = typedAt(m, dataCell, VM_SLICE_BYTES, 8, aligned);
    const dataAddr = wordAt(v, fat + SLICE.addr);
    const dataLen = Number(wordAt(v, fat + SLICE.len));
    if (expected) checkPointer(ic, dataAddr, expected.data, 'data');
    ic.consumeChecked(bytesCost(ic.env.costs, dataLen));
    const lenAddr = plus(dataCell, SLICE.len);
    if (expected) refuseInInput(lenAddr);
    // Both must be writable (translated as stores); no view of them is needed yet.
    if (dataLen > 0) m.translate(dataAddr, dataLen, true, false);
    m.translate(lenAddr, 8, true, false);
    return { indexInCaller, lamportsAddr, ownerAddr, dataAddr, dataLen, lenAddr, updateCaller, inInput: false, version: 0 };
  },
};

/** C: `SolInstruction` (40 B), `SolAccountMeta` (16 B), `SolAccountInfo` (56 B). */
const C: Abi = {
  instruction(m, addr, aligned, ic) {
    const v = m.view;
    const ix = typedAt(m, addr, C_INSTRUCTION.fixedSize, 8, aligned);
    const programId = encodeAddressAt(m.bytes, typedAt(m, wordAt(v, ix + CI.programIdAddr), 32, 1, aligned));
    const metasLen = wordAt(v, ix + CI.metasLen);
    const metasAt = sliceAt(m, wordAt(v, ix + CI.metasAddr), metasLen, C_ACCOUNT_META.fixedSize, 8, aligned);
    const data = copy(slice(m, wordAt(v, ix + CI.dataAddr), wordAt(v, ix + CI.dataLen), 1, 1, aligned));
    checkInstructionSize(metasLen, data.length);
    const count = Number(metasLen);
    chargeInstruction(ic, count, data.length);
    // Each meta's flags are checked before its key is translated.
    const metas: CalleeMeta[] = [];
    for (let i = 0; i < count; i++) {
      const at = metasAt + i * C_ACCOUNT_META.fixedSize;
      const isWritable = flag(m.bytes[at + CM.isWritable]);
      const isSigner = flag(m.bytes[at + CM.isSigner]);
      metas.push(calleeMeta(ic, m.bytes, typedAt(m, wordAt(v, at + CM.keyAddr), 32, 1, aligned), isSigner, isWritable));
    }
    return { programId, metas, data };
  },
  infoSize: C_ACCOUNT_INFO.fixedSize,
  keyAddrAt: CA.keyAddr,
  callerAccount(m, info, infoAddr, aligned, ic, expected, indexInCaller, updateCaller) {
    const v = m.view;
    const lamportsAddr = wordAt(v, info + CA.lamportsAddr);
    const dataAddr = wordAt(v, info + CA.dataAddr);
    const ownerAddr = wordAt(v, info + CA.ownerAddr);
    const dataLen = Number(wordAt(v, info + CA.dataLen));
    if (expected) {
      checkPointer(ic, wordAt(v, info + CA.keyAddr), expected.key, 'key');
      checkPointer(ic, ownerAddr, expected.owner, 'owner');
      checkPointer(ic, lamportsAddr, expected.lamports, 'lamports');
      checkPointer(ic, dataAddr, expected.data, 'data');
    }
    typedAt(m, lamportsAddr, 8, 8, aligned, true);
    typedAt(m, ownerAddr, 32, 1, aligned, true);
    ic.consumeChecked(bytesCost(ic.env.costs, dataLen));
    if (dataLen > 0) m.translate(dataAddr, dataLen, true, false);
    const lenAddr = plus(infoAddr, CA.dataLen);
    m.translate(lenAddr, 8, true, false);
    return { indexInCaller, lamportsAddr, ownerAddr, dataAddr, dataLen, lenAddr, updateCaller, inInput: false, version: 0 };
  },
};

const NO_SIGNERS: readonly Uint8Array[] = [];

/** PDAs the caller signs for; both ABIs pass `&[&[&[u8]]]`-shaped (addr, len) pairs. */
function translateSigners(m: MemoryMap, addr: bigint, len: bigint, aligned: boolean, callerProgram: Uint8Array): readonly Uint8Array[] {
  if (len === 0n) return NO_SIGNERS;
  const v = m.view;
  const table = sliceAt(m, addr, len, VM_SLICE_BYTES, 8, aligned);
  if (len > BigInt(MAX_SIGNERS)) throw new SyscallError('TooManySigners');
  const signers: Uint8Array[] = [];
  for (let s = 0; s < Number(len); s++) {
    const seedsLen = wordAt(v, table + s * VM_SLICE_BYTES + SLICE.len);
    const seeds = sliceAt(m, wordAt(v, table + s * VM_SLICE_BYTES + SLICE.addr), seedsLen, VM_SLICE_BYTES, 8, aligned);
    if (seedsLen > MAX_SEEDS) fail('MaxSeedLengthExceeded');
    const parts: Uint8Array[] = [];
    let tooLong = false;
    for (let i = 0; i < Number(seedsLen); i++) {
      const at = seeds + i * VM_SLICE_BYTES;
      const part = slice(m, wordAt(v, at + SLICE.addr), wordAt(v, at + SLICE.len), 1, 1, aligned);
      if (part.length > MAX_SEED_LEN) tooLong = true;
      parts.push(part);
    }
    if (tooLong)
      throw new SyscallError('BadSeeds', 'Could not create program address with signer seeds: Length of the seed is too long for address generation');
    const address = createProgramAddress(parts, callerProgram);
    if (!address) throw new SyscallError('BadSeeds', 'Could not create program address with signer seeds: Provided seeds do not result in a valid address');
    signers.push(address);
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

/** Index of the caller's instruction account for transaction account `txIndex`, -1 when it has none. */
function indexInCaller(caller: InstructionAccount[], txIndex: number): number {
  for (let i = 0; i < caller.length; i++) if (caller[i].txIndex === txIndex) return i;
  return -1;
}

/** Whether `key` is one of `signers`. */
function signedFor(signers: readonly Uint8Array[], key: Uint8Array): boolean {
  for (let i = 0; i < signers.length; i++) if (sameBytesAt(signers[i], 0, key)) return true;
  return false;
}

/** `prepare_next_instruction`: callee accounts with merged duplicate flags, privilege checks, program lookup. */
function prepareNextInstruction(ic: InvokeContext, ix: TranslatedInstruction, signers: readonly Uint8Array[]): InstructionFrame {
  const tx = ic.tx;
  const caller = tx.current();
  // The metas become the callee's accounts. The frame finds their first occurrences up front
  // (unknown ones, all at txIndex −1, fail below before theirs is used).
  const accounts: InstructionAccount[] = ix.metas;
  const frame = tx.frame(-1, accounts, ix.data, tx.stack.length + 1);
  const { firstOccurrence } = frame;
  for (let i = 0; i < accounts.length; i++) {
    const meta = ix.metas[i];
    if (meta.txIndex < 0) {
      ic.log(`Instruction references an unknown account ${meta.unknownKey}`);
      fail('MissingAccount');
    }
    const first = firstOccurrence[i];
    if (first !== i) {
      // Duplicates: every occurrence ends up with the flags of all of them.
      const a = accounts[first];
      a.isSigner ||= meta.isSigner;
      a.isWritable ||= meta.isWritable;
    }
  }
  for (let i = 0; i < accounts.length; i++) {
    const a = accounts[i];
    const first = firstOccurrence[i];
    if (first !== i) {
      a.isSigner = accounts[first].isSigner;
      a.isWritable = accounts[first].isWritable;
      continue;
    }
    const at = indexInCaller(caller.accounts, a.txIndex);
    if (at < 0) fail('MissingAccount');
    const inCaller = caller.accounts[at];
    if (a.isWritable && !inCaller.isWritable) {
      ic.log(`${tx.keys[a.txIndex]}'s writable privilege escalated`);
      fail('PrivilegeEscalation');
    }
    if (a.isSigner && !(inCaller.isSigner || signedFor(signers, tx.keyBytes[a.txIndex]))) {
      ic.log(`${tx.keys[a.txIndex]}'s signer privilege escalated`);
      fail('PrivilegeEscalation');
    }
  }
  const programTxIndex = tx.keys.indexOf(ix.programId);
  if (programTxIndex < 0 || indexInCaller(caller.accounts, programTxIndex) < 0) {
    ic.log(`Unknown program ${ix.programId}`);
    fail('MissingAccount');
  }
  frame.programTxIndex = programTxIndex;
  return frame;
}

/** Where the account info being translated must point under SIMD-0459 (filled per account). */
const expectedScratch: SerializedAccountAddresses = { key: 0, owner: 0, lamports: 0, data: 0 };

/** The caller's account infos of the callee's accounts (`frame`'s), but for executables, which are only charged for. */
function translateAccounts(
  ic: InvokeContext,
  m: MemoryMap,
  abi: Abi,
  infosAddr: bigint,
  infosLen: bigint,
  aligned: boolean,
  frame: InstructionFrame,
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
  const infoCount = Number(infosLen);
  if (simd) ic.consumeChecked(bytesCost(ic.env.costs, infoCount * ACCOUNT_INFO_BYTES));
  // Keys are matched as bytes (host offsets of them): no base58 text for infos the callee does not use.
  const infoKeys: number[] = [];
  for (let i = 0; i < infoCount; i++) infoKeys.push(typedAt(m, wordAt(m.view, infos + i * abi.infoSize + abi.keyAddrAt), 32, 1, aligned));
  const tx = ic.tx;
  const caller = tx.current();
  const input = ic.input();
  const out: Translated[] = [];
  const infosWord = infosAddr < MAX_NUMBER_WORD ? Number(infosAddr) : infosAddr;
  const callee = frame.accounts;
  for (let k = 0; k < callee.length; k++) {
    if (frame.firstOccurrence[k] !== k) continue;
    const a = callee[k];
    const at = indexInCaller(caller.accounts, a.txIndex);
    const account = tx.accounts[a.txIndex];
    if (account.executable) {
      ic.consumeChecked(bytesCost(ic.env.costs, account.data.length));
      continue;
    }
    const keyBytes = tx.keyBytes[a.txIndex];
    let infoIndex = 0;
    while (infoIndex < infoCount && !sameBytesAt(m.bytes, infoKeys[infoIndex], keyBytes)) infoIndex++;
    if (infoIndex === infoCount) {
      ic.log(`Instruction references an unknown account ${tx.keys[a.txIndex]}`);
      fail('MissingAccount');
    }
    const expected = restricted ? serializedAddresses(input, at, expectedScratch) : undefined;
    const infoOffset = infoIndex * abi.infoSize;
    const t = abi.callerAccount(m, infos + infoOffset, plus(infosWord, infoOffset), aligned, ic, expected, at, a.isWritable);
    t.inInput = t.dataAddr === dataAddress(input, at);
    out.push(t);
  }
  return out;
}

/** `update_callee_account`: the caller's edits become visible to the callee. */
function updateCallee(ic: InvokeContext, m: MemoryMap, t: Translated): void {
  const tx = ic.tx;
  const i = t.indexInCaller;
  const lamports = m.view.getBigUint64(m.translate(t.lamportsAddr, 8, false, true), true);
  if (tx.account(i).lamports !== lamports) tx.setLamports(i, lamports);
  const dataAt = t.dataLen === 0 ? -1 : m.translate(t.dataAddr, t.dataLen, false, true);
  syncAccountData(tx, ic.input(), m, i, dataAt, t.dataLen, t.inInput);
  t.version = tx.dataVersion(tx.current().accounts[i].txIndex);
  const ownerAt = m.translate(t.ownerAddr, 32, false, false);
  if (!sameBytesAt(m.bytes, ownerAt, decodeAddress(tx.account(i).owner))) tx.setOwner(i, encodeAddressAt(m.bytes, ownerAt));
}

/**
 * `update_caller_account`: the callee's results are written into the caller's memory. Lamports and
 * owner are stored only where they differ: an equal store changes nothing, and its store mark
 * would make the caller's next sync look at the account's data again.
 */
function updateCaller(ic: InvokeContext, m: MemoryMap, t: Translated, aligned: boolean): void {
  const account = ic.tx.account(t.indexInCaller);
  const v = m.view;
  const lamportsAt = m.translate(t.lamportsAddr, 8, false, false);
  if (v.getBigUint64(lamportsAt, true) !== account.lamports) v.setBigUint64(m.translate(t.lamportsAddr, 8, true, true), account.lamports, true);
  const owner = decodeAddress(account.owner);
  if (!sameBytesAt(m.bytes, m.translate(t.ownerAddr, 32, false, false), owner)) m.bytes.set(owner, m.translate(t.ownerAddr, 32, true, true));
  const prevLen = u64AsNumber(v, m.translate(t.lenAddr, 8, false, true));
  const postLen = account.data.length;
  const original = ic.originalDataLength(t.indexInCaller);
  if (postLen > original + MAX_PERMITTED_DATA_INCREASE && prevLen !== postLen) {
    ic.log(`Account data size realloc limited to ${MAX_PERMITTED_DATA_INCREASE} in inner instructions`);
    fail('InvalidRealloc');
  }
  // Into the input where it holds the account, the runtime's own copy (see `syncAccountData`).
  const mark = !t.inInput;
  let targetAt = t.dataLen === 0 ? -1 : m.translate(t.dataAddr, t.dataLen, true, mark);
  let targetLen = t.dataLen;
  if (prevLen !== postLen) {
    if (postLen < prevLen) {
      if (postLen > targetLen) fail('AccountDataTooSmall');
      m.bytes.fill(0, targetAt + postLen, targetAt + targetLen);
    }
    targetAt = postLen === 0 ? -1 : m.translate(t.dataAddr, postLen, true, mark);
    targetLen = postLen;
    setU64FromNumber(v, m.translate(t.lenAddr, 8, true, true), postLen);
    const serializedLen = plus(t.dataAddr, -8);
    typedAt(m, serializedLen, 8, 8, aligned, true);
    setU64FromNumber(v, m.translate(serializedLen, 8, true, true), postLen);
  }
  if (targetLen !== postLen) fail('AccountDataTooSmall');
  if (postLen === 0) {
    if (t.inInput) inputHoldsAccount(ic.tx, ic.input(), m, t.indexInCaller, 0);
    return;
  }
  if (!t.inInput) {
    m.bytes.set(account.data, targetAt);
    return;
  }
  // The input matched the account when the callee started: only what has changed since, and
  // what was stored there since (through another account's pointers), needs copying.
  const input = ic.input();
  const i = t.indexInCaller;
  const changed = prevLen === postLen && postLen >= SPARSE_SYNC_FROM ? ic.tx.changedSince(ic.tx.current().accounts[i].txIndex, t.version) : undefined;
  if (changed === undefined) m.bytes.set(account.data, targetAt);
  else {
    const spans = unionOfSpans(changed, storedSpans(input, m, i, postLen));
    for (let k = 0; k < spans.length; k += 2) m.bytes.set(account.data.subarray(spans[k], spans[k + 1]), targetAt + spans[k]);
  }
  inputHoldsAccount(ic.tx, input, m, i, postLen);
}

function invokeSigned(
  ic: InvokeContext,
  abi: Abi,
  ctx: SyscallContext,
  ixAddr: bigint,
  infosAddr: bigint,
  infosLen: bigint,
  seedsAddr: bigint,
  seedsLen: bigint,
): bigint {
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
  const frame = prepareNextInstruction(ic, ix, signers);
  const accounts = translateAccounts(ic, m, abi, infosAddr, infosLen, aligned, frame);
  for (let k = 0; k < accounts.length; k++) updateCallee(ic, m, accounts[k]);
  ic.processInstruction(frame);
  for (let k = 0; k < accounts.length; k++) if (accounts[k].updateCaller) updateCaller(ic, m, accounts[k], aligned);
  return 0n;
}

/** Registers both CPI syscalls; `current()` is the invoke context of the running program. */
export function registerCpiSyscalls(registry: SyscallRegistry, current: () => InvokeContext): SyscallRegistry {
  const syscall = (abi: Abi) => (ctx: SyscallContext, a: bigint, b: bigint, c: bigint, d: bigint, e: bigint) => {
    const ic = current();
    const start = Number(ctx.remaining());
    ic.remaining = start;
    try {
      return invokeSigned(ic, abi, ctx, a, b, c, d, e);
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
  const signers: Uint8Array[] = [];
  for (const seeds of signerSeeds) {
    const address = createProgramAddress(seeds, caller);
    if (!address) fail('InvalidSeeds');
    signers.push(address);
  }
  const metas = ix.accounts.map((a): CalleeMeta => ({ txIndex: tx.keys.indexOf(a.key), isSigner: a.isSigner, isWritable: a.isWritable, unknownKey: a.key }));
  ic.processInstruction(prepareNextInstruction(ic, { programId: ix.programId, metas, data: ix.data }, signers));
}
