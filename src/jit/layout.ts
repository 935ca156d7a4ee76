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
  /** r0..r10 (u64 each). */
  regs: 256,
  /** 64 frames of 48 bytes: r6..r9 and r10 (u64), return pc (u32), return block (u32). */
  frames: 512,
  frameSize: 48,
  /** Regions start here. */
  size: 4096,
} as const;

/** `run` returned because the program exited at depth 0; r0 is in the header. */
export const STATUS_EXIT = 0;
/** `run` returned to let the interpreter continue from the header state (see the compiler for when). */
export const STATUS_HAND_OVER = 1;

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
