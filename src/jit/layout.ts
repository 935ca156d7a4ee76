/**
 * The shared state block at the start of a JIT run's linear memory. The compiled code and the JS
 * side (syscalls, faults, hand-over to the interpreter) meet here; program regions follow it.
 * Both sides take every offset from the declarations below.
 */
import { assertInternal } from '../errors.js';
import { FIRST_SCRATCH_REG, FRAME_PTR_REG, MAX_CALL_DEPTH, SCRATCH_REGS } from '../isa/constants.js';
import { bytes, layout, padding, u32, u64 } from '../runtime/codec.js';

/** Bytes of a register's value (a u64). */
export const REG_BYTES = 8;

/** An address-space slot's entry of the region table: where its host bytes start, how many, and whether it is writable and gapped (0 or 1). */
export const REGION_ENTRY = layout({ start: u32, length: u32, writable: u32, gapped: u32 });
/** An address-space slot's range of host bytes the compiled code stored to this run: the lowest start and the highest end. */
export const DIRTY_ENTRY = layout({ low: u32, high: u32 });
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
  depth: 144,
  pc: 148,
  /** The {@link ACCESS} that failed. */
  access: 160,
  /** Per address-space slot, a {@link DIRTY_ENTRY}. */
  dirty: 192,
  /** r0..r10 (u64 each); r1..r5 also carry a compiled function's changed argument registers back to its caller. */
  regs: 256,
  /**
   * {@link MAX_CALL_DEPTH} {@link FRAME}s. The frame's worth of bytes before the first holds the
   * initial r6..r9, which the entry function reads as any callee reads its caller's.
   */
  frames: 512,
  frameSize: FRAME.fixedSize,
  /** Regions start here. */
  size: 4096,
} as const;

/** Where the header keeps register `r`. */
export const headerRegister = (r: number): number => HEADER.regs + REG_BYTES * r;
/** Where slot `slot`'s region entry and dirty range are. */
export const regionEntry = (slot: number): number => HEADER.regionTable + REGION_ENTRY.fixedSize * slot;
export const dirtyEntry = (slot: number): number => HEADER.dirty + DIRTY_ENTRY.fixedSize * slot;
/** Where call frame `f` (0 the first call's) is. */
export const frameAt = (f: number): number => HEADER.frames + FRAME.fixedSize * f;

// Each block ends before the next begins.
assertInternal(
  HEADER.regionTable + REGION_ENTRY.fixedSize * HEADER.regionSlots <= HEADER.depth &&
    HEADER.access + ACCESS.fixedSize <= HEADER.dirty &&
    HEADER.dirty + DIRTY_ENTRY.fixedSize * HEADER.regionSlots <= HEADER.regs &&
    headerRegister(FRAME_PTR_REG + 1) <= HEADER.frames - FRAME.fixedSize &&
    HEADER.frames + FRAME.fixedSize * MAX_CALL_DEPTH <= HEADER.size,
  'the JIT header blocks overlap',
);

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
