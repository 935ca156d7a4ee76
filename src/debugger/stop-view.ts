/**
 * A stop as a debugger shows it: the stack frames of every program run (inlined functions as
 * frames of their own, CPI callers below their callees), the registers each frame knows, the
 * parameters each call frame was entered with, and memory references that name a run and an
 * address.
 */
import { sourceMapOf } from '../debug/program-sources.js';
import type { SourceVariable } from '../debug/source-map.js';
import { INSN_SIZE } from '../isa/constants.js';
import type { ProgramSnapshot, Stop } from './snapshot.js';

/** One stack frame of a stop, innermost first. */
export interface FrameView {
  name: string;
  file?: string;
  line?: number;
  column?: number;
  /** The instruction slot: the next one in the innermost frame, the call in the others. */
  pc: number;
  /** Index of its program run in {@link Stop.runs}. */
  run: number;
  /** The registers known in this frame: all of them in a run's innermost frame, r6..r10 (saved at the call) in its callers. */
  registers: [name: string, value: bigint][];
  /** Its parameters and local variables in scope, as DWARF describes them (see ./values.ts). */
  variables: SourceVariable[];
  /**
   * In a call frame's own function (not an inlined one): its parameters at the calling
   * convention's places, and r1..r5 as they were at its first instruction (see ./values.ts).
   */
  entry?: { parameters: SourceVariable[]; registers: bigint[] };
}

/** The frames of `stop`, innermost first. */
export function framesOf(stop: Stop): FrameView[] {
  const several = stop.runs.length > 1;
  return stop.runs.flatMap((run, index) => {
    const map = sourceMapOf(run.exe);
    // The innermost call frame at the run's pc, each caller at its call (the slot before its return slot).
    const physicalPcs = [run.pc, ...run.returnPcs.map((r) => r - 1).reverse()];
    return physicalPcs.flatMap((pc, physical) => {
      const registers = registersOf(run, physical);
      const variables = map.variablesAt(pc);
      const parameters = map.argumentsAt(pc);
      const entryRegisters = run.entryRegisters[run.entryRegisters.length - 1 - physical];
      const frames = map.locate(pc);
      return frames.map((f, i): FrameView => {
        const name = `${f.function ?? `pc ${f.pc}`}${f.inlined ? ' [inlined]' : ''}${several ? ` (${run.programId})` : ''}`;
        const own = i === frames.length - 1 && parameters && entryRegisters ? { entry: { parameters, registers: entryRegisters } } : {};
        return {
          name,
          file: f.file,
          line: f.line || undefined,
          column: f.column || undefined,
          pc: f.pc,
          run: index,
          registers,
          variables: variables[i] ?? [],
          ...own,
        };
      });
    });
  });
}

/** Registers of the `physical`-th call frame of `run`, counted from the innermost (0). */
function registersOf(run: ProgramSnapshot, physical: number): [string, bigint][] {
  const pcRow: [string, bigint] = [
    'pc',
    BigInt(run.exe.textVaddr + (physical === 0 ? run.pc : run.returnPcs[run.returnPcs.length - physical] - 1) * INSN_SIZE),
  ];
  if (physical === 0) return [...run.registers.map((v, i): [string, bigint] => [`r${i}`, v]), pcRow];
  // The callee saved its caller's r6..r10 when called: frame `depth - physical` of the saved ones.
  const at = (run.returnPcs.length - physical) * 5;
  return [...run.savedRegisters.slice(at, at + 5).map((v, i): [string, bigint] => [`r${i + 6}`, v]), pcRow];
}

/** A memory reference: the run (0, the innermost, needs no prefix) and a virtual address. */
export function memoryReference(run: number, address: bigint): string {
  return `${run === 0 ? '' : `p${run}:`}0x${address.toString(16)}`;
}

/** Reads a {@link memoryReference}; undefined when it is not one. */
export function parseMemoryReference(reference: string): { run: number; address: bigint } | undefined {
  const m = /^(?:p(\d+):)?(0x[0-9a-f]+|\d+)$/i.exec(reference.trim());
  return m ? { run: m[1] === undefined ? 0 : Number(m[1]), address: BigInt(m[2]) } : undefined;
}
