/**
 * `execute()`: the VM-level entry point of the public contract (DESIGN §4). It maps the program
 * regions, a fresh stack and heap and the caller's input, then runs the chosen engine.
 */
import {
  type FieldCheck,
  refused,
  toBoolean,
  toChecked,
  toF64,
  toFields,
  toFunction,
  toInstance,
  toInteger,
  toOneOf,
  toOptional,
  toText,
} from '../arguments.js';
import { DEFAULT_HEAP_SIZE, MAX_HEAP_SIZE, MM_BYTECODE_START, STACK_SIZE } from '../isa/constants.js';
import { SBPFVersion } from '../isa/version.js';
import { WebsvmError } from '../errors.js';
import { processEnv } from '../platform.js';
import { stackFrameGaps } from '../isa/version.js';
import { toExecutable, type Executable } from '../executable.js';
import type { RunResult, TraceSink } from './interpreter.js';
import type { Coverage } from '../coverage/coverage.js';
import { traceSinks } from './trace-sinks.js';
import { runJit, runWasmInterpreter, type RunRequest } from '../jit/engine.js';
import { compiledModule, tierOf } from '../jit/program-cache.js';
import { MemoryMap, type RegionSpec } from './memory.js';
import { borrowMachine, returnMachine, type Placement } from './machine-pool.js';
import { SyscallRegistry } from './syscalls.js';
import { testSyscalls } from './test-syscalls.js';
import { MAX_COMPUTE_UNIT_LIMIT } from '../runtime/compute-budget.js';

/** Options of {@link execute}. */
export interface ExecuteOptions {
  /**
   * Bytes mapped writable at 0x4_0000_0000 (a copy; the caller's array is not modified), or an
   * {@link InputWriter} that writes them in place.
   */
  input?: Uint8Array | InputWriter;
  /** Instruction meter budget. Default 1 400 000 (the transaction maximum). */
  computeUnits?: bigint | number;
  /**
   * Execution engine. `'auto'` (the default) interprets a program until it has run enough to be
   * worth compiling, then runs it compiled; `'jit'` compiles to WebAssembly at once (cached per
   * program and syscall set); `'interpreter'` is the reference. All give identical results. A
   * program beyond the compiler's limits (V8's function size, `br_table` size) is interpreted.
   * Default: {@link DEFAULT_ENGINE}.
   */
  engine?: Engine;
  /** Host functions; default: solana-sbpf's test syscalls (see `testSyscalls`). */
  syscalls?: SyscallRegistry;
  /** Heap size in bytes. Default 32 KiB. */
  heapBytes?: number;
  /** When given, receives one entry (r0..r10, pc) per executed instruction until it returns `false` (runs the interpreter). */
  trace?: TraceSink;
  /**
   * Records which instructions ran, and which way each conditional jump went, into this
   * coverage (under `coverageProgramId`); the program then runs on the interpreter, with the
   * same result and instructions as without.
   */
  coverage?: Coverage;
  /** The name the program has in {@link coverage}'s report (default `program`). */
  coverageProgramId?: string;
  /** Initial r2 (the runtime passes the address of the instruction data here, SIMD-0321). Default 0. */
  r2?: bigint;
  /**
   * Called after the run, before its memory is reused (to read the input back), with the memory
   * map and the final r0..r10 (after a fault: as the faulting instruction left them).
   */
  onExit?: (memory: MemoryMap, registers: readonly bigint[]) => void;
  /** Whether syscalls check pointer alignment (the runtime turns it off for loader-v1 programs). */
  checkAligned?: boolean;
}

/** An execution engine choice (see {@link ExecuteOptions.engine}). */
export type Engine = 'auto' | 'interpreter' | 'jit';

const ENGINES: readonly Engine[] = ['auto', 'interpreter', 'jit'];

/**
 * The engine used when none is chosen: `WEBSVM_ENGINE` when it names one (to run a whole test
 * suite on one tier), else `'auto'`.
 */
export const DEFAULT_ENGINE: Engine = ((): Engine => {
  const chosen = processEnv().WEBSVM_ENGINE;
  return ENGINES.find((e) => e === chosen) ?? 'auto';
})();

/** Input written straight into the VM's memory (the runtime's serialization, without a copy). */
export interface InputWriter {
  /** Bytes of the input region. */
  length: number;
  /** Writes all `length` bytes (zeros included) into `target`. */
  write(target: Uint8Array): void;
}

/** Result of {@link execute}. */
export type ExecuteResult =
  | { ok: true; value: bigint; instructions: bigint }
  | {
      ok: false;
      /**
       * The VM error; `returnPcs` (not enumerable, so the contract's shape is unchanged) holds the
       * return slots of the call frames active at the error, outermost first, for `backtraceOf`.
       */
      error: { kind: string; message: string; pc?: number; readonly returnPcs?: readonly number[] };
      instructions: bigint;
    };

/** The VM-level default syscalls (solana-sbpf's test syscalls), shared so compiled code is cached; made on first use. */
let defaultSyscalls: SyscallRegistry | undefined;

/** The default instruction budget of {@link execute}: a transaction's most. */
export const DEFAULT_COMPUTE_UNITS = BigInt(MAX_COMPUTE_UNIT_LIMIT);

/** Builds the memory map of one invocation: program regions, stack, heap and input. */
export function createMemoryMap(
  exe: Executable,
  input: Uint8Array | InputWriter,
  heapBytes: number,
  layout?: ConstructorParameters<typeof MemoryMap>[2],
): MemoryMap {
  const regions: RegionSpec[] = [];
  for (let i = 0; i < exe.programRegions.length; i++) {
    const r = exe.programRegions[i];
    regions.push({ slot: Math.floor(r.vaddr / 0x1_0000_0000), length: r.bytes.length, contents: r.bytes, writable: false });
  }
  regions.push(
    { slot: 2, length: STACK_SIZE, writable: true, gapped: stackFrameGaps(exe.sbpfVersion) },
    { slot: 3, length: heapBytes, writable: true },
    { slot: 4, length: input.length, contents: input instanceof Uint8Array ? input : (target) => input.write(target), writable: true },
  );
  return new MemoryMap(exe.sbpfVersion, regions, layout);
}

/** The input of a run: bytes, or an {@link InputWriter}. */
export const toInput: FieldCheck<Uint8Array | InputWriter> = (value, name) =>
  value instanceof Uint8Array
    ? value
    : toChecked<InputWriter>(value, name, 'bytes or an InputWriter { length, write }', name, {
        length: (n, at) => toInteger(n, at, 0, Number.MAX_SAFE_INTEGER, 'a byte length'),
        write: (w, at) => toFunction(w, at, 'a function writing the input'),
      });

/**
 * `opts` with each field's type checked (a `WebsvmError` of kind `InvalidArgument` otherwise); the
 * ranges of `computeUnits` and `heapBytes` are {@link run}'s to check (kind `InvalidOptions`).
 */
function toExecuteOptions(opts: unknown): ExecuteOptions {
  const optional =
    <T>(check: FieldCheck<T>): FieldCheck<T | undefined> =>
    (v, name) =>
      toOptional(v, name, check);
  return toChecked<ExecuteOptions>(opts, 'opts', 'execute options or undefined', 'opts', {
    input: optional(toInput),
    computeUnits: optional((v, name) => {
      if (!(typeof v === 'bigint' || Number.isInteger(v))) throw refused(name, 'a bigint or an integer', v);
      return v as bigint | number;
    }),
    engine: optional((v, name) => toOneOf(v, name, ENGINES)),
    syscalls: optional((v, name) => toInstance(v, name, SyscallRegistry, 'a SyscallRegistry')),
    heapBytes: optional((v, name) => toF64(v, name)),
    trace: optional((v, name) => {
      if (typeof (toFields(v, name, 'a TraceSink { push(entry) } (an array is one)') as { push?: unknown }).push !== 'function')
        throw refused(name, 'a TraceSink { push(entry) } (an array is one)', v);
      return v as TraceSink;
    }),
    r2: optional((v, name) => {
      if (typeof v !== 'bigint') throw refused(name, 'a bigint', v);
      return v;
    }),
    onExit: optional((v, name) => toFunction<ExecuteOptions['onExit']>(v, name, 'a function called after the run')),
    checkAligned: optional(toBoolean),
    coverage: optional((v, name) => {
      if (typeof (v as Partial<Coverage> | null)?.recorder !== 'function') throw refused(name, 'a Coverage', v);
      return v as Coverage;
    }),
    coverageProgramId: optional((v, name) => toText(v, name, 'a program name for the coverage report')),
  });
}

/** Runs `exe` once and reports its result and the instructions charged by the meter. */
export function execute(exe: Executable, opts: ExecuteOptions = {}): ExecuteResult {
  toExecutable(exe, 'exe');
  opts = toExecuteOptions(opts);
  const { onExit, coverage } = opts;
  const traced = coverage ? { ...opts, trace: traceSinks(opts.trace, coverage.recorder(opts.coverageProgramId ?? 'program', exe)) } : opts;
  // The caller may read any byte of the map: nothing is left to copy in on access.
  return run(
    exe,
    traced,
    onExit &&
      ((memory, registers) => {
        memory.loadAll();
        onExit(memory, registers());
      }),
  );
}

/**
 * Called after a run, before its memory is reused, with the memory map and a reader of the final
 * r0..r10: the runtime reads registers only when tracing, and building eleven bigints per
 * invocation is measurable on a token transfer.
 */
export type ExitHook = (memory: MemoryMap, registers: () => readonly bigint[]) => void;

/** {@link execute} with `exit` in place of `opts.onExit` (the runtime's entry). */
export function run(exe: Executable, opts: ExecuteOptions, exit: ExitHook | undefined): ExecuteResult {
  const input = opts.input ?? new Uint8Array(0);
  const heapBytes = opts.heapBytes ?? DEFAULT_HEAP_SIZE;
  const computeUnits = BigInt(opts.computeUnits ?? DEFAULT_COMPUTE_UNITS);
  if (!Number.isInteger(heapBytes) || heapBytes < 0 || heapBytes > MAX_HEAP_SIZE) {
    throw new WebsvmError('InvalidOptions', `heapBytes must be an integer from 0 to ${MAX_HEAP_SIZE}, got ${heapBytes}`);
  }
  if (computeUnits < 0n) throw new WebsvmError('InvalidOptions', `computeUnits must not be negative, got ${computeUnits}`);
  const syscalls = opts.syscalls ?? (defaultSyscalls ??= testSyscalls());
  const engine = opts.engine ?? DEFAULT_ENGINE;
  let result: RunResult;
  // Under tiering ('auto') code not compiled yet (or that cannot be) runs on the WebAssembly
  // interpreter, which records the functions it enters; what it runs counts towards compiling them.
  // The JS interpreter runs the rest: 'interpreter', a trace (coverage, the debugger), and 'jit'
  // for a program the JIT cannot compile.
  const tiering = engine === 'auto' ? tierOf(exe, syscalls) : undefined;
  const module = opts.trace ? undefined : engine === 'jit' ? compiledModule(exe, syscalls) : tiering?.module();
  const layout = (placement: Placement) => createMemoryMap(exe, input, heapBytes, placement);
  if (module || (tiering && !opts.trace)) {
    const request: RunRequest = { exe, syscalls, computeUnits, layout, r2: opts.r2 ?? 0n, onExit: exit, checkAligned: opts.checkAligned ?? true };
    result = module ? runJit(module, request, tiering) : runWasmInterpreter(request, tiering!);
  } else {
    const machine = borrowMachine(exe);
    try {
      const vm = machine.prepare(exe, layout);
      const memory = vm.memory;
      if (opts.r2 !== undefined) vm.B[2] = opts.r2;
      vm.checkAligned = opts.checkAligned ?? true;
      result = vm.run({ computeUnits, syscalls, trace: opts.trace, enteredFunctions: tiering?.entered });
      tiering?.interpreted(Number(result.instructions));
      exit?.(memory, () => Array.from(vm.B.subarray(0, 11)));
    } finally {
      returnMachine(machine);
    }
  }
  if (result.ok) return result;
  const { kind, message, pc, cause, returnPcs } = result.error;
  const error = pc === undefined ? { kind, message } : { kind, message, pc };
  // A syscall's own error and the call frames stay reachable without changing the contract's shape.
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  if (returnPcs !== undefined) Object.defineProperty(error, 'returnPcs', { value: returnPcs, enumerable: false });
  return { ok: false, error, instructions: result.instructions };
}

/**
 * The warm-up program: one instruction of each kind real programs run, so that each handler of the
 * interpreter module (a function V8 compiles on its first call) is compiled ahead — loads and stores
 * of every width, lddw, 64-bit ALU, neg, be/le, every 64-bit jump, call, callx and exit:
 * `ldx{dw,w,h,b} r2..r5, [r1]; stx{dw,w,h,b} [r10-8k], r2..r5; st{dw,w,h,b} [r10-8k], 1;
 * lddw r6, 0x100000001; mov r0, r6; add/sub/mul/div/mod/or/and/xor/lsh/rsh/arsh r0, imm; neg r0
 * (twice); be64 r6; le64 r6; j{eq,ne,gt,ge,lt,le,set,sgt,sge,slt,sle} r0, -1, +0; ja +0;
 * call function_f; lddw r9, <function_f>; callx r9; exit; function_f: add r0, 1; exit` (V0, from
 * the assembler; r0 = 958 after 49 instructions).
 */
const WARM_UP_TEXT = Uint8Array.from(
  (
    '79120000000000006113000000000000691400000000000071150000000000007b2af8ff00000000633af0ff00000000' +
    '6b4ae8ff00000000735ae0ff000000007a0ad8ff01000000620ad0ff010000006a0ac8ff01000000720ac0ff01000000' +
    '18060000010000000000000001000000bf60000000000000070000000300000017000000010000002700000003000000' +
    '370000000200000097000000e8030000470000000400000057000000ffffffffa7000000080000006700000002000000' +
    '7700000001000000c70000000100000087000000000000008700000000000000dc06000040000000d406000040000000' +
    '15000000ffffffff55000000ffffffff25000000ffffffff35000000ffffffffa5000000ffffffffb5000000ffffffff' +
    '45000000ffffffff65000000ffffffff75000000ffffffffc5000000ffffffffd5000000ffffffff0500000000000000' +
    '850000002f000000180900007801000000000000010000008d0000000900000095000000000000000700000001000000' +
    '9500000000000000'
  )
    .match(/../g)!
    .map((h) => parseInt(h, 16)),
);
/** Where the warm-up's function_f starts. */
const WARM_UP_FUNCTION = 47;

/**
 * Runs the warm-up program once on the tier cold code runs on — the WebAssembly interpreter, or the
 * JS interpreter when `WEBSVM_ENGINE` makes that the default.
 */
export function warmUpRun(): ExecuteResult {
  const exe: Executable = {
    sbpfVersion: SBPFVersion.V0,
    text: WARM_UP_TEXT,
    textVaddr: MM_BYTECODE_START,
    entryPc: 0,
    programRegions: [{ vaddr: MM_BYTECODE_START, bytes: WARM_UP_TEXT }],
    functions: new Map([[WARM_UP_FUNCTION, { pc: WARM_UP_FUNCTION, name: 'function_f' }]]),
    syscallNames: new Map(),
    contentHash: 'websvm warm-up',
  };
  return run(exe, { engine: DEFAULT_ENGINE === 'interpreter' ? 'interpreter' : 'auto', syscalls: new SyscallRegistry(), input: new Uint8Array(8) }, undefined);
}

let warmedUp = false;

/**
 * Runs {@link warmUpRun} once the caller's synchronous work is done (a microtask, once per
 * process; `new SVM()` asks for it). V8 compiles a function on its first call: a process's first
 * run paid for compiling the interpreter module (its import wrappers, ~3 ms), its loop and the
 * memory map's code, which now happens while a test awaits its first key or signature.
 */
export function warmUpAhead(): void {
  if (warmedUp) return;
  warmedUp = true;
  queueMicrotask(warmUpRun);
}
