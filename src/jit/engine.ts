/**
 * Runs an executable on the JIT: compiles it once per (executable, syscall registry), maps the
 * invocation's memory into a fresh WebAssembly memory, and lends the compiled code the pieces it
 * calls out to (syscalls, faults, access violations). When the compiled code hands over, the
 * interpreter continues from the exact same state, so results never differ between engines.
 */
import type { Executable } from '../executable.js';
import { EbpfError } from '../vm/errors.js';
import { Interpreter, type RunResult } from '../vm/interpreter.js';
import type { MemoryMap } from '../vm/memory.js';
import { invokeSyscall, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { compileToWasm } from './compile.js';
import { FAULTS, HEADER, STATUS_EXIT } from './layout.js';

const modules = new WeakMap<Executable, WeakMap<SyscallRegistry, WebAssembly.Module>>();

/** The compiled module for `exe` with `syscalls` (compiled on first use). */
export function compiledModule(exe: Executable, syscalls: SyscallRegistry): WebAssembly.Module {
  let bySyscalls = modules.get(exe);
  if (!bySyscalls) modules.set(exe, (bySyscalls = new WeakMap()));
  let module = bySyscalls.get(syscalls);
  if (!module) bySyscalls.set(syscalls, (module = new WebAssembly.Module(compileToWasm(exe, syscalls))));
  return module;
}

const PAGE = 65536;

/** A WebAssembly memory large enough for `size` bytes, handed to `MemoryMap` as its backing. */
export function wasmBacking(): { backing: (size: number) => ArrayBuffer; memory: () => WebAssembly.Memory } {
  let memory: WebAssembly.Memory | undefined;
  return {
    backing: (size) => (memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(size / PAGE)) })).buffer,
    memory: () => memory!,
  };
}

interface Exports {
  run(): number;
  due: WebAssembly.Global;
  prev: WebAssembly.Global;
}

/** Runs `exe` over `memory` (built with {@link wasmBacking} and `HEADER.size` header bytes). */
export function runJit(exe: Executable, map: MemoryMap, wasmMemory: WebAssembly.Memory, syscalls: SyscallRegistry, computeUnits: bigint): RunResult {
  const initial = Number(computeUnits);
  const interpreter = new Interpreter(exe, map); // holds the initial registers, and takes over if asked
  const view = map.view;
  for (let slot = 0; slot < HEADER.regionSlots; slot++) {
    const at = HEADER.regionTable + 16 * slot;
    const start = map.hostStart[slot] ?? -1;
    view.setUint32(at, Math.max(0, start), true);
    view.setUint32(at + 4, start < 0 ? 0 : map.hostLength[slot], true);
    view.setUint32(at + 8, map.writable[slot] ? 1 : 0, true);
    view.setUint32(at + 12, map.gapped[slot] ? 1 : 0, true);
  }
  for (let r = 0; r <= 10; r++) view.setBigUint64(HEADER.regs + 8 * r, interpreter.B[r], true);
  view.setUint32(HEADER.depth, 0, true);

  let remaining = initial;
  let exports: Exports | undefined;
  const due = () => Number(exports!.due.value as bigint);
  const ctx: SyscallContext = {
    memory: map,
    remaining: () => BigInt(remaining),
    consume: (units) => {
      const u = Number(units);
      remaining = remaining > u ? remaining - u : 0;
    },
  };
  const imports = {
    env: {
      memory: wasmMemory,
      syscall: (hash: number, pc: number, r1: bigint, r2: bigint, r3: bigint, r4: bigint, r5: bigint) => {
        ctx.consume(due());
        exports!.due.value = 0n;
        try {
          return invokeSyscall(ctx, syscalls.lookup(hash >>> 0)!, [BigInt.asUintN(64, r1), BigInt.asUintN(64, r2), BigInt.asUintN(64, r3), BigInt.asUintN(64, r4), BigInt.asUintN(64, r5)], pc);
        } finally {
          exports!.prev.value = BigInt(remaining);
        }
      },
      fault: (kind: number, pc: number) => {
        throw new EbpfError(FAULTS[kind], undefined, pc);
      },
      access: (addr: bigint, size: number, store: number, pc: number) => {
        const err = map.accessViolation(BigInt.asUintN(64, addr), size, store !== 0);
        err.pc = pc;
        throw err;
      },
    },
  };
  const instance = new WebAssembly.Instance(compiledModule(exe, syscalls), imports);
  exports = instance.exports as unknown as Exports;
  exports.due.value = 0n;
  exports.prev.value = BigInt(initial);

  const finish = (outcome: { ok: true; value: bigint } | { ok: false; error: EbpfError }): RunResult => {
    ctx.consume(due());
    return { ...outcome, instructions: BigInt(initial - remaining) };
  };
  let status: number;
  try {
    status = exports.run();
  } catch (e) {
    if (e instanceof EbpfError) return finish({ ok: false, error: e });
    throw e;
  }
  if (status === STATUS_EXIT) return finish({ ok: true, value: view.getBigUint64(HEADER.regs, true) });

  // Hand over: registers, frames and meter state move to the interpreter.
  for (let r = 0; r <= 10; r++) interpreter.B[r] = view.getBigUint64(HEADER.regs + 8 * r, true);
  const depth = view.getUint32(HEADER.depth, true);
  for (let f = 0; f < depth; f++) {
    const at = HEADER.frames + HEADER.frameSize * f;
    for (let i = 0; i < 5; i++) interpreter.savedRegs[5 * f + i] = view.getBigUint64(at + 8 * i, true);
    interpreter.returnPc[f] = view.getInt32(at + 40, true);
  }
  return interpreter.run({
    computeUnits,
    syscalls,
    resume: { pc: view.getInt32(HEADER.pc, true), depth, remaining, previousMeter: Number(exports.prev.value as bigint), due: due() },
  });
}
