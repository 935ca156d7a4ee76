/**
 * sBPF versions and the feature predicates that depend on them — the single place where
 * "which version does what" is decided (solana-sbpf 0.23 `SBPFVersion`, where every version is its
 * own feature set rather than a superset of the previous one).
 */

/** An sBPF version as carried in the ELF `e_flags` field. */
export enum SBPFVersion {
  /** Legacy format, what nearly every deployed program uses. */
  V0 = 0,
  /** SIMD-0166: dynamic stack frames. */
  V1 = 1,
  /** SIMD-0173 + SIMD-0174: new encodings and arithmetic. */
  V2 = 2,
  /** SIMD-0178 + SIMD-0189 + SIMD-0377: static syscalls, strict ELF, JMP32. */
  V3 = 3,
  /** SIMD-0177: always aligned memory mapping. */
  V4 = 4,
  /** Any other `e_flags` value. */
  Reserved = 5,
}

/** Versions a caller may name as a number. */
export type SBPFVersionNumber = 0 | 1 | 2 | 3 | 4;

/** Maps ELF `e_flags` to a version. */
export function versionFromElfFlags(flags: number): SBPFVersion {
  return flags >= 0 && flags <= 4 ? (flags as SBPFVersion) : SBPFVersion.Reserved;
}

/** `add64 r10, imm` is allowed and the VM does not bump r10 on calls (SIMD-0166). */
export const manualStackFrameBump = (v: SBPFVersion): boolean => v === SBPFVersion.V1 || v === SBPFVersion.V2;
/** Guest stack frames are separated by unmapped 4 KiB gaps. */
export const stackFrameGaps = (v: SBPFVersion): boolean => v === SBPFVersion.V0;
/** The PQR instruction class (class 6) exists. */
export const enablePqr = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** add32/sub32/mul32 zero-extend instead of sign-extending; mov32 reg sign-extends. */
export const explicitSignExtensionOfResults = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** `sub dst, imm` computes `imm - dst`. */
export const swapSubRegImmOperands = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** `neg32`/`neg64` do not exist. */
export const disableNeg = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** `callx` takes its target from the src register. */
export const callxUsesSrcReg = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** `lddw` does not exist (replaced by `mov32` + `hor64`). */
export const disableLddw = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** `le` does not exist. */
export const disableLe = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** Loads and stores live in classes 4 and 7 instead of 1, 2 and 3. */
export const moveMemoryInstructionClasses = (v: SBPFVersion): boolean => v === SBPFVersion.V2;
/** `call` uses src 0 = syscall by hash, src 1 = pc-relative internal call (SIMD-0178). */
export const staticSyscalls = (v: SBPFVersion): boolean => v >= SBPFVersion.V3 && v !== SBPFVersion.Reserved;
/** The strict ELF parser is used (SIMD-0189). */
export const enableStricterElfHeaders = (v: SBPFVersion): boolean => v >= SBPFVersion.V3 && v !== SBPFVersion.Reserved;
/** Read-only data lives at vaddr 0 and bytecode at 0x1_0000_0000 (SIMD-0189). */
export const enableLowerRodataVaddr = (v: SBPFVersion): boolean => v >= SBPFVersion.V3 && v !== SBPFVersion.Reserved;
/** The JMP32 class (class 6) exists (SIMD-0377). */
export const enableJmp32 = (v: SBPFVersion): boolean => v >= SBPFVersion.V3 && v !== SBPFVersion.Reserved;
/** `callx` takes its target from the dst register (SIMD-0377). */
export const callxUsesDstReg = (v: SBPFVersion): boolean => v >= SBPFVersion.V3 && v !== SBPFVersion.Reserved;
/** Memory is always mapped with the aligned (index by `addr >> 32`) strategy (SIMD-0177). */
export const alwaysAlignedMemoryMapping = (v: SBPFVersion): boolean => v === SBPFVersion.V4;

/** Register holding the `callx` target for this version. */
export function callxTargetRegister(v: SBPFVersion, insn: { dst: number; src: number; imm: number }): number {
  if (callxUsesSrcReg(v)) return insn.src;
  if (callxUsesDstReg(v)) return insn.dst;
  return insn.imm;
}

/**
 * Function-registry key of a `call imm` for this version: with static syscalls the key is the
 * absolute target pc `pc + imm + 1` truncated to u32 (as the reference's `as u32` cast does),
 * otherwise the immediate itself read as u32.
 */
export function callImmTargetKey(v: SBPFVersion, pc: number, imm: number): number {
  return staticSyscalls(v) ? (pc + imm + 1) >>> 0 : imm >>> 0;
}
