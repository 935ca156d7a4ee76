/**
 * The structs a program and the runtime exchange through VM memory, declared once: the byte
 * strings syscalls take, the CPI structs of the Rust and C ABIs, and what
 * `sol_get_processed_sibling_instruction` writes. Addresses in them are VM addresses. The hot
 * paths read fields in place at the offsets these declarations give.
 */
import { bool, layout, padding, pubkey, u64 } from './codec.js';

/**
 * A `&[u8]` (C `SolBytes`): the bytes' VM address, then their length. Syscalls that take several
 * byte strings (what to hash, log or derive an address from, a CPI's signer seeds) take an array
 * of these.
 */
export const VM_SLICE = layout({ addr: u64, len: u64 });
/** Bytes one {@link VM_SLICE} takes. */
export const VM_SLICE_BYTES = VM_SLICE.fixedSize;
const { addr: ADDR_AT, len: LEN_AT } = VM_SLICE.offsets;

/** An array of {@link VM_SLICE}s already translated from VM memory, read in place. */
export class VmSlices {
  /**
   * The array at byte `at` of `view`: for a syscall, the memory map's own view and the array's host
   * offset (nothing is copied or viewed anew; `at` may be -1 for an empty array, never read).
   */
  constructor(
    private readonly view: DataView,
    private readonly at: number,
  ) {}

  /** The array that the bytes `table` hold. */
  static of(table: Uint8Array): VmSlices {
    return new VmSlices(new DataView(table.buffer, table.byteOffset, table.byteLength), 0);
  }

  /** Element `i`'s VM address. */
  addr(i: number): bigint {
    return this.view.getBigUint64(this.at + i * VM_SLICE_BYTES + ADDR_AT, true);
  }

  /** Element `i`'s length in bytes. */
  len(i: number): bigint {
    return this.view.getBigUint64(this.at + i * VM_SLICE_BYTES + LEN_AT, true);
  }
}

/** Rust `AccountMeta` (34 B, unpadded): also how sibling instructions report their accounts. */
export const RUST_ACCOUNT_META = layout({ key: pubkey, isSigner: bool, isWritable: bool });

/** Rust `StableInstruction` (80 B): accounts and data as `StableVec`s (pointer, capacity, length), then the program id. */
export const RUST_INSTRUCTION = layout({
  metasAddr: u64,
  metasCapacity: u64,
  metasLen: u64,
  dataAddr: u64,
  dataCapacity: u64,
  dataLen: u64,
  programId: pubkey,
});

/**
 * Rust `AccountInfo` (48 B): the key and owner by pointer, lamports and data behind
 * `Rc<RefCell<…>>` pointers, then the rent epoch and the flags.
 */
export const RUST_ACCOUNT_INFO = layout({
  keyAddr: u64,
  lamportsRcAddr: u64,
  dataRcAddr: u64,
  ownerAddr: u64,
  rentEpoch: u64,
  isSigner: bool,
  isWritable: bool,
  executable: bool,
  padding: padding(5),
});

/** The head of an `Rc<RefCell<T>>`'s allocation: the counts and the borrow flag, then the `T`. */
export const RC_REFCELL = layout({ strong: u64, weak: u64, borrow: u64 });

/** C `SolInstruction` (40 B). */
export const C_INSTRUCTION = layout({ programIdAddr: u64, metasAddr: u64, metasLen: u64, dataAddr: u64, dataLen: u64 });

/** C `SolAccountMeta` (16 B, padded). */
export const C_ACCOUNT_META = layout({ keyAddr: u64, isWritable: bool, isSigner: bool, padding: padding(6) });

/** C `SolAccountInfo` (56 B). */
export const C_ACCOUNT_INFO = layout({
  keyAddr: u64,
  lamportsAddr: u64,
  dataLen: u64,
  dataAddr: u64,
  ownerAddr: u64,
  rentEpoch: u64,
  isSigner: bool,
  isWritable: bool,
  executable: bool,
  padding: padding(5),
});

/** `ProcessedSiblingInstruction`: the lengths `sol_get_processed_sibling_instruction` reads and writes back. */
export const PROCESSED_SIBLING_INSTRUCTION = layout({ dataLen: u64, accountsLen: u64 });
