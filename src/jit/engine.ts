/**
 * Runs an executable's compiled module (see `compiledModule`): maps the invocation's memory into a
 * WebAssembly memory, and lends the compiled code the pieces it calls out to (syscalls, faults,
 * access violations). When the compiled code hands over, the interpreter continues from the exact same state, so results never differ between engines.
 */
import type { Executable } from '../executable.js';
import { log } from '../log.js';
import { EbpfError } from '../vm/errors.js';
import { FIRST_SCRATCH_REG, FRAME_PTR_REG, MM_INPUT_START, SCRATCH_REGS } from '../isa/constants.js';
import { Interpreter, initialFramePointer, type RunResult } from '../vm/interpreter.js';
import { BufferDirt, type MemoryMap } from '../vm/memory.js';
import type { ExitHook } from '../vm/execute.js';
import type { Placement } from '../vm/machine-pool.js';
import { invokeSyscall, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import {
  ACCESS,
  DIRTY_ENTRY,
  dirtyEntry,
  FAULTS,
  FRAME,
  frameAt,
  frameRegister,
  HEADER,
  headerRegister,
  REGION_ENTRY,
  regionEntry,
  STATUS_EXIT,
} from './layout.js';
import type { ProgramTier } from './program-cache.js';

const PAGE = 65536;
const A = ACCESS.offsets;
const R = REGION_ENTRY.offsets;
const D = DIRTY_ENTRY.offsets;

interface Exports {
  run(): number;
  due: WebAssembly.Global;
  prev: WebAssembly.Global;
}

/**
 * What the imports of an instance act on during one run: the syscall context with the meter.
 * One per instance, reset by every run (no per-run closures).
 */
class RunState implements SyscallContext {
  memory!: MemoryMap;
  checkAligned = true;
  syscalls!: SyscallRegistry;
  /** Compute units left, as a number (budgets are below 2^53). */
  units = 0;

  remaining(): bigint {
    return BigInt(this.units);
  }

  consume(units: bigint | number): void {
    const u = Number(units);
    this.units = this.units > u ? this.units - u : 0;
  }
}

/** A memory with an instance of the module bound to it, reused across runs (never two at once). */
interface Instance {
  memory: WebAssembly.Memory;
  exports: Exports;
  state: RunState;
  /** The program's read-only regions are in the memory (placed there by an earlier run). */
  readOnlyLoaded: boolean;
  /** What the memory may still hold from earlier runs (new pages come zeroed). */
  dirt: BufferDirt;
}

const idle = new WeakMap<WebAssembly.Module, Instance[]>();

function instanceFor(module: WebAssembly.Module): Instance {
  const pool = idle.get(module);
  const reused = pool?.pop();
  if (reused) return reused;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const state = new RunState();
  const holder: Instance = { memory, exports: undefined as unknown as Exports, state, readOnlyLoaded: false, dirt: new BufferDirt() };
  const imports = {
    env: {
      memory,
      syscall: (hash: number, pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => {
        state.consume(Number(holder.exports.due.value as bigint));
        holder.exports.due.value = 0n;
        try {
          const args: [bigint, bigint, bigint, bigint, bigint] = [
            BigInt.asUintN(64, r1),
            BigInt.asUintN(64, r2),
            BigInt.asUintN(64, r3),
            BigInt.asUintN(64, r4),
            BigInt.asUintN(64, r5),
          ];
          return invokeSyscall(state, state.syscalls.lookup(hash >>> 0)!, args, pc);
        } finally {
          holder.exports.prev.value = state.remaining();
        }
      },
      fault: (kind: number, pc: number) => {
        throw new EbpfError(FAULTS[kind], undefined, pc);
      },
      access: () => {
        const view = state.memory.view;
        const at = HEADER.access;
        const err = state.memory.accessViolation(
          view.getBigUint64(at + A.address, true),
          view.getUint32(at + A.size, true),
          view.getUint32(at + A.store, true) !== 0,
        );
        err.pc = view.getUint32(at + A.pc, true);
        throw err;
      },
    },
  };
  holder.exports = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
  return holder;
}

/**
 * Runs `exe` on the JIT with its compiled `module`. `layout` builds the invocation's memory map inside the buffer `backing`
 * gives (reused: `HEADER.size` bytes reserved in front, the read-only regions already there when
 * `readOnlyLoaded`).
 */
export function runJit(
  module: WebAssembly.Module,
  exe: Executable,
  syscalls: SyscallRegistry,
  computeUnits: bigint,
  layout: (placement: Placement) => MemoryMap,
  r2 = 0n,
  onExit?: ExitHook,
  checkAligned = true,
  tiering?: ProgramTier,
): RunResult {
  const inst = instanceFor(module);
  try {
    const backing = (size: number) => {
      const pages = Math.ceil(size / PAGE);
      const have = inst.memory.buffer.byteLength / PAGE;
      if (pages > have) inst.memory.grow(pages - have); // grown pages are zero
      return inst.dirt.backing(inst.memory.buffer, true); // an instance only ever runs its own program
    };
    const map = layout({ backing, readOnlyLoaded: inst.readOnlyLoaded });
    inst.dirt.used(map);
    inst.readOnlyLoaded = true;
    const { result, interpreter } = runOn(inst, exe, map, syscalls, computeUnits, r2, checkAligned, tiering);
    onExit?.(map, () =>
      interpreter ? Array.from(interpreter.B.subarray(0, 11)) : Array.from({ length: 11 }, (_, r) => map.view.getBigUint64(headerRegister(r), true)),
    );
    return result;
  } finally {
    let pool = idle.get(module);
    if (!pool) idle.set(module, (pool = []));
    pool.push(inst);
  }
}

/**
 * The run's result, and the interpreter when the compiled code handed over to it; otherwise the
 * final r0..r10 are in the header (the compiled code spills them on exit and on faults).
 */
function runOn(
  inst: Instance,
  exe: Executable,
  map: MemoryMap,
  syscalls: SyscallRegistry,
  computeUnits: bigint,
  r2: bigint,
  checkAligned: boolean,
  tiering: ProgramTier | undefined,
): { result: RunResult; interpreter?: Interpreter } {
  const initial = Number(computeUnits);
  const view = map.view;
  for (let slot = 0; slot < HEADER.regionSlots; slot++) {
    const at = regionEntry(slot);
    const start = map.hostStart[slot] ?? -1;
    view.setUint32(at + R.start, Math.max(0, start), true);
    view.setUint32(at + R.length, start < 0 ? 0 : map.hostLength[slot], true);
    view.setUint32(at + R.writable, map.writable[slot] ? 1 : 0, true);
    view.setUint32(at + R.gapped, map.gapped[slot] ? 1 : 0, true);
    // Nothing stored to this slot yet in this run.
    view.setUint32(dirtyEntry(slot) + D.low, 0xffff_ffff, true);
    view.setUint32(dirtyEntry(slot) + D.high, 0, true);
  }
  for (let r = 0; r <= FRAME_PTR_REG; r++) view.setBigUint64(headerRegister(r), 0n, true); // the header is reused
  view.setBigUint64(headerRegister(1), BigInt(MM_INPUT_START), true);
  view.setBigUint64(headerRegister(2), r2, true);
  view.setBigUint64(headerRegister(FRAME_PTR_REG), initialFramePointer(exe, map), true);
  view.setUint32(HEADER.depth, 0, true);

  const state = inst.state;
  state.memory = map;
  state.checkAligned = checkAligned;
  state.syscalls = syscalls;
  state.units = initial;
  const exports = inst.exports;
  exports.due.value = 0n;
  exports.prev.value = BigInt(initial);

  let status: number;
  let error: EbpfError | undefined;
  try {
    status = exports.run();
  } catch (e) {
    if (!(e instanceof EbpfError)) throw e;
    error = e;
    error.returnPcs = Array.from({ length: view.getUint32(HEADER.depth, true) }, (_, f) => view.getInt32(frameAt(f) + FRAME.offsets.returnPc, true));
    status = STATUS_EXIT;
  } finally {
    // What the compiled code stored (syscalls and the interpreter note their own writes in the map);
    // only the map's own slots can have been stored to.
    for (let slot = 0; slot < Math.min(map.hostStart.length, HEADER.regionSlots); slot++) {
      const low = view.getUint32(dirtyEntry(slot) + D.low, true);
      const high = view.getUint32(dirtyEntry(slot) + D.high, true);
      if (low < high) map.noteWritten(slot, low, high);
    }
  }
  if (status === STATUS_EXIT) {
    state.consume(Number(exports.due.value as bigint));
    const instructions = BigInt(initial - state.units);
    return { result: error ? { ok: false, error, instructions } : { ok: true, value: view.getBigUint64(headerRegister(0), true), instructions } };
  }

  // Hand over: registers, frames and meter state move to the interpreter.
  if (log.isLevelEnabled('debug'))
    log.debug({ pc: view.getInt32(HEADER.pc, true), depth: view.getUint32(HEADER.depth, true) }, 'JIT hands over to the interpreter');
  const interpreter = new Interpreter(exe, map);
  interpreter.checkAligned = checkAligned;
  for (let r = 0; r <= FRAME_PTR_REG; r++) interpreter.B[r] = view.getBigUint64(headerRegister(r), true);
  const depth = view.getUint32(HEADER.depth, true);
  const saved = SCRATCH_REGS + 1; // r6..r9 and r10 per frame, as the interpreter keeps them
  for (let f = 0; f < depth; f++) {
    const at = frameAt(f);
    for (let i = 0; i < saved; i++) interpreter.savedRegs[saved * f + i] = view.getBigUint64(at + frameRegister(FIRST_SCRATCH_REG + i), true);
    interpreter.returnPc[f] = view.getInt32(at + FRAME.offsets.returnPc, true);
  }
  const due = Number(exports.due.value as bigint);
  const pc = view.getInt32(HEADER.pc, true);
  // A hand-over at the entry of a function the module left out enters that function.
  if (tiering && pc >= 0) tiering.entered[pc] = 1;
  const result = interpreter.run({
    computeUnits,
    syscalls,
    resume: { pc, depth, remaining: state.units, previousMeter: Number(exports.prev.value as bigint), due },
    enteredFunctions: tiering?.entered,
  });
  // The compiled code ran the instructions charged or due before the hand-over; the rest was interpreted.
  tiering?.interpreted(Number(result.instructions) - (initial - state.units + due));
  return { result, interpreter };
}
