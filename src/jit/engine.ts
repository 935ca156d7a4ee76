/**
 * Runs an executable's compiled module (see `compiledModule`), or the fixed WebAssembly interpreter
 * over it (see interpreter-module.ts): maps the invocation's memory into a WebAssembly memory, and
 * lends the wasm code the pieces it calls out to (syscalls, faults, access violations, lazily
 * copied chunks). When the wasm code hands over, the JS interpreter continues from the exact same
 * state, so results never differ between engines.
 */
import type { Executable } from '../executable.js';
import { log } from '../log.js';
import { EbpfError } from '../vm/errors.js';
import { FIRST_SCRATCH_REG, FRAME_PTR_REG, INSN_SIZE, MM_INPUT_START, SCRATCH_REGS, STACK_FRAME_SIZE } from '../isa/constants.js';
import { manualStackFrameBump, stackFrameGaps, staticSyscalls } from '../isa/version.js';
import { Interpreter, initialFramePointer, type RunResult } from '../vm/interpreter.js';
import { BufferDirt, INPUT_SLOT, LAZY_CHUNK, type Backing, type LoadedChunks, type MemoryMap } from '../vm/memory.js';
import type { ExitHook } from '../vm/execute.js';
import type { Placement } from '../vm/machine-pool.js';
import { invokeSyscall, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { INLINE_MEM_OP_HASHES, inlineMemOpPrices } from '../syscalls/memory.js';
import { setU64FromNumber, u64AsNumber } from '../runtime/bytes.js';
import { ACCESS, FAULTS, FRAME, frameAt, frameRegister, HEADER, headerRegister, memOpPrice, REGION_ENTRY, regionEntry, STATUS_EXIT } from './layout.js';
import type { ProgramTier } from './program-cache.js';
import { CHUNK_SHIFT } from './compile.js';
import { emitInterpreter, handlerTable, INTERPRETER_AREA, TEXT_SLOT } from './interpreter-module.js';
import { fixedModule } from '../crypto/fixed-modules.js';

const PAGE = 65536;
const A = ACCESS.offsets;
const R = REGION_ENTRY.offsets;

interface Exports {
  /** The JIT's `run()`, or the interpreter's `run(pc, …)` (see interpreter-module.ts). */
  run(...args: (number | bigint)[]): number;
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
  /** The interpreter module's program (its instances run one program each). */
  exe: Executable | undefined;
  layout: InterpreterLayout | undefined;
  tier: ProgramTier | undefined;

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
  /** For the interpreter module: the read-only chunks in place (its maps copy the image lazily). */
  chunks: LoadedChunks | undefined;
  /** Starts the JIT's `run()` (made once, not per run). */
  start: () => number;
  /** The memory, grown to `size` bytes, as the next map's backing (made once, not per run). */
  backing: (size: number) => Backing;
}

/**
 * A register as the u64 it holds (wasm hands i64 over signed). Only a negative one is converted:
 * optimised code makes a fresh BigInt of every `asUintN` result, five per syscall.
 */
const unsigned = (r: bigint): bigint => (r < 0n ? BigInt.asUintN(64, r) : r);

/** Syscalls the wasm code (either tier) made through JS, for tests of what the compiled code runs inline. */
export const wasmSyscalls = { calls: 0 };

/** Idle instances by what they run: a compiled module, or (the interpreter module) a program's tier. */
const idle = new WeakMap<object, Instance[]>();

function instanceFor(module: WebAssembly.Module, key: object): Instance {
  const reused = idle.get(key)?.pop();
  if (reused) return reused;
  const memory = new WebAssembly.Memory({ initial: 1 });
  const state = new RunState();
  const holder: Instance = {
    memory,
    exports: undefined as unknown as Exports,
    state,
    readOnlyLoaded: false,
    dirt: new BufferDirt(),
    chunks: undefined,
    start: () => holder.exports.run(),
    backing: (size: number) => {
      const pages = Math.ceil(size / PAGE);
      const have = buffer.byteLength / PAGE;
      if (pages > have) {
        memory.grow(pages - have); // grown pages are zero
        buffer = memory.buffer;
      }
      return holder.dirt.backing(buffer, true); // an instance only ever runs its own program
    },
  };
  // The memory's buffer, replaced only when the memory grows (here): the getter is an API call.
  let buffer = memory.buffer;
  const imports = {
    env: {
      memory,
      // The meter comes and goes through the header (see `HEADER.syscallDue`); the `due` global is 0
      // whenever a syscall runs (the code sets it only on its ways out of the run, and to 0 after
      // each syscall), so a syscall that fails leaves nothing to charge twice.
      syscall: (hash: number, pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => {
        wasmSyscalls.calls++;
        const view = state.memory.view;
        state.consume(u64AsNumber(view, HEADER.syscallDue));
        try {
          const entry = state.syscalls.lookup(hash >>> 0)!;
          return invokeSyscall(state, entry, unsigned(r1), unsigned(r2), unsigned(r3), unsigned(r4), unsigned(r5), pc);
        } finally {
          setU64FromNumber(view, HEADER.syscallUnits, state.units);
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
      // The interpreter module's: chunks copied in on first use, call sites resolved, functions entered.
      load: (slot: number, offset: number, size: number) => loadChunks(state, slot, offset, size),
      resolveCall: (imm: number) => {
        const syscall = state.syscalls.lookup(imm >>> 0) ? 1 : 0;
        const exe = state.exe!;
        if (staticSyscalls(exe.sbpfVersion)) return syscall;
        const target = exe.functions.get(imm >>> 0);
        return syscall | ((target ? target.pc + 1 : 0) << 1);
      },
      enter: (pc: number) => {
        if (state.tier) state.tier.entered[pc] = 1;
      },
    },
  };
  holder.exports = new WebAssembly.Instance(module, imports).exports as unknown as Exports;
  return holder;
}

function release(key: object, inst: Instance): void {
  let pool = idle.get(key);
  if (!pool) idle.set(key, (pool = []));
  pool.push(inst);
}

/** Lays the run's memory map out in `inst`'s memory, grown to fit. */
function layOut(inst: Instance, layout: (placement: Placement) => MemoryMap, headerBytes: number, lazyReadOnly: LoadedChunks | undefined): MemoryMap {
  const map = layout({ backing: inst.backing, readOnlyLoaded: inst.readOnlyLoaded, lazyReadOnly, headerBytes });
  inst.dirt.used(map);
  inst.readOnlyLoaded = true;
  return map;
}

/** One run as `execute()` asks for it, on whichever wasm module runs it. */
export interface RunRequest {
  exe: Executable;
  syscalls: SyscallRegistry;
  computeUnits: bigint;
  /**
   * Builds the invocation's memory map inside the buffer the placement's `backing` gives (an
   * instance's memory, reused: the header in front, the read-only regions already there when
   * `readOnlyLoaded`).
   */
  layout: (placement: Placement) => MemoryMap;
  r2: bigint;
  onExit: ExitHook | undefined;
  checkAligned: boolean;
}

/** Runs `req` on the JIT with its program's compiled `module`. */
export function runJit(module: WebAssembly.Module, req: RunRequest, tiering?: ProgramTier): RunResult {
  const inst = instanceFor(module, module);
  try {
    const map = layOut(inst, req.layout, HEADER.size, undefined);
    const run = runOn(inst, req, map, tiering?.entered, inst.start, 'JIT hands over to the interpreter');
    // The compiled code ran the instructions charged or due before a hand-over; the rest was
    // interpreted. A hand-over at the entry of a function the module left out enters that function.
    if (tiering && run.handedOver) {
      tiering.interpreted(Number(run.result.instructions) - run.handedOver.ranBefore);
      if (run.handedOver.pc >= 0) tiering.entered[run.handedOver.pc] = 1;
    }
    exitHook(req.onExit, map, run.interpreter);
    return run.result;
  } finally {
    release(module, inst);
  }
}

/** Calls `onExit` with the run's map and a reader of the final registers (the interpreter's after a hand-over). */
function exitHook(onExit: ExitHook | undefined, map: MemoryMap, interpreter: Interpreter | undefined): void {
  onExit?.(map, () =>
    interpreter ? Array.from(interpreter.B.subarray(0, 11)) : Array.from({ length: 11 }, (_, r) => map.view.getBigUint64(headerRegister(r), true)),
  );
}

/** Where the interpreter module finds a program in its instance's memory (see `INTERPRETER_AREA`). */
interface InterpreterLayout {
  /** Bytes before the first region. */
  headerBytes: number;
  /** The entered-function marks: a bit per slot. */
  entered: number;
  /** Per address-space slot of a read-only region: its chunk map. */
  chunkMaps: Map<number, number>;
  /** The text: inside the read-only region of this slot at `textOff`, or (-1) in its own copy at `textHost` with `textMap`. */
  textSlot: number;
  textOff: number;
  textHost: number;
  textMap: number;
  frameBump: bigint;
  textVaddr: bigint;
}

const layouts = new WeakMap<Executable, InterpreterLayout>();
const align = (x: number, to: number) => Math.ceil(x / to) * to;
const U32 = 0x1_0000_0000;

function interpreterLayout(exe: Executable): InterpreterLayout {
  let l = layouts.get(exe);
  if (l) return l;
  const n = exe.text.length / INSN_SIZE;
  let at = INTERPRETER_AREA.size;
  const entered = at;
  at = align(at + Math.ceil(n / 8), 8);
  const chunkMaps = new Map<number, number>();
  let textSlot = -1;
  let textOff = 0;
  for (const r of exe.programRegions) {
    const slot = Math.floor(r.vaddr / U32);
    chunkMaps.set(slot, at);
    at += Math.ceil(r.bytes.length / LAZY_CHUNK);
    // The text is a window of this region's bytes (the loaders' images): fetch it from there.
    const off = exe.textVaddr - r.vaddr;
    const inside = exe.text.buffer === r.bytes.buffer && exe.text.byteOffset - r.bytes.byteOffset === off;
    if (inside && off >= 0 && off % INSN_SIZE === 0 && off + exe.text.length <= r.bytes.length) {
      textSlot = slot;
      textOff = off;
    }
  }
  let textHost = 0;
  let textMap = 0;
  if (textSlot < 0) {
    textMap = at;
    at = align(at + Math.ceil(exe.text.length / LAZY_CHUNK), LAZY_CHUNK);
    textHost = at;
    at += exe.text.length;
  }
  const v = exe.sbpfVersion;
  l = {
    headerBytes: align(at, 8),
    entered,
    chunkMaps,
    textSlot,
    textOff,
    textHost,
    textMap,
    frameBump: BigInt(manualStackFrameBump(v) ? 0 : STACK_FRAME_SIZE * (stackFrameGaps(v) ? 2 : 1)),
    textVaddr: BigInt(exe.textVaddr),
  };
  layouts.set(exe, l);
  return l;
}

/** The `load` import: copies in the chunks of `slot` (or of the text's own copy) that `[offset, offset + size)` touches, and marks them. */
function loadChunks(state: RunState, slot: number, offset: number, size: number): void {
  const layout = state.layout!;
  const bytes = state.memory.bytes;
  const first = offset >>> CHUNK_SHIFT;
  const last = (offset + size - 1) >>> CHUNK_SHIFT;
  if (slot === TEXT_SLOT) {
    const text = state.exe!.text;
    for (let c = first; c <= last; c++) {
      bytes.set(text.subarray(c * LAZY_CHUNK, (c + 1) * LAZY_CHUNK), layout.textHost + c * LAZY_CHUNK);
      bytes[layout.textMap + c] = 1;
    }
    return;
  }
  state.memory.loadChunks(slot, offset, size);
  bytes.fill(1, layout.chunkMaps.get(slot)! + first, layout.chunkMaps.get(slot)! + last + 1);
}

let interpreterModule: WebAssembly.Module | undefined;

/**
 * Runs counted by {@link runWasmInterpreter}, how many of them handed over to the JS interpreter,
 * and the units charged in wasm (before any hand-over), for tests.
 */
export const wasmInterpreterRuns = { runs: 0, handedOver: 0, unitsInWasm: 0 };

/**
 * Runs `req` on the WebAssembly interpreter (`engine: 'auto'`'s cold tier), on an instance kept
 * for `tiering`'s program: everything it runs counts as interpreted towards compiling the program,
 * and the functions it enters join the working set.
 */
export function runWasmInterpreter(req: RunRequest, tiering: ProgramTier): RunResult {
  interpreterModule ??= fixedModule('sbpf-interpreter', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitInterpreter : undefined).module;
  const inst = instanceFor(interpreterModule, tiering);
  try {
    const exe = req.exe;
    const l = interpreterLayout(exe);
    const map = layOut(inst, req.layout, l.headerBytes, (inst.chunks ??= []));
    const state = inst.state;
    state.exe = exe;
    state.layout = l;
    state.tier = tiering;
    const bytes = map.bytes;
    bytes.set(handlerTable(exe.sbpfVersion), INTERPRETER_AREA.handlers);
    // Which chunks of each read-only region are in place: the map's own record while it copies lazily.
    for (let slot = 0; slot < HEADER.regionSlots; slot++) {
      const chunkMap = l.chunkMaps.get(slot);
      const lazy = chunkMap === undefined ? undefined : map.lazyChunks(slot);
      map.view.setUint32(INTERPRETER_AREA.slotChunks + 4 * slot, lazy ? chunkMap! : 0, true);
      if (lazy) bytes.set(lazy, chunkMap!);
      else if (chunkMap !== undefined) bytes.fill(1, chunkMap, chunkMap + Math.ceil(map.hostLength[slot] / LAZY_CHUNK));
    }
    const inSlot = l.textSlot >= 0;
    const textHost = inSlot ? map.hostStart[l.textSlot] + l.textOff : l.textHost;
    const textMap = inSlot ? l.chunkMaps.get(l.textSlot)! : l.textMap;
    const n = exe.text.length / INSN_SIZE;
    const start = () => inst.exports.run(exe.entryPc, n, textHost, l.textOff, textMap, inSlot ? l.textSlot : TEXT_SLOT, l.frameBump, l.textVaddr, l.entered);
    const run = runOn(inst, req, map, tiering.entered, start, 'wasm interpreter hands over to the JS interpreter');
    wasmInterpreterRuns.runs++;
    if (run.handedOver) wasmInterpreterRuns.handedOver++;
    wasmInterpreterRuns.unitsInWasm += run.handedOver ? run.handedOver.ranBefore : Number(run.result.instructions);
    tiering.interpreted(Number(run.result.instructions));
    exitHook(req.onExit, map, run.interpreter);
    return run.result;
  } finally {
    release(tiering, inst);
  }
}

/** What {@link runOn} reports. */
interface RunOutcome {
  result: RunResult;
  /** The JS interpreter that continued the run, when the wasm code handed over. */
  interpreter?: Interpreter;
  /** After a hand-over: where, and the instructions charged or due before it. */
  handedOver?: { pc: number; ranBefore: number };
}

/**
 * Sets the header up for `req`'s run over `map`, starts the wasm code with `start` (which returns
 * its status), and finishes the run: the result at an exit or fault, or the JS interpreter
 * continuing from the header's state after a hand-over (it marks the functions it enters in
 * `entered`). Otherwise the final r0..r10 are in the header.
 */
function runOn(inst: Instance, req: RunRequest, map: MemoryMap, entered: Uint8Array | undefined, start: () => number, handOverMessage: string): RunOutcome {
  const { exe, syscalls, computeUnits, r2, checkAligned } = req;
  const initial = Number(computeUnits);
  const view = map.view;
  for (let slot = 0; slot < HEADER.regionSlots; slot++) {
    const at = regionEntry(slot);
    const begin = map.hostStart[slot] ?? -1;
    const length = begin < 0 ? 0 : map.hostLength[slot];
    const gapped = map.gapped[slot] === true;
    const writable = map.writable[slot] === true;
    view.setUint32(at + R.start, Math.max(0, begin), true);
    view.setUint32(at + R.loadLimit, gapped ? 0 : length, true);
    view.setUint32(at + R.storeLimit, gapped || !writable ? 0 : length, true);
    view.setUint32(at + R.gappedLoadLimit, gapped ? length : 0, true);
    view.setUint32(at + R.gappedStoreLimit, gapped && writable ? length : 0, true);
    // Nothing stored to this slot yet in this run.
    view.setUint32(at + R.writtenLow, 0xffff_ffff, true);
    view.setUint32(at + R.writtenHigh, 0, true);
    view.setUint32(at + R.loopStoreLimit, gapped || !writable || slot === INPUT_SLOT ? 0 : length, true);
  }
  view.setUint32(HEADER.inputMarks, Math.max(0, map.marksAt), true);
  INLINE_MEM_OP_HASHES.forEach((hash, op) => {
    const prices = inlineMemOpPrices(syscalls, hash);
    setU64FromNumber(view, memOpPrice(op, 'base'), prices ? prices.memOpBaseCost : 0);
    setU64FromNumber(view, memOpPrice(op, 'perUnit'), prices ? prices.cpiBytesPerUnit : 0); // 0: every call through JS
  });
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
    status = start();
  } catch (e) {
    if (!(e instanceof EbpfError)) throw e;
    error = e;
    error.returnPcs = Array.from({ length: view.getUint32(HEADER.depth, true) }, (_, f) => view.getInt32(frameAt(f) + FRAME.offsets.returnPc, true));
    status = STATUS_EXIT;
  } finally {
    // What the wasm code stored (syscalls and the interpreter note their own writes in the map);
    // only the map's own slots can have been stored to.
    for (let slot = 0; slot < Math.min(map.hostStart.length, HEADER.regionSlots); slot++) {
      const low = view.getUint32(regionEntry(slot) + R.writtenLow, true);
      const high = view.getUint32(regionEntry(slot) + R.writtenHigh, true);
      if (low < high) map.noteWritten(slot, low, high);
    }
  }
  if (status === STATUS_EXIT) {
    state.consume(Number(exports.due.value as bigint));
    const instructions = BigInt(initial - state.units);
    return { result: error ? { ok: false, error, instructions } : { ok: true, value: view.getBigUint64(headerRegister(0), true), instructions } };
  }

  // Hand over: registers, frames and meter state move to the interpreter.
  if (log.isLevelEnabled('debug')) log.debug({ pc: view.getInt32(HEADER.pc, true), depth: view.getUint32(HEADER.depth, true) }, handOverMessage);
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
  const result = interpreter.run({
    computeUnits,
    syscalls,
    resume: { pc, depth, remaining: state.units, previousMeter: Number(exports.prev.value as bigint), due },
    enteredFunctions: entered,
  });
  return { result, interpreter, handedOver: { pc, ranBefore: initial - state.units + due } };
}
