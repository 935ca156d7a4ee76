/**
 * Compiled programs, and how hot each one is. A module depends on the program's bytes and on
 * which call immediates are syscalls (nothing else of the registry is baked in), so it is cached by
 * content hash and {@link SyscallRegistry.signature}: every `SVM` of a process shares the compiled
 * SPL Token, whatever registry instance its runtime built.
 *
 * Tiering (`engine: 'auto'`): a program runs on the interpreter until the instructions it has
 * executed there would have paid for compiling it — the ski-rental rule, so the time spent
 * interpreting a program that then gets compiled is at most its compile time, and a program that
 * never gets hot (most programs in a test file) is never compiled at all.
 */
import type { Executable } from '../executable.js';
import { log } from '../log.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { compileToWasm } from './compile.js';

/** One program under one syscall set. */
interface CacheEntry {
  /** The compiled module; `null` once compiling failed, so it is never tried again. */
  module: WebAssembly.Module | null | undefined;
  /** Interpreted instructions so far, runs' setup included (tiering's evidence). */
  interpreted: number;
}

/** How many distinct programs keep their entries. */
const MAX_CACHED_PROGRAMS = 256;
const byHash = new Map<string, Map<string, CacheEntry>>();
/** Executables built by hand without a content hash: by identity. */
const byObject = new WeakMap<Executable, Map<string, CacheEntry>>();

function entryFor(exe: Executable, syscalls: SyscallRegistry): CacheEntry {
  let bySignature = exe.contentHash ? byHash.get(exe.contentHash) : byObject.get(exe);
  if (!bySignature) {
    bySignature = new Map();
    if (exe.contentHash) {
      // Bounded: the oldest program's entries go first.
      if (byHash.size >= MAX_CACHED_PROGRAMS) byHash.delete(byHash.keys().next().value!);
      byHash.set(exe.contentHash, bySignature);
    } else byObject.set(exe, bySignature);
  }
  const signature = syscalls.signature();
  let entry = bySignature.get(signature);
  if (!entry) bySignature.set(signature, (entry = { module: undefined, interpreted: 0 }));
  return entry;
}

/**
 * The compiled module for `exe` with `syscalls` (compiled on first use, then cached), or
 * `undefined` when the program cannot be compiled: valid programs can exceed the engine's limits
 * (a function over V8's size limit, a dispatcher with more targets than a `br_table` may have).
 * Such a program runs on the interpreter, which gives the same results; the failure is cached too.
 */
export function compiledModule(exe: Executable, syscalls: SyscallRegistry): WebAssembly.Module | undefined {
  const entry = entryFor(exe, syscalls);
  if (entry.module === undefined) {
    const start = performance.now();
    try {
      const bytes = compileToWasm(exe, syscalls);
      entry.module = new WebAssembly.Module(bytes);
      log.debug(
        { instructions: exe.text.length / 8, interpretedBefore: entry.interpreted, wasmBytes: bytes.length, ms: elapsedSince(start) },
        'program compiled to WebAssembly',
      );
    } catch (e) {
      entry.module = null;
      log.debug(
        { instructions: exe.text.length / 8, reason: e instanceof Error ? e.message : String(e), ms: elapsedSince(start) },
        'program cannot be compiled to WebAssembly; it runs on the interpreter',
      );
    }
  }
  return entry.module ?? undefined;
}

const elapsedSince = (start: number) => Number((performance.now() - start).toFixed(2));

/**
 * The tiering rule's constants, in interpreted-instruction equivalents, measured on this project's
 * benchmarks (`npm run bench`, `npm run bench:tx`): compiling costs about as much as interpreting
 * `perProgramInstruction` instructions for every instruction of the program, plus `fixed` for the
 * module's setup; each interpreted run costs `perRun` more than a compiled one (an SPL Token
 * transfer: ~6 µs of the interpreter's per-run setup against under 1 µs of instructions). Tests
 * lower them to force tier switches.
 */
export const tieringPolicy = {
  perProgramInstruction: 200,
  fixed: 20_000,
  perRun: 600,
};

/**
 * Whether `exe` should run compiled: it already is, or it has run hot enough to be worth compiling
 * and has not failed to compile.
 */
export function isHot(exe: Executable, syscalls: SyscallRegistry): boolean {
  const entry = entryFor(exe, syscalls);
  if (entry.module !== undefined) return entry.module !== null;
  return entry.interpreted >= tieringPolicy.fixed + tieringPolicy.perProgramInstruction * (exe.text.length / 8);
}

/** Counts a run of `instructions` on the interpreter towards compiling `exe`. */
export function noteInterpreted(exe: Executable, syscalls: SyscallRegistry, instructions: number): void {
  entryFor(exe, syscalls).interpreted += instructions + tieringPolicy.perRun;
}
