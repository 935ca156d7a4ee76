/**
 * Compiled programs, and how hot each one is. A module depends on the program's bytes and on
 * which call immediates are syscalls (nothing else of the registry is baked in), so it is cached by
 * content hash and {@link SyscallRegistry.signature}: every `SVM` of a process shares the compiled
 * SPL Token, whatever registry instance its runtime built.
 *
 * Tiering (`engine: 'auto'`): a program runs on the interpreter until the instructions it has
 * executed there would have paid for compiling it — the ski-rental rule, so the time spent
 * interpreting a program that then gets compiled is at most its compile time, and a program that
 * never gets hot (most programs in a test file) is never compiled at all. The unit compiled is the
 * program's working set: the functions the interpreter has entered. A large program (an Anchor
 * program of a megabyte) mostly runs a small part of itself, so compiling only that part costs a
 * fraction of the whole and pays for itself that much sooner. A run that reaches a function left
 * out hands over to the interpreter there; once such runs have interpreted enough to pay for it,
 * the module is rebuilt with the larger working set.
 */
import type { Executable } from '../executable.js';
import { log } from '../log.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { functionEntries, hasProgramGraph } from './cfg.js';
import { compileToWasm } from './compile.js';

/** One program under one syscall set. */
interface CacheEntry {
  /** The compiled module; `null` once compiling failed, so it is never tried again. */
  module: WebAssembly.Module | null | undefined;
  /** Whether the module holds every function (else the working set it was built for). */
  whole: boolean;
  /** Instructions interpreted since the module was last built, runs' setup included (tiering's evidence). */
  interpreted: number;
  /** The slots of the functions the interpreter has entered (allocated on its first run). */
  entered: Uint8Array | undefined;
  /** The working set's instructions and functions, as last counted (it may have grown since the module was built). */
  workingSet: WorkingSet;
  /** How many functions the module for a working set holds (0 while there is none). */
  builtFunctions: number;
  /** What runs under tiering use (made once). */
  tier: ProgramTier | undefined;
}

/** What a run under tiering (`engine: 'auto'`) uses of its program's entry. */
export interface ProgramTier {
  /** The module to run on, or `undefined` while the program stays on the interpreter. */
  module(): WebAssembly.Module | undefined;
  /** The functions the interpreter enters (see `InterpreterOptions.enteredFunctions`). */
  readonly entered: Uint8Array;
  /** Counts instructions run on the interpreter (with a run's setup) towards compiling more of the program. */
  interpreted(instructions: number): void;
}

interface WorkingSet {
  instructions: number;
  functions: number;
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
  if (!entry) {
    entry = {
      module: undefined,
      whole: false,
      interpreted: 0,
      entered: undefined,
      workingSet: { instructions: 0, functions: 0 },
      builtFunctions: 0,
      tier: undefined,
    };
    bySignature.set(signature, entry);
  }
  return entry;
}

/**
 * The compiled module for `exe` with `syscalls`, or `undefined` when the program cannot be
 * compiled: valid programs can exceed the engine's limits (a function over V8's size limit, a
 * dispatcher with more targets than a `br_table` may have). Such a program runs on the
 * interpreter, which gives the same results; the failure is cached too. `engine: 'jit'` asks for
 * the whole program (a module built for a working set is rebuilt whole); the tiering asks through
 * {@link tieredModule}.
 */
export function compiledModule(exe: Executable, syscalls: SyscallRegistry): WebAssembly.Module | undefined {
  const entry = entryFor(exe, syscalls);
  if (entry.module === undefined || (entry.module !== null && !entry.whole)) build(exe, syscalls, entry, undefined);
  return entry.module ?? undefined;
}

/** Builds `entry`'s module: of the whole program, or of the functions `only` marks. */
function build(exe: Executable, syscalls: SyscallRegistry, entry: CacheEntry, only: Uint8Array | undefined): void {
  const start = performance.now();
  try {
    const bytes = compileToWasm(exe, syscalls, only);
    entry.module = new WebAssembly.Module(bytes);
    entry.whole = only === undefined;
    // `only` is what the working set was just counted from
    entry.builtFunctions = entry.workingSet.functions;
    log.debug(
      {
        instructions: exe.text.length / 8,
        workingSet: only ? entry.workingSet : 'whole program',
        interpretedBefore: entry.interpreted,
        wasmBytes: bytes.length,
        ms: elapsedSince(start),
      },
      'program compiled to WebAssembly',
    );
  } catch (e) {
    entry.module = null;
    log.debug(
      { instructions: exe.text.length / 8, reason: e instanceof Error ? e.message : String(e), ms: elapsedSince(start) },
      'program cannot be compiled to WebAssembly; it runs on the interpreter',
    );
  }
  entry.interpreted = 0;
}

const elapsedSince = (start: number) => Number((performance.now() - start).toFixed(2));

/**
 * The tiering rule's constants, in interpreted-instruction equivalents (the interpreter runs about
 * 80 of them per µs): compiling costs `perCompiledInstruction` for every instruction of the
 * functions compiled, `perProgramInstruction` for every instruction of the program (the control
 * flow analysis reads all of it; it is done once, and a rebuild for a larger working set reuses
 * it), plus `fixed` for the module's setup; each interpreted run costs
 * `perRun` more than a compiled one (an SPL Token transfer: ~6 µs of the interpreter's per-run
 * setup against under 1 µs of instructions). Timed on Light Protocol's account-compression
 * program (95 000 instructions): its analysis takes 45–200 ms and emitting a working set of 7 000
 * instructions 5–60 ms more, in a warmed-up and a fresh process respectively; the constants sit
 * near the fresh-process end, where the first compile happens. Tests lower them to force tier
 * switches.
 */
export const tieringPolicy = {
  perCompiledInstruction: 200,
  perProgramInstruction: 100,
  fixed: 20_000,
  perRun: 600,
};

/**
 * What compiling a working set of `instructions` instructions of `exe` costs, in interpreted
 * instructions: the analysis of the whole program only until it has been done once.
 */
const compileCost = (exe: Executable, syscalls: SyscallRegistry, instructions: number) =>
  tieringPolicy.fixed +
  tieringPolicy.perCompiledInstruction * instructions +
  (hasProgramGraph(exe, syscalls) ? 0 : (tieringPolicy.perProgramInstruction * exe.text.length) / 8);

/** The tiering of `exe` under `syscalls` (see the module comment). */
export function tierOf(exe: Executable, syscalls: SyscallRegistry): ProgramTier {
  const entry = entryFor(exe, syscalls);
  return (entry.tier ??= {
    module: () => tieredModule(exe, syscalls, entry),
    entered: (entry.entered ??= new Uint8Array(exe.text.length / 8)),
    interpreted: (instructions) => void (entry.interpreted += instructions + tieringPolicy.perRun),
  });
}

/**
 * The module to run on: (re)built when the instructions interpreted since the last build would
 * have paid for compiling the working set, and that set holds functions the module lacks.
 */
function tieredModule(exe: Executable, syscalls: SyscallRegistry, entry: CacheEntry): WebAssembly.Module | undefined {
  if (entry.module === null) return undefined;
  const current = entry.module;
  // (`fixed` is a lower bound of any compile's cost: a run without hand-overs stops at it)
  if (entry.whole || entry.interpreted < tieringPolicy.fixed || entry.interpreted < compileCost(exe, syscalls, entry.workingSet.instructions)) return current;
  // Past the mark for the set last counted: count again, the interpreter may have entered more.
  const counted = workingSet(exe, entry.entered);
  if (current !== undefined && counted.functions === entry.builtFunctions) {
    entry.interpreted = 0; // hand-overs for other reasons (the budget running out) only
    return current;
  }
  entry.workingSet = counted;
  if (entry.interpreted < compileCost(exe, syscalls, counted.instructions)) return current;
  build(exe, syscalls, entry, entry.entered);
  return entry.module ?? undefined;
}

/** The instructions and functions of the working set `entered` marks (the entrypoint's function always in it). */
function workingSet(exe: Executable, entered: Uint8Array | undefined): WorkingSet {
  const bounds = functionBounds(exe);
  let instructions = 0;
  let functions = 0;
  for (let i = 0; i + 1 < bounds.length; i++) {
    const pc = bounds[i];
    if (pc === exe.entryPc || entered?.[pc]) {
      instructions += bounds[i + 1] - pc;
      functions++;
    }
  }
  return { instructions, functions };
}

/** Each program's function entries in order, then its end: function `i` spans `[bounds[i], bounds[i + 1])`. */
const boundsOf = new WeakMap<Executable, number[]>();
function functionBounds(exe: Executable): number[] {
  let bounds = boundsOf.get(exe);
  if (!bounds) {
    const n = exe.text.length / 8;
    bounds = [...functionEntries(exe, n).filter((pc) => pc < n), n];
    boundsOf.set(exe, bounds);
  }
  return bounds;
}

/** Whether `exe` has a compiled module (of the whole program or of a working set). */
export function hasModule(exe: Executable, syscalls: SyscallRegistry): boolean {
  return !!entryFor(exe, syscalls).module;
}
