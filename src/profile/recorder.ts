/**
 * Attributes the units of one sBPF program run to a {@link Profile}: it receives the interpreter's
 * trace (one entry per executed instruction) and follows the program's calls and returns to know
 * the call stack, naming frames through the program's source map.
 */
import type { Executable } from '../executable.js';
import { sourceMapOf } from '../debug/program-sources.js';
import * as op from '../isa/opcodes.js';
import { opcodeAt } from '../isa/slot.js';
import type { TraceEntry, TraceSink } from '../vm/interpreter.js';
import type { Profile, ProfileNode } from './profile.js';

/** What the frames of one slot are: the inlined chain to descend, and the line to charge. */
interface SlotFrames {
  /** Function names, outermost (the sBPF function) first. */
  chain: string[];
  line?: { key: string; file: string; line: number };
}

export class ProgramRecorder implements TraceSink {
  /** The node of each active call instruction (the caller's frame), innermost last. */
  private readonly callers: ProfileNode[] = [];
  private readonly slots = new Map<number, SlotFrames>();
  private previousPc = -1;
  /** Whether the instruction at `previousPc` was a syscall (a `call` that pushed no frame). */
  private syscalled = false;
  /** The frame of the last instruction executed. */
  leaf: ProfileNode;
  /** The program node's units before this run (a program called twice from one place shares its node). */
  private readonly unitsBefore: number;

  constructor(
    private readonly exe: Executable,
    private readonly profile: Profile,
    /** The node of the program itself. */
    private readonly programNode: ProfileNode,
  ) {
    this.leaf = programNode;
    this.unitsBefore = programNode.total();
  }

  /**
   * Charges what the run `consumed` beyond the units recorded in it (the heap's cost, the meter
   * a VM failure depletes) to a `[runtime charges]` frame of the program.
   */
  settle(consumed: number): void {
    const rest = consumed - (this.programNode.total() - this.unitsBefore);
    if (rest > 0) this.programNode.child('[runtime charges]').self += rest;
  }

  /** TraceSink: one executed instruction. */
  push(entry: TraceEntry): void {
    const pc = Number(entry[11]);
    const prev = this.previousPc;
    if (prev >= 0) {
      const opcode = opcodeAt(this.exe.text, prev);
      if ((opcode === op.CALL_IMM || opcode === op.CALL_REG) && !this.syscalled) this.callers.push(this.leaf);
      else if (opcode === op.EXIT && this.callers.length > 0) this.callers.pop();
    }
    this.syscalled = false;
    const frames = this.framesAt(pc);
    let node = this.callers[this.callers.length - 1] ?? this.programNode;
    for (const name of frames.chain) node = node.child(name);
    node.self++;
    this.leaf = node;
    if (frames.line) {
      const cost = this.profile.lineUnits.get(frames.line.key);
      if (cost) cost.units++;
      else this.profile.lineUnits.set(frames.line.key, { file: frames.line.file, line: frames.line.line, units: 1 });
    }
    this.previousPc = pc;
  }

  /** The frame a syscall made from the current instruction is charged to (a child named after it). */
  syscallNode(name: string): ProfileNode {
    this.syscalled = true;
    return this.leaf.child(name);
  }

  private framesAt(pc: number): SlotFrames {
    let f = this.slots.get(pc);
    if (!f) {
      const located = sourceMapOf(this.exe).locate(pc);
      const inner = located[0];
      f = {
        chain: located.map((l) => l.function ?? '<unknown>').reverse(),
        line: inner.file !== undefined && inner.line ? { key: `${inner.file}:${inner.line}`, file: inner.file, line: inner.line } : undefined,
      };
      this.slots.set(pc, f);
    }
    return f;
  }
}
