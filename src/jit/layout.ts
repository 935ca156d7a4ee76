/**
 * The shared state block at the start of a JIT run's linear memory. The compiled code and the JS
 * side (syscalls, faults, hand-over to the interpreter) meet here; program regions follow it.
 * Both sides take every offset from the declarations below.
 */
import { assertInternal } from '../errors.js';
import { FIRST_SCRATCH_REG, FRAME_PTR_REG, MAX_CALL_DEPTH, SCRATCH_REGS } from '../isa/constants.js';
import { bytes, layout, padding, u32, u64 } from '../runtime/codec.js';
import { INLINE_MEM_OPS } from '../syscalls/memory.js';

/** Bytes of a register's value (a u64). */
export const REG_BYTES = 8;

/**
 * An address-space slot's entry of the region table: where its host bytes start; how many of
 * them a load and a store may reach, in a flat region and in a gapped one (the V0 stack; the
 * limits of the other kind are 0, as is a store's in a read-only region); the range of host
 * bytes the compiled code stored to this run (the lowest start and the highest end); and the
 * store limit of compiled loops, which translate a store as into a flat region inline: the store
 * limit, but 0 in the input, whose stores take another way that marks their page (see
 * `HEADER.inputMarks`).
 */
export const REGION_ENTRY = layout({
  start: u32,
  loadLimit: u32,
  storeLimit: u32,
  gappedLoadLimit: u32,
  gappedStoreLimit: u32,
  writtenLow: u32,
  writtenHigh: u32,
  loopStoreLimit: u32,
});
/** The access that failed: its address, size, whether a store (0 or 1), and the pc. */
export const ACCESS = layout({ address: u64, size: u32, store: u32, pc: u32 });
/** A call frame: the caller's r6..r9 and r10 (a u64 each, in register order) and the pc to return to. */
export const FRAME = layout({ registers: bytes(REG_BYTES * (SCRATCH_REGS + 1)), returnPc: u32, padding: padding(4) });

/** Where a frame keeps its caller's register `r` (r6..r10). */
export const frameRegister = (r: number): number => FRAME.offsets.registers + REG_BYTES * (r - FIRST_SCRATCH_REG);

/** Byte offsets in the header. */
export const HEADER = {
  /** Per address-space slot, a {@link REGION_ENTRY}. */
  regionTable: 0,
  regionSlots: 8,
  /** Call depth (u32) and the pc to continue at after a hand-over (u32). */
  depth: 256,
  pc: 260,
  /** The {@link ACCESS} that failed. */
  access: 264,
  /** r0..r10 (u64 each); r1..r5 also carry a compiled function's changed argument registers back to its caller. */
  regs: 288,
  /** Where the input's store marks are (u32; `MemoryMap.marksAt`: a store sets the byte of the page its first byte is in). */
  inputMarks: 376,
  /**
   * The meter across a syscall (i64 each): the instructions due before it, which the JS side
   * charges, and the units left after it, which the wasm code continues from. Through memory, not
   * the `due` and `prev` globals: JS reads and writes an i64 global as a BigInt, and those three
   * accesses took a syscall from ~50 ns to ~150 ns (a loop of 200 000 empty syscalls); Light's
   * mint_to makes ~170 a transaction.
   */
  syscallDue: 384,
  syscallUnits: 392,
  /**
   * Per memory syscall that compiled code runs inline in its plain case (`INLINE_MEM_OPS`, in
   * that order), this run's {@link MEM_OP_PRICES}.
   */
  memOps: 400,
  /**
   * {@link MAX_CALL_DEPTH} {@link FRAME}s. The frame's worth of bytes before the first holds the
   * initial r6..r9, which the entry function reads as any callee reads its caller's.
   */
  frames: 512,
  frameSize: FRAME.fixedSize,
  /** Regions start here. */
  size: 4096,
} as const;

/**
 * The prices of an inline memory syscall (i64 each): `memOpBaseCost` and `cpiBytesPerUnit`, the
 * latter 0 when the registered syscall is not the built-in one (or its price is not a division),
 * so every call goes through the JS syscall.
 */
export const MEM_OP_PRICES = layout({ base: u64, perUnit: u64 });
/** Where the header keeps price `field` of memory syscall `op` (its index in `INLINE_MEM_OPS`). */
export const memOpPrice = (op: number, field: keyof typeof MEM_OP_PRICES.offsets): number =>
  HEADER.memOps + MEM_OP_PRICES.fixedSize * op + MEM_OP_PRICES.offsets[field];
/** Where the header keeps register `r`. */
export const headerRegister = (r: number): number => HEADER.regs + REG_BYTES * r;
/** Where slot `slot`'s region entry is. */
export const regionEntry = (slot: number): number => HEADER.regionTable + REGION_ENTRY.fixedSize * slot;
/** Where call frame `f` (0 the first call's) is. */
export const frameAt = (f: number): number => HEADER.frames + FRAME.fixedSize * f;

// Each block ends before the next begins.
assertInternal(
  HEADER.regionTable + REGION_ENTRY.fixedSize * HEADER.regionSlots <= HEADER.depth &&
    HEADER.pc + 4 <= HEADER.access &&
    HEADER.access + ACCESS.fixedSize <= HEADER.regs &&
    headerRegister(FRAME_PTR_REG + 1) <= HEADER.inputMarks &&
    HEADER.inputMarks + 4 <= HEADER.syscallDue &&
    HEADER.syscallUnits + 8 <= HEADER.memOps &&
    HEADER.memOps + MEM_OP_PRICES.fixedSize * INLINE_MEM_OPS.length <= HEADER.frames - FRAME.fixedSize &&
    HEADER.frames + FRAME.fixedSize * MAX_CALL_DEPTH <= HEADER.size,
  'the JIT header blocks overlap',
);
// The compiled code finds a slot's entry by a shift.
assertInternal(Number.isInteger(Math.log2(REGION_ENTRY.fixedSize)), 'a region entry spans a power of two bytes');

/** The program exited at depth 0; the registers are in the header. */
export const STATUS_EXIT = 1;
/** The interpreter continues from the header state (see the compiler for when). */
export const STATUS_HAND_OVER = 2;

/** Fault codes passed to the `fault` import. */
export const FAULTS = [
  'DivideByZero',
  'DivideOverflow',
  'UnsupportedInstruction',
  'CallDepthExceeded',
  'CallOutsideTextSegment',
  'ExecutionOverrun',
  'InvalidInstruction',
] as const;
export type FaultKind = (typeof FAULTS)[number];
export const faultCode = (k: FaultKind): number => FAULTS.indexOf(k);
