/**
 * The invoke context: runs one instruction (top-level or CPI) the way Agave's
 * `InvokeContext::process_instruction` does — push, `invoke` log line, the builtin or the sBPF
 * program behind the instruction's program account, `success`/`failed` line, pop — on a
 * transaction-wide compute meter.
 */
import type { Executable } from '../executable.js';
import { WebsvmError } from '../errors.js';
import type { FaultSite } from '../debug/index.js';
import type { Profiler } from '../profile/index.js';
import type { Coverage } from '../coverage/index.js';
import { traceSinks } from '../vm/trace-sinks.js';
import type { ExecutionCosts } from '../syscalls/costs.js';
import { MM_HEAP_START } from '../isa/constants.js';
import { EbpfError } from '../vm/errors.js';
import { bytesToBase64 } from '../platform.js';
import { run, type Engine } from '../vm/execute.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import type { MemoryMap } from '../vm/memory.js';
import type { TraceSink } from '../vm/interpreter.js';
import { BPF_LOADER_DEPRECATED, NATIVE_LOADER, SBPF_LOADERS } from './ids.js';
import { fail, instructionErrorFromReturn, instructionErrorText, InstructionFailure, type InstructionError } from './errors.js';
import type { LogCollector } from './log-collector.js';
import { FEATURES, type FeatureSet } from './features.js';
import { deserializeInput, serializeInput, type SerializedInput } from './serialization.js';
import type { Clock, EpochSchedule, SlotHash } from './sysvars.js';
import type { InstructionFrame, TransactionContext } from './transaction-context.js';
import { NO_BYTES } from './bytes.js';

/** A native program: charges its own units through `ic` and throws `InstructionFailure` on error. */
export interface Builtin {
  /** The name its native-loader account carries (`solana_system_program` …). */
  readonly name: string;
  process(ic: InvokeContext): void;
}

/**
 * A deployed sBPF program as the cache holds it: the slot it was deployed in, and the slot it runs
 * from (the next one for a deployment by the upgradeable loader, the same for any other entry).
 */
export type LoadedProgram =
  { kind: 'loaded'; exe: Executable; loader: string; deploymentSlot: bigint; effectiveSlot: bigint } | { kind: 'failed'; loader: string };

/**
 * Agave's `is_implicit_delay_visibility_tombstone`: a program the upgradeable loader deployed is
 * not deployed yet in its deployment slot. Any other entry runs whatever the clock says, even
 * moved back before it was added, as LiteSVM runs it.
 */
function awaitsVisibility(program: Extract<LoadedProgram, { kind: 'loaded' }>, slot: bigint): boolean {
  return program.effectiveSlot - program.deploymentSlot === 1n && slot >= program.deploymentSlot && slot < program.effectiveSlot;
}

/** What the invoke context needs from the runtime around it. */
export interface InvokeEnvironment {
  builtins: ReadonlyMap<string, Builtin>;
  program(programId: string): LoadedProgram | undefined;
  /** The runtime's syscalls; they act on `host.current`. */
  syscalls: SyscallRegistry;
  host: { current: InvokeContext | undefined };
  engine: Engine;
  /** The Clock and EpochSchedule sysvars, as builtins read them from the sysvar cache. */
  clock: Clock;
  epochSchedule: EpochSchedule;
  /** The SlotHashes sysvar, newest first. */
  slotHashes: readonly SlotHash[];
  /** The transaction's recent blockhash (what nonce accounts advance to). */
  blockhash: string;
  /** Lamports per signature recorded in nonce accounts. */
  lamportsPerSignature: bigint;
  /** Rent-exempt minimum for a data length (the Rent sysvar). */
  minimumBalance(dataLen: number): bigint;
  /** Whether the RecentBlockhashes sysvar has no entries. */
  recentBlockhashesEmpty(): boolean;
  /** The active feature gates. */
  features: FeatureSet;
  /** The compute-unit prices of runtime charges and syscalls. */
  costs: Readonly<ExecutionCosts>;
  /** Watches every top-level sBPF program run (which then runs in the interpreter). */
  tracer: ExecutionTracer | undefined;
  /** Profiles every sBPF program run of the transaction (which then runs in the interpreter). */
  profiler: Profiler | undefined;
  /** Where programs record the instructions they run, when coverage is on. */
  coverage: Coverage | undefined;
  /** Watches every sBPF program run of the transaction, CPIs included (which then runs in the interpreter). */
  watcher: ProgramWatcher | undefined;
}

/** Follows every sBPF program run of a transaction, callees of CPIs nested in their callers (the debugger). */
export interface ProgramWatcher {
  /** A run of `exe`, deployed as `programId`, starts: its instructions go to the sink returned. */
  begin(programId: string, exe: Executable): TraceSink;
  /** The innermost run begun has ended. */
  end(): void;
}

/** Watches the execution of a top-level sBPF program, instruction by instruction (`websvm trace`). */
export interface ExecutionTracer {
  /** Receives r0..r10 and the pc before each instruction. */
  readonly trace: TraceSink;
  /** Receives r0..r10 when the program stops (after a fault: as the faulting instruction left them). */
  exit(registers: readonly bigint[]): void;
}

/** Per-invocation heap cost: `heapCost` units per 32 KiB beyond the first. */
const heapCost = (heapBytes: number, unit: number) => (Math.ceil(heapBytes / (32 * 1024)) - 1) * unit;

export class InvokeContext {
  /** Compute units left in the transaction. */
  remaining: number;
  /** The VM errors of this transaction's programs, innermost first (a failed CPI fails its caller in turn). */
  readonly faults: FaultSite[] = [];
  /** Programs deployed, upgraded or closed by this transaction (they override the runtime's cache). */
  readonly modifiedPrograms = new Map<string, LoadedProgram>();
  /** Per executing sBPF program (innermost last): its ABI, bump-allocator position and input layout. */
  private readonly programs: { heapUsed: number; input: SerializedInput }[] = [];

  constructor(
    readonly tx: TransactionContext,
    readonly env: InvokeEnvironment,
    computeUnitLimit: number,
    readonly heapBytes: number,
    readonly logs: LogCollector,
  ) {
    this.remaining = computeUnitLimit;
  }

  /** `consume_checked`: charge or fail with ComputationalBudgetExceeded (the meter drops to 0). */
  consumeChecked(units: number): void {
    if (units > this.remaining) {
      this.remaining = 0;
      fail('ComputationalBudgetExceeded');
    }
    this.remaining -= units;
  }

  /** Whether syscalls check pointer alignment (not for loader-v1 programs). */
  checkAligned(): boolean {
    return !this.programs[this.programs.length - 1]?.input.abiV0;
  }

  /** Data length of each of the running program's instruction accounts when it was serialized. */
  originalDataLength(indexInInstruction: number): number {
    return this.programs[this.programs.length - 1].input.originalLengths[indexInInstruction];
  }

  /** The running program's input layout. */
  input(): SerializedInput {
    return this.programs[this.programs.length - 1].input;
  }

  /** `sol_alloc_free_`'s bump allocator over the running program's heap. */
  allocate(size: number, align: number): bigint {
    const p = this.programs[this.programs.length - 1];
    const start = Math.ceil(p.heapUsed / align) * align;
    if (start + size > this.heapBytes) return 0n;
    p.heapUsed = start + size;
    return BigInt(MM_HEAP_START + start);
  }

  /** Logs `line`; `bytes`: its UTF-8 size when the caller knows it. */
  log(line: string, bytes?: number): void {
    this.logs.log(line, bytes);
  }

  /** {@link log} of a line of ASCII only (program ids, numbers, base64). */
  private logAscii(line: string): void {
    this.logs.log(line, line.length);
  }

  /**
   * Pushes `frame`, runs it and pops it. Returns the units it consumed; throws `InstructionFailure`.
   * The frame keeps its units, its log lines and whether it failed, for the transaction inspector.
   */
  processInstruction(frame: InstructionFrame): number {
    const unitsBefore = this.remaining;
    frame.logsFrom = this.logs.messages.length;
    try {
      return this.pushAndRun(frame);
    } catch (e) {
      frame.failed = true;
      throw e;
    } finally {
      frame.units = unitsBefore - this.remaining;
      frame.logsTo = this.logs.messages.length;
    }
  }

  private pushAndRun(frame: InstructionFrame): number {
    this.push(frame);
    let consumed = 0;
    let failure: unknown;
    try {
      consumed = this.processExecutableChain(frame);
    } catch (e) {
      failure = e;
    }
    // Pop whether or not the instruction failed; its own error wins.
    try {
      this.tx.pop();
    } catch (e) {
      failure ??= e;
    }
    if (failure !== undefined) throw failure;
    return consumed;
  }

  private push(frame: InstructionFrame): void {
    const programId = this.tx.programId(frame);
    const stack = this.tx.stack;
    // Reentrancy: a program already on the stack may only call itself (directly).
    for (let i = 0; i < stack.length - 1; i++) {
      if (this.tx.programId(stack[i]) === programId && this.tx.programId(stack[stack.length - 1]) !== programId) fail('ReentrancyNotAllowed');
    }
    this.tx.push(frame);
  }

  private processExecutableChain(frame: InstructionFrame): number {
    const tx = this.tx;
    const programId = tx.programId(frame);
    const owner = tx.accounts[frame.programTxIndex].owner;
    const builtinId = owner === NATIVE_LOADER ? programId : SBPF_LOADERS.has(owner) ? owner : undefined;
    if (builtinId === undefined) fail('UnsupportedProgramId');
    const builtin = this.env.builtins.get(builtinId);
    if (!builtin) fail('UnsupportedProgramId');
    tx.returnData = { programId, data: NO_BYTES };
    this.logAscii(`Program ${programId} invoke [${tx.stack.length}]`);
    const before = this.remaining;
    try {
      if (builtinId === programId) builtin.process(this);
      else this.executeProgram(programId, owner);
    } catch (e) {
      const { logged, error } = describeFailure(e);
      this.log(`Program ${programId} failed: ${logged}`);
      throw new InstructionFailure(error);
    }
    this.logAscii(`Program ${programId} success`);
    const consumed = before - this.remaining;
    if (builtinId === programId && consumed === 0) fail('BuiltinProgramsMustConsumeComputeUnits');
    return consumed;
  }

  /** The loaders' program invocation (agave `bpf_loader::execute`). */
  private executeProgram(programId: string, loader: string): void {
    const program = this.modifiedPrograms.get(programId) ?? this.env.program(programId);
    if (!program) {
      this.log('Program is not cached');
      fail('UnsupportedProgramId');
    }
    if (program.kind !== 'loaded' || awaitsVisibility(program, this.env.clock.slot)) {
      this.log('Program is not deployed');
      fail('UnsupportedProgramId');
    }
    const abiV0 = loader === BPF_LOADER_DEPRECATED;
    const input = serializeInput(this.tx, abiV0);
    // Agave reports "consumed X of Y" with Y read before the VM's creation charges the heap cost.
    const meterBefore = this.remaining;
    this.consumeChecked(heapCost(this.heapBytes, this.env.costs.heapCost));
    const budget = this.remaining;
    const host = this.env.host;
    const outer = host.current;
    host.current = this;
    this.programs.push({ heapUsed: 0, input });
    let finalMemory: MemoryMap | undefined;
    const tracer = this.tx.stack.length === 1 ? this.env.tracer : undefined;
    const profiler = this.env.profiler;
    const recorder = profiler?.recorder(programId, program.exe);
    const watcher = this.env.watcher;
    const watched = watcher?.begin(programId, program.exe);
    const covered = this.env.coverage?.recorder(programId, program.exe);
    let result;
    try {
      result = run(
        program.exe,
        {
          input,
          computeUnits: budget,
          engine: this.env.engine,
          syscalls: profiler ? profiler.syscalls(this.env.syscalls) : this.env.syscalls,
          heapBytes: this.heapBytes,
          checkAligned: !abiV0,
          r2: this.env.features.isActive(FEATURES.provideInstructionDataOffsetInVmR2) ? input.instructionDataAddress : 0n,
          // Nothing to feed (the usual case): no array of sinks made and filtered per run.
          trace: tracer || recorder || covered || watched ? traceSinks(tracer?.trace, recorder, covered, watched) : undefined,
        },
        // Read below, before any other program runs in this memory.
        (memory, registers) => {
          finalMemory = memory;
          tracer?.exit(registers());
        },
      );
    } finally {
      host.current = outer;
      this.programs.pop();
      profiler?.finish();
      watcher?.end();
    }
    const used = Number(result.instructions);
    this.remaining = Math.max(0, budget - used);
    recorder?.settle(meterBefore - this.remaining);
    this.logAscii(`Program ${programId} consumed ${used} of ${meterBefore} compute units`);
    const rd = this.tx.returnData;
    if (rd.data.length > 0) this.logAscii(`Program return: ${programId} ${bytesToBase64(rd.data)}`);
    if (result.ok) {
      if (result.value !== 0n) throw new InstructionFailure(instructionErrorFromReturn(result.value));
      deserializeInput(this.tx, input, finalMemory!);
      return;
    }
    const { pc, returnPcs } = result.error;
    if (pc !== undefined) this.faults.push({ programId, exe: program.exe, pc, returnPcs: returnPcs ?? [] });
    const cause = syscallCause(result.error);
    if (cause === undefined && this.env.features.isActive(FEATURES.depleteCuMeterOnVmFailure)) this.remaining = 0;
    recorder?.settle(meterBefore - this.remaining);
    throw cause ?? new ProgramFailure(result.error.message);
  }
}

/** A VM or syscall failure that Agave reports as ProgramFailedToComplete, logged with its own text. */
class ProgramFailure extends WebsvmError<'ProgramFailedToComplete'> {
  constructor(logged: string) {
    super('ProgramFailedToComplete', logged);
  }
}

/** The error a syscall raised, unwrapped from the VM's `SyscallError`. */
function syscallCause(error: { kind: string; message: string }): Error | undefined {
  if (error.kind !== 'SyscallError') return undefined;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof InstructionFailure) return cause;
  return new ProgramFailure(cause instanceof Error ? cause.message : error.message);
}

function describeFailure(e: unknown): { logged: string; error: InstructionError } {
  if (e instanceof InstructionFailure) return { logged: instructionErrorText(e.error), error: e.error };
  if (e instanceof ProgramFailure) return { logged: e.message, error: { kind: 'ProgramFailedToComplete' } };
  if (e instanceof EbpfError) return { logged: e.message, error: { kind: 'ProgramFailedToComplete' } };
  throw e;
}
