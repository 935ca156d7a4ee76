/**
 * Interpreter machines — a host buffer for the memory map and an `Interpreter` — reused across
 * runs as the JIT reuses its WebAssembly instances: a short run costs less than allocating (and
 * faulting in) a fresh buffer of stack, heap and input, and a fresh register file and call-frame
 * stack. A machine is lent to one run at a time: CPI re-enters `execute()` while the caller's run
 * is live, and then borrows another. The buffer keeps the read-only regions of the last executable
 * it served, as far as its runs read them, so a program that runs again finds its image in place;
 * the memory map zeroes stack and heap and writes the whole input on every run.
 */
import type { Executable } from '../executable.js';
import { Interpreter } from './interpreter.js';
import { BufferDirt, type Backing, type LoadedChunks, type MemoryMap } from './memory.js';

/** Options for laying a memory map into a machine's (or a wasm instance's) buffer (see `MemoryMap`). */
export type Placement = { backing: (size: number) => Backing; readOnlyLoaded: boolean; lazyReadOnly?: LoadedChunks; headerBytes?: number };

/** Idle machines kept, least recently used first; more would only hold memory. */
const MAX_IDLE = 8;
/** Buffers grow in steps of this many bytes, so inputs of varying length rarely regrow them. */
const GROWTH_STEP = 64 * 1024;

/** A machine lent to one run. */
export class PooledMachine {
  private buffer = new ArrayBuffer(0);
  /** What the buffer may still hold from earlier runs. */
  private readonly dirt = new BufferDirt();
  /** The executable whose read-only regions the buffer holds (at its memory map's offsets)… */
  private loadedFor: Executable | undefined;
  /** …as far as its runs have copied them in (an interpreter's map copies a chunk on first access). */
  private chunks: LoadedChunks = [];
  private interpreter: Interpreter | undefined;

  /** Whether the buffer holds `exe`'s read-only regions. */
  holds(exe: Executable): boolean {
    return this.loadedFor === exe;
  }

  /**
   * Builds the run's memory map in this machine's buffer with `build` (given the placement), and
   * an interpreter of `exe` over it.
   */
  prepare(exe: Executable, build: (placement: Placement) => MemoryMap): Interpreter {
    const readOnlyLoaded = this.loadedFor === exe;
    this.loadedFor = undefined; // until the map is built
    if (!readOnlyLoaded) this.chunks = [];
    const memory = build({
      // The buffer grows keeping its contents, so loaded read-only regions stay in place.
      backing: (size) => {
        if (this.buffer.byteLength < size) {
          const grown = new ArrayBuffer(Math.ceil(size / GROWTH_STEP) * GROWTH_STEP);
          if (readOnlyLoaded) new Uint8Array(grown).set(new Uint8Array(this.buffer));
          else this.dirt.reset();
          this.buffer = grown;
        }
        return this.dirt.backing(this.buffer, readOnlyLoaded);
      },
      readOnlyLoaded,
      lazyReadOnly: this.chunks,
    });
    this.dirt.used(memory);
    this.loadedFor = exe;
    if (this.interpreter) this.interpreter.reset(exe, memory);
    else this.interpreter = new Interpreter(exe, memory);
    return this.interpreter;
  }
}

const idle: PooledMachine[] = [];

/** An idle machine, preferably one whose buffer already holds `exe`'s read-only regions. */
export function borrowMachine(exe: Executable): PooledMachine {
  for (let i = idle.length - 1; i >= 0; i--) {
    if (idle[i].holds(exe)) return idle.splice(i, 1)[0];
  }
  return idle.shift() ?? new PooledMachine();
}

/** Gives `machine` back once its run (and whoever reads the run's memory) is done with it. */
export function returnMachine(machine: PooledMachine): void {
  idle.push(machine);
  if (idle.length > MAX_IDLE) idle.shift();
}
