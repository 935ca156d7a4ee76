/**
 * One replay of the debuggee. Execution is deterministic, so the debugger never suspends a run:
 * to go on from a stop it runs the transaction again from its start, counts instructions across
 * every program run (CPIs included) until it passes the stop, and from there asks its stop rule
 * and its breakpoints at each instruction. Where one says stop, it copies what the stop shows (./snapshot.ts) and
 * lets the run finish untraced; that run's outcome is discarded. A replay that never stops is the
 * real run: the debugger only reads, so its outcome is that of a plain run.
 */
import type { Executable } from '../executable.js';
import type { ProgramWatcher } from '../runtime/invoke-context.js';
import type { Interpreter, TraceEntry, TraceSink } from '../vm/interpreter.js';
import type { Breakpoints } from './breakpoints.js';
import { snapshotRun, type Stop, type StopReason } from './snapshot.js';

/** Where execution is, as a stop rule sees it before each instruction. */
export interface Position {
  /** 1 for the transaction's first sBPF instruction, counting every program run. */
  step: number;
  exe: Executable;
  pc: number;
  /** Call frames across program runs: a CPI callee's entry function is one deeper than its caller's invoke. */
  depth: number;
}

/** Whether to stop before the instruction at `at`, and why (besides the breakpoints). */
export type StopRule = (at: Position) => StopReason | undefined;

/** One program run of the replay, and the trace sink of that run. */
class RunLevel implements TraceSink {
  private machine: Interpreter | undefined;
  private entry: TraceEntry | undefined;
  /** r1..r5 at the first instruction of each active call frame, outermost first: the arguments each was called with. */
  private readonly entryRegisters: bigint[][] = [];

  constructor(
    readonly programId: string,
    readonly exe: Executable,
    /** 1 at each slot of `exe` with a breakpoint. */
    readonly breakpoints: Uint8Array,
    /** Frames of the runs around this one. */
    private readonly outerDepth: number,
    private readonly replay: Replay,
  ) {}

  attach(machine: Interpreter): void {
    this.machine = machine;
  }

  push(entry: TraceEntry): boolean {
    return this.replay.next(this, entry);
  }

  /** Frames of this run and those around it (the entry function counts as one). */
  depth(): number {
    return this.outerDepth + (this.machine?.callDepth ?? 0) + 1;
  }

  /** The slot of the instruction just traced. */
  pc(): number {
    return this.machine!.R[22];
  }

  /** Units left before the instruction just traced. */
  unitsLeft(): number {
    return this.machine?.meterBeforeTraced() ?? 0;
  }

  snapshot() {
    return snapshotRun(this.programId, this.exe, this.machine!, this.entry!, this.entryRegisters);
  }

  /** Records the registers before the instruction about to run, and those of a call frame's first instruction. */
  note(entry: TraceEntry): void {
    this.entry = entry;
    const frames = (this.machine?.callDepth ?? 0) + 1;
    if (this.entryRegisters.length > frames) this.entryRegisters.length = frames;
    if (this.entryRegisters.length < frames) this.entryRegisters.push(entry.slice(1, 6));
  }
}

export class Replay implements ProgramWatcher {
  private readonly levels: RunLevel[] = [];
  /** Instructions traced so far. */
  steps = 0;
  /** Where this replay stopped, if it did. */
  stop: Stop | undefined;
  position: Position | undefined;

  constructor(
    /** Instructions already run before the stop this replay resumes from: they are counted, not judged. */
    private readonly resumeAfter: number,
    private readonly breakpoints: Breakpoints,
    /** The rule of a step; none to run to the next breakpoint. */
    private readonly rule: StopRule | undefined,
  ) {}

  begin(programId: string, exe: Executable): TraceSink {
    const outer = this.levels[this.levels.length - 1];
    const level = new RunLevel(programId, exe, this.breakpoints.stopsIn(programId, exe), outer ? outer.depth() : 0, this);
    this.levels.push(level);
    return level;
  }

  end(): void {
    this.levels.pop();
  }

  /** The next instruction of `level`: `false` once the replay has stopped (the run goes on untraced). */
  next(level: RunLevel, entry: TraceEntry): boolean {
    if (this.stop) return false;
    level.note(entry);
    const step = ++this.steps;
    if (step <= this.resumeAfter) return true;
    const pc = level.pc();
    const reason = level.breakpoints[pc] === 1 ? 'breakpoint' : this.rule?.({ step, exe: level.exe, pc, depth: level.depth() });
    if (reason === undefined) return true;
    this.position = { step, exe: level.exe, pc, depth: level.depth() };
    this.stop = {
      reason,
      executed: step - 1,
      unitsLeft: level.unitsLeft(),
      runs: this.levels.map((l) => l.snapshot()).reverse(),
    };
    return false;
  }
}
