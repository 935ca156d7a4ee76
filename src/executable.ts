/**
 * The Executable: a loaded, relocated sBPF program ready for verification and execution.
 * Produced by `loadElf()` (src/elf/) and `assemble()` (src/asm/); consumed by the verifier, the
 * interpreter, the JIT and the disassembler. It is plain data so that every engine reads the
 * same thing and a compiled module can be cached by content.
 */
import { refused, toFields } from './arguments.js';
import type { SBPFVersion } from './isa/version.js';

/** A read-only memory region of the program image. */
export interface ProgramRegion {
  /** VM address of `bytes[0]`. */
  readonly vaddr: number;
  /** Contents; the region's length is `bytes.length`. */
  readonly bytes: Uint8Array;
}

/** An entry of the function registry: a key (as found in `call imm`) resolving to a text slot. */
export interface FunctionEntry {
  /** Slot index in `text` of the function's first instruction. */
  readonly pc: number;
  /** Symbol name where known (e.g. `entrypoint`, a C function name), else a generated label. */
  readonly name: string;
}

/**
 * Function registry: `call imm` key → target. In V0–V2 the key is murmur3 of the target pc (or
 * of a symbol name for the entrypoint); in V3+ it is the absolute target pc (see
 * `callImmTargetKey` in src/isa/version.ts).
 */
export type FunctionRegistry = ReadonlyMap<number, FunctionEntry>;

/** A loaded sBPF program. */
export interface Executable {
  /** sBPF version (from ELF `e_flags`, or chosen at assembly). */
  readonly sbpfVersion: SBPFVersion;
  /** Bytecode after relocation: `text.length / 8` instruction slots. */
  readonly text: Uint8Array;
  /** VM address of `text[0]` (the `callx` target base). */
  readonly textVaddr: number;
  /** Slot index of the entrypoint. */
  readonly entryPc: number;
  /**
   * Read-only regions mapped into the VM. V0–V2: one region at 0x1_0000_0000 holding the whole
   * read-only image (text, rodata, .data.rel.ro, .eh_frame at their addresses, gaps zeroed).
   * V3+: rodata at vaddr 0 (if any) and the bytecode at 0x1_0000_0000.
   */
  readonly programRegions: readonly ProgramRegion[];
  /** Call-resolution map (see {@link FunctionRegistry}). */
  readonly functions: FunctionRegistry;
  /**
   * Names of syscalls referenced by the program, keyed by murmur3 hash (V0–V2 relocations or V3
   * static syscalls), where the loader or assembler knew the name. Used by the disassembler and for
   * diagnostics; resolution at run time goes through the syscall registry.
   */
  readonly syscallNames: ReadonlyMap<number, string>;
  /** Content hash of the source bytes (ELF or assembled text), used as a compilation cache key. */
  readonly contentHash: string;
}

/**
 * `value` itself if it has the shape of an {@link Executable} (what `loadElf` and `assemble`
 * return), else refused with a `WebsvmError` of kind `InvalidArgument`: for entry points that
 * take one, once per call.
 */
export function toExecutable(value: unknown, name: string): Executable {
  const exe = toFields(value, name, 'an Executable (from loadElf or assemble)');
  const fits =
    exe.text instanceof Uint8Array &&
    Number.isInteger(exe.sbpfVersion) &&
    Number.isInteger(exe.entryPc) &&
    typeof exe.textVaddr === 'number' &&
    Array.isArray(exe.programRegions) &&
    exe.functions instanceof Map &&
    exe.syscallNames instanceof Map &&
    typeof exe.contentHash === 'string';
  if (!fits) throw refused(name, 'an Executable (from loadElf or assemble)', value);
  return value as Executable;
}
