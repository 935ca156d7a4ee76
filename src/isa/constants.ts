/** Machine-wide constants of the sBPF VM (solana-sbpf `ebpf.rs`, `vm.rs` `Config::default`). */
import { INSN_SLOT } from './slot.js';

/** Bytes per instruction slot. */
export const INSN_SIZE = INSN_SLOT.fixedSize;
/** The frame-pointer register. */
export const FRAME_PTR_REG = 10;
/** First callee-saved register (r6..r9 are saved by the VM on calls). */
export const FIRST_SCRATCH_REG = 6;
/** Number of callee-saved registers. */
export const SCRATCH_REGS = 4;

/** Each memory region occupies a 4 GiB slot of the VM address space (the high half of an address names the slot). */
export const MM_REGION_SIZE = 0x1_0000_0000;
/** Read-only data in V3+ (the null page before that). */
export const MM_RODATA_START = 0;
/** Program image (V0–V2) or bytecode (V3+): 0x1_0000_0000. */
export const MM_BYTECODE_START = MM_REGION_SIZE;
/** Stack region: 0x2_0000_0000. */
export const MM_STACK_START = MM_REGION_SIZE * 2;
/** Heap region: 0x3_0000_0000. */
export const MM_HEAP_START = MM_REGION_SIZE * 3;
/** Input (serialized parameters) region: 0x4_0000_0000. */
export const MM_INPUT_START = MM_REGION_SIZE * 4;

/** Size of one guest stack frame. */
export const STACK_FRAME_SIZE = 4096;
/** Maximum sBPF call depth (frames). */
export const MAX_CALL_DEPTH = 64;
/** Total host stack: one frame per call depth level. */
export const STACK_SIZE = STACK_FRAME_SIZE * MAX_CALL_DEPTH;
/** Default heap size (bytes), and the smallest heap frame a transaction can request. */
export const DEFAULT_HEAP_SIZE = 32 * 1024;
/** Largest heap a transaction can request (bytes). */
export const MAX_HEAP_SIZE = 256 * 1024;
/** A heap frame request is a multiple of this (bytes). */
export const HEAP_FRAME_GRANULARITY = 1024;
/** Most instructions a program may contain, as the reference verifier counts them. */
export const PROG_MAX_INSNS = 65_536;
