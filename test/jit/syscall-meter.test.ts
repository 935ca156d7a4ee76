/**
 * The meter across syscalls on the compiled code and on the WebAssembly interpreter: the
 * instructions due before a syscall are charged before it runs, and the code continues from the
 * units it leaves (both pass through the run's header, see `HEADER.syscallDue`). Every budget, up
 * to running out inside a syscall's charge, and a syscall that fails, end as on the JS interpreter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assemble, execute, SyscallRegistry, type Engine } from '../../src/index.js';
import { wasmInterpreterRuns } from '../../src/jit/engine.js';
import { tieringPolicy } from '../../src/jit/program-cache.js';

const saved = { ...tieringPolicy };
// 'auto' never compiles: it runs the program on the wasm interpreter.
beforeEach(() => Object.assign(tieringPolicy, { fixed: Infinity }));
afterEach(() => void Object.assign(tieringPolicy, saved));

/**
 * 40 rounds of: count in r6, call `charge` (3 units, returns r1 * 2 + its units left mod 5) on it,
 * sum its results in r7 — in a block of 13 instructions, which the meter runs out in at many budgets.
 */
const LOOP = `
  mov r6, 0
  mov r7, 0
loop:
  add r6, 1
  mov r1, r6
  syscall charge
  add r7, r0${'\n  add r8, 1'.repeat(11)}
  jlt r6, 40, loop
  mov r0, r7
  exit`;

/** `charge`, failing when r1 is `failAt`. */
function registry(failAt: bigint): SyscallRegistry {
  return new SyscallRegistry().register(
    'charge',
    (ctx, r1) => {
      if (r1 === failAt) throw new Error(`charge failed at ${r1}`);
      return r1 * 2n + (ctx.remaining() % 5n);
    },
    { cost: 3 },
  );
}

describe('meter across syscalls', () => {
  it.each([0n, 17n])('every budget ends as on the interpreter on the JIT and the wasm interpreter (failing at call %i)', (failAt) => {
    const exe = assemble(LOOP);
    // The wasm interpreter's registry has a syscall more: programs compiled for the JIT's are cached per syscall set.
    const registries = { interpreter: registry(failAt), jit: registry(failAt), auto: registry(failAt).register('unused', () => 0n) };
    const run = (engine: Engine, computeUnits: number) => execute(exe, { engine, syscalls: registries[engine], computeUnits });
    const whole = run('interpreter', 1_000_000);
    const end = Number(whole.instructions) + 2;
    const before = wasmInterpreterRuns.runs;
    for (let budget = 1; budget <= end; budget++) {
      const expected = run('interpreter', budget);
      expect(run('jit', budget), `jit, budget ${budget}`).toEqual(expected);
      expect(run('auto', budget), `wasm interpreter, budget ${budget}`).toEqual(expected);
    }
    expect(wasmInterpreterRuns.runs - before).toBe(end);
    if (failAt === 0n) expect(whole).toMatchObject({ ok: true });
    else expect(whole).toMatchObject({ ok: false, error: { kind: 'SyscallError' } });
  });
});
