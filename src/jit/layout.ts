/**
 * The shared state block at the start of a JIT run's linear memory. The compiled code and the JS
 * side (syscalls, faults, hand-over to the interpreter) meet here; program regions follow it.
 */

/** Byte offsets in the header. */
export const HEADER = {
  /** Per address-space slot (16 bytes each): host start, length, writable, gapped (u32). */
  regionTable: 0,
  regionSlots: 8,
  /** Call depth (u32) and the pc to continue at after a hand-over (u32). */
  depth: 144,
  pc: 148,
  /** The access that failed: address (u64), size (u32), store (u32), pc (u32). */
  access: 160,
  /** Per address-space slot (8 bytes each): the lowest start and highest end (u32 each) of the host bytes the compiled code stored to this run. */
  dirty: 192,
  /** r0..r10 (u64 each); r1..r5 also carry a compiled function's changed argument registers back to its caller. */
  regs: 256,
  /**
   * 64 frames of 48 bytes: r6..r9 and r10 (u64), return pc (u32). The 48 bytes before the first
   * hold the initial r6..r9, which the entry function reads as any callee reads its caller's.
   */
  frames: 512,
  frameSize: 48,
  /** Regions start here. */
  size: 4096,
} as const;

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
