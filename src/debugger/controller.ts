/**
 * The debugger's execution control, without the protocol: start, continue and step (in, over,
 * out; by line or by instruction) through replays of the debuggee (see ./replay.ts), stopping at
 * breakpoints and, when the run ends in a VM error, at the faulting instruction.
 */
import { sourceMapOf } from '../debug/program-sources.js';
import type { Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';
import type { ProgramWatcher } from '../runtime/invoke-context.js';
import { Breakpoints } from './breakpoints.js';
import { Replay, type Position, type StopRule } from './replay.js';
import type { Stop } from './snapshot.js';

/** How a run of the debuggee ended. */
export interface DebuggeeOutcome {
  success: boolean;
  /** The error's text, on failure. */
  error?: string;
  /** Whether it failed with a VM error at an instruction (a fault, a panic, an aborting syscall). */
  faulted: boolean;
  computeUnits: bigint;
  logs: readonly string[];
  returnData: Uint8Array;
  /** The failure's backtrace as text, when it has one. */
  backtrace?: string;
}

/** What is debugged: a transaction or instruction that runs the same way every time. */
export interface Debuggee {
  /** The programs it may run (breakpoints are checked against them when set). */
  readonly programs: readonly Executable[];
  /** Runs it once from its initial state, `watcher` following every sBPF program run. */
  run(watcher: ProgramWatcher): DebuggeeOutcome;
}

/** How to go on from a stop. */
export type Motion = 'continue' | 'stepIn' | 'stepOver' | 'stepOut';

/** Step by source line (instructions without one are passed over) or by instruction. */
export type Granularity = 'line' | 'instruction';

/** The debuggee ran to its end. */
export interface Finished {
  outcome: DebuggeeOutcome;
  /** sBPF instructions executed, across all program runs. */
  executed: number;
}

/** Interned `file:line` of each slot of a program (0: no line), for line stepping. */
class LineKeys {
  private readonly ids = new Map<string, number>();
  /** Per program: its slots' keys (-1 until looked up), or null for a program without line information. */
  private readonly perProgram = new WeakMap<Executable, Int32Array | null>();

  /** The key of the line at `pc`; undefined in a program without line information. */
  at(exe: Executable, pc: number): number | undefined {
    let keys = this.perProgram.get(exe);
    if (keys === undefined) {
      keys = sourceMapOf(exe).hasLines ? new Int32Array(exe.text.length / INSN_SIZE).fill(-1) : null;
      this.perProgram.set(exe, keys);
    }
    if (keys === null) return undefined;
    if (pc < 0 || pc >= keys.length) return 0;
    if (keys[pc] < 0) {
      const where = sourceMapOf(exe).locate(pc)[0];
      const name = where?.file !== undefined && where.line ? `${where.file}:${where.line}` : undefined;
      let id = name === undefined ? 0 : this.ids.get(name);
      if (id === undefined) this.ids.set(name!, (id = this.ids.size + 1));
      keys[pc] = id;
    }
    return keys[pc];
  }
}

export class DebugController {
  readonly breakpoints = new Breakpoints();
  private readonly lines = new LineKeys();
  /** Where execution stands: undefined before the start and after the end. */
  private current: Stop | undefined;
  private position: Position | undefined;

  /** Whether a run that ends in a VM error stops first at the faulting instruction. */
  stopOnFault = true;

  constructor(readonly debuggee: Debuggee) {}

  /** The stop execution stands at. */
  get stop(): Stop | undefined {
    return this.current;
  }

  /** Runs from the start: to the first instruction when `stopOnEntry`, else to the first breakpoint. */
  start(stopOnEntry: boolean): Stop | Finished {
    this.current = undefined;
    this.position = undefined;
    return this.replay(stopOnEntry ? () => 'entry' : undefined);
  }

  /** Goes on from the current stop. */
  resume(motion: Motion, granularity: Granularity = 'line'): Stop | Finished {
    const from = this.position;
    if (motion === 'continue' || !from) return this.replay(undefined);
    // Each instruction is a line of its own when stepping by instruction, or in a program without lines.
    const lineOf = (at: Position) => (granularity === 'line' ? (this.lines.at(at.exe, at.pc) ?? -at.step) : -at.step);
    const startLine = lineOf(from);
    /** On a line (not code the compiler gave none) other than the one the step started on. */
    const moved = (at: Position) => {
      const line = lineOf(at);
      return line !== 0 && line !== startLine;
    };
    const reached: Record<Exclude<Motion, 'continue'>, (at: Position) => boolean> = {
      stepIn: (at) => at.depth < from.depth || (at.depth > from.depth ? lineOf(at) !== 0 : moved(at)),
      stepOver: (at) => at.depth < from.depth || (at.depth === from.depth && moved(at)),
      stepOut: (at) => at.depth < from.depth,
    };
    const done = reached[motion];
    return this.replay((at) => (done(at) ? 'step' : undefined));
  }

  /** Runs from the start to the end without stopping (a launch without debugging). */
  runToEnd(): Finished {
    const replay = new Replay(0, new Breakpoints(), undefined);
    const outcome = this.debuggee.run(replay);
    this.current = undefined;
    this.position = undefined;
    return { outcome, executed: replay.steps };
  }

  private replay(rule: StopRule | undefined): Stop | Finished {
    const resumeAfter = this.current ? this.current.executed + 1 : 0;
    const replay = new Replay(resumeAfter, this.breakpoints, rule);
    const outcome = this.debuggee.run(replay);
    if (replay.stop) {
      this.current = replay.stop;
      this.position = replay.position;
      return replay.stop;
    }
    // The last instruction traced is the faulting one: stop there once, before the end.
    if (outcome.faulted && this.stopOnFault && this.current?.reason !== 'exception' && replay.steps > resumeAfter) {
      const last = replay.steps;
      const fault = this.replay((at) => (at.step === last ? 'exception' : undefined));
      if ('reason' in fault) fault.description = outcome.error;
      return fault;
    }
    this.current = undefined;
    this.position = undefined;
    return { outcome, executed: replay.steps };
  }
}
