/**
 * What the debugger shows at a stop, copied out of the running machines (the run goes on after
 * the copy, see ./replay.ts): per program run — the CPI callee innermost — its registers, call
 * frames and memory, and the meter.
 */
import type { Executable } from '../executable.js';
import type { Interpreter, TraceEntry } from '../vm/interpreter.js';
import type { MemoryMap } from '../vm/memory.js';

/** Region names by slot of the virtual address space (address >> 32). */
const REGION_NAMES = ['rodata', 'program', 'stack', 'heap', 'input'];

/** One mapped region of a program's memory. */
export interface MemoryRegion {
  name: string;
  /** Virtual address of its first byte. */
  address: bigint;
  /** Bytes the program can address (the stack's frame gaps included). */
  length: number;
}

/** A copy of a program's memory, read through the map's own address translation. */
export class MemorySnapshot {
  private readonly bytes: Uint8Array;

  constructor(private readonly map: MemoryMap) {
    map.loadAll();
    this.bytes = map.bytes.slice();
  }

  /** The mapped regions, by address. */
  regions(): MemoryRegion[] {
    const out: MemoryRegion[] = [];
    for (let slot = 0; slot < this.map.hostStart.length; slot++) {
      if (this.map.hostStart[slot] < 0) continue;
      const length = this.map.hostLength[slot] * (this.map.gapped[slot] ? 2 : 1);
      // V0–V2 map the whole program image at slot 1; it is their read-only data.
      const name = slot === 1 && this.map.hostStart[0] < 0 ? 'rodata' : (REGION_NAMES[slot] ?? `region ${slot}`);
      out.push({ name, address: BigInt(slot) << 32n, length });
    }
    return out;
  }

  /** Up to `count` bytes from `address`, as far as they are readable (stopping at the first that is not). */
  read(address: bigint, count: number): Uint8Array {
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = address + BigInt(i);
      if (at >= 1n << 64n) break;
      const host = this.map.translateParts(Number(at >> 32n), Number(at & 0xffff_ffffn), 1, false);
      if (host < 0) break;
      out.push(this.bytes[host]);
    }
    return Uint8Array.from(out);
  }

  /** Whether `address` lies in a region (a frame pointer may point at the gap after its frame). */
  contains(address: bigint): boolean {
    return this.regions().some((r) => address >= r.address && address < r.address + BigInt(r.length));
  }
}

/** One sBPF program run at a stop. */
export interface ProgramSnapshot {
  programId: string;
  exe: Executable;
  /** The next instruction's slot (in a CPI caller: its invoke call). */
  pc: number;
  /** r0..r10 before that instruction. */
  registers: bigint[];
  /** Return slots of the active call frames, outermost first. */
  returnPcs: number[];
  /** r6..r10 of each caller, as its frame saved them (5 per frame, outermost first). */
  savedRegisters: bigint[];
  /** r1..r5 at the first instruction of each active call frame (the arguments it was called with), outermost first. */
  entryRegisters: bigint[][];
  memory: MemorySnapshot;
}

/** Copies what a stop shows of one run. */
export function snapshotRun(programId: string, exe: Executable, machine: Interpreter, entry: TraceEntry, entryRegisters: readonly bigint[][]): ProgramSnapshot {
  const depth = machine.callDepth;
  return {
    programId,
    exe,
    pc: Number(entry[11]),
    registers: entry.slice(0, 11),
    returnPcs: Array.from(machine.returnPc.subarray(0, depth)),
    savedRegisters: Array.from(machine.savedRegs.subarray(0, depth * 5)),
    entryRegisters: entryRegisters.map((r) => r.slice()),
    memory: new MemorySnapshot(machine.memory),
  };
}

/** Why execution stopped. */
export type StopReason = 'entry' | 'breakpoint' | 'step' | 'exception';

/** A stop: the runs active (innermost first) and the meter. */
export interface Stop {
  reason: StopReason;
  /** Instructions executed before the one stopped at, across all runs of the transaction. */
  executed: number;
  /** Units left before the stopped instruction runs. */
  unitsLeft: number;
  /** The error the run ends with, when stopped at the faulting instruction. */
  description?: string;
  runs: ProgramSnapshot[];
}
