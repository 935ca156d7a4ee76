/**
 * The debugger's breakpoints — by source line, by function name and by instruction slot (in every
 * program, or in one) — and where they stop in each program: resolved through the program's
 * source map when the program is first met, again after every change.
 */
import { sourceMapOf } from '../debug/program-sources.js';
import type { Executable } from '../executable.js';
import { INSN_SIZE } from '../isa/constants.js';

/** A line breakpoint as the editor set it, and where it was placed. */
export interface LineBreakpoint {
  readonly file: string;
  /** The line asked for. */
  readonly line: number;
}

/** Where a breakpoint stops in the programs given to {@link Breakpoints.resolve}: nowhere when `line` is undefined and `pcs` empty. */
export interface ResolvedBreakpoint {
  /** The line that has code (a line breakpoint moves down to the next such line). */
  line?: number;
  /** The slots it stops at, in the first program where it resolved. */
  pcs: number[];
}

/** An instruction breakpoint: a slot, in the program `programId` only when it is given. */
export interface SlotBreakpoint {
  readonly pc: number;
  readonly programId?: string;
}

export class Breakpoints {
  /** Line breakpoints by file, as last set for that file. */
  private readonly lines = new Map<string, readonly LineBreakpoint[]>();
  private functions: readonly string[] = [];
  private slots: readonly SlotBreakpoint[] = [];
  /** Per program id: its program, and 1 at each slot a breakpoint stops at, as of `version`. */
  private readonly resolved = new Map<string, { exe: Executable; version: number; stops: Uint8Array }>();
  /** Bumped on every change, so resolutions made before it are redone. */
  private version = 0;

  /** Replaces the line breakpoints of `file`. */
  setLines(file: string, lines: readonly number[]): void {
    this.lines.set(
      file,
      lines.map((line) => ({ file, line })),
    );
    this.version++;
  }

  /** Replaces the function breakpoints. */
  setFunctions(names: readonly string[]): void {
    this.functions = [...names];
    this.version++;
  }

  /** Replaces the instruction breakpoints. */
  setSlots(slots: readonly SlotBreakpoint[]): void {
    this.slots = [...slots];
    this.version++;
  }

  /** Where a line breakpoint stops in the first of `programs` that has code for it. */
  resolveLine(bp: LineBreakpoint, programs: readonly Executable[]): ResolvedBreakpoint {
    for (const exe of programs) {
      const found = sourceMapOf(exe).lineEntries(bp.file, bp.line);
      if (found) return found;
    }
    return { pcs: [] };
  }

  /** Where a function breakpoint stops in the first of `programs` that has the function. */
  resolveFunction(name: string, programs: readonly Executable[]): ResolvedBreakpoint {
    for (const exe of programs) {
      const pcs = sourceMapOf(exe).functionEntries(name);
      if (pcs.length > 0) return { line: sourceMapOf(exe).locate(pcs[0])[0]?.line, pcs };
    }
    return { pcs: [] };
  }

  /** The slots of `exe`, the program `programId`, where execution stops: a flag per slot. */
  stopsIn(programId: string, exe: Executable): Uint8Array {
    const cached = this.resolved.get(programId);
    if (cached?.exe === exe && cached.version === this.version) return cached.stops;
    const stops = new Uint8Array(exe.text.length / INSN_SIZE);
    const mark = (pcs: readonly number[]) => {
      for (const pc of pcs) if (pc >= 0 && pc < stops.length) stops[pc] = 1;
    };
    for (const set of this.lines.values()) for (const bp of set) mark(this.resolveLine(bp, [exe]).pcs);
    for (const name of this.functions) mark(sourceMapOf(exe).functionEntries(name));
    mark(this.slots.filter((bp) => bp.programId === undefined || bp.programId === programId).map((bp) => bp.pc));
    this.resolved.set(programId, { exe, version: this.version, stops });
    return stops;
  }
}
