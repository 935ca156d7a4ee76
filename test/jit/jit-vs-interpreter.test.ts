/**
 * Differential fuzzing: thousands of seeded random programs of every version run on the JIT, on
 * the WebAssembly interpreter (`'auto'`'s cold tier) and on the JS interpreter; result, error kind
 * and text, faulting pc, instruction count, the final registers and the final contents of every
 * writable region (stack, heap, input) must agree, after success, fault, hand-over or budget
 * exhaustion alike.
 * `FUZZ_PROGRAMS=200000 npm run fuzz` runs longer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execute, SBPFVersion, type Executable, type ExecuteResult, type SyscallRegistry } from '../../src/index.js';
import { compiledModule, hasModule, tieringPolicy } from '../../src/jit/program-cache.js';
import { wasmInterpreterRuns } from '../../src/jit/engine.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';
import { big, finalState, randomProgram, Rng } from './fuzz.js';

const PROGRAMS = Number(process.env.FUZZ_PROGRAMS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

describe('JIT vs interpreter', () => {
  const saved = { ...tieringPolicy };
  // 'auto' never compiles in the comparisons below: it runs every program on the wasm interpreter.
  beforeEach(() => Object.assign(tieringPolicy, { fixed: Infinity }));
  afterEach(() => Object.assign(tieringPolicy, saved));

  it(
    `${PROGRAMS} random programs (seed ${SEED})`,
    () => {
      const rng = new Rng(SEED);
      const versions = [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4];
      const kinds = new Map<string, number>();
      const syscalls = testSyscalls(); // execute()'s default set
      for (let i = 0; i < PROGRAMS; i++) {
        const v = versions[i % versions.length];
        const { exe, budget } = randomProgram(rng, v);
        const interp = expectSameOnBothEngines(exe, budget, rng, syscalls, `program ${i} (V${v})`);
        const kind = interp.ok ? 'ok' : interp.error.kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      // The generator must reach the interesting outcomes, not only one of them.
      for (const k of [
        'ok',
        'ExceededMaxInstructions',
        'AccessViolation',
        'StackAccessViolation',
        'CallDepthExceeded',
        'DivideByZero',
        'UnsupportedInstruction',
      ]) {
        expect(kinds.get(k) ?? 0, `${k} in ${JSON.stringify([...kinds])}`).toBeGreaterThan(0);
      }
    },
    120_000 + PROGRAMS * 20,
  );

  it(
    `${PROGRAMS} random programs of 64-bit instructions, which the wasm interpreter runs without handing over (seed ${SEED})`,
    () => {
      const rng = new Rng(SEED + 3);
      const syscalls = testSyscalls();
      const before = { ...wasmInterpreterRuns };
      let units = 0;
      for (let i = 0; i < PROGRAMS; i++) {
        const v = [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4][i % 5];
        const { exe, budget } = randomProgram(rng, v, { wide: true, recursive: i % 3 === 0 });
        units += Number(expectSameOnBothEngines(exe, budget, rng, syscalls, `wide program ${i} (V${v})`).instructions);
      }
      // Nearly all the work happens in wasm (97.7 % of the units with the default seed), not after a hand-over.
      const inWasm = wasmInterpreterRuns.unitsInWasm - before.unitsInWasm;
      expect(inWasm / units, `${inWasm} of ${units} units charged in wasm`).toBeGreaterThan(0.9);
      const runs = wasmInterpreterRuns.runs - before.runs;
      const handedOver = wasmInterpreterRuns.handedOver - before.handedOver;
      expect(runs).toBe(PROGRAMS);
      // Faults and budgets that run out hand over; the rest must finish in wasm.
      expect(handedOver / runs, `${handedOver} of ${runs} runs handed over`).toBeLessThan(0.9);
    },
    120_000 + PROGRAMS * 20,
  );

  it(
    `${Math.ceil(PROGRAMS / 5)} random programs that call their own entry, compiled as jumps (seed ${SEED})`,
    () => {
      const rng = new Rng(SEED + 2);
      const kinds = new Map<string, number>();
      const syscalls = testSyscalls();
      for (let i = 0; i < Math.ceil(PROGRAMS / 5); i++) {
        const v = [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4][i % 5];
        const { exe, budget } = randomProgram(rng, v, { recursive: true });
        const interp = expectSameOnBothEngines(exe, budget, rng, syscalls, `recursive program ${i} (V${v})`);
        const kind = interp.ok ? 'ok' : interp.error.kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
      // Deep recursion must end in each way: exit, the call depth, the budget, a fault.
      for (const k of ['ok', 'CallDepthExceeded', 'ExceededMaxInstructions', 'AccessViolation']) {
        expect(kinds.get(k) ?? 0, `${k} in ${JSON.stringify([...kinds])}`).toBeGreaterThan(0);
      }
    },
    120_000 + PROGRAMS * 20,
  );

  it(
    `'auto' switches tiers between runs without changing any result (${Math.ceil(PROGRAMS / 5)} programs, seed ${SEED})`,
    () => {
      const rng = new Rng(SEED + 1);
      const syscalls = testSyscalls();
      // Compile after a dozen interpreted instructions, so most programs switch within their four runs.
      Object.assign(tieringPolicy, { perCompiledInstruction: 0, perProgramInstruction: 0, fixed: 12, perRun: 0 });
      let switched = 0;
      {
        for (let i = 0; i < Math.ceil(PROGRAMS / 5); i++) {
          const { exe, budget } = randomProgram(rng, [SBPFVersion.V0, SBPFVersion.V3, SBPFVersion.V4][i % 3]);
          let wasHot = false;
          for (let run = 0; run < 4; run++) {
            const input = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
            const computeUnits = run % 2 ? budget : rng.int(budget + 1);
            let autoState = '';
            let interpState = '';
            const auto: ExecuteResult = execute(exe, { engine: 'auto', syscalls, computeUnits, input, onExit: (m, r) => (autoState = finalState(m, r)) });
            const ranCompiled = hasModule(exe, syscalls); // built, if at all, before this run started
            const interp = execute(exe, { engine: 'interpreter', syscalls, computeUnits, input, onExit: (m, r) => (interpState = finalState(m, r)) });
            if (JSON.stringify(auto, big) !== JSON.stringify(interp, big) || autoState !== interpState) {
              const context = `program ${i} run ${run} (budget ${computeUnits}, compiled ${ranCompiled}): ${Buffer.from(exe.text).toString('hex')}`;
              expect(auto, context).toEqual(interp);
              expect(autoState, `registers and memory after ${context}`).toBe(interpState);
            }
            wasHot ||= ranCompiled;
          }
          if (wasHot) switched++;
        }
      }
      expect(switched, 'programs that reached the compiled tier').toBeGreaterThan(PROGRAMS / 20);
    },
    120_000 + PROGRAMS * 20,
  );
});

/**
 * Runs `exe` on the JS interpreter, on the wasm interpreter (`'auto'` before anything compiled it)
 * and on the JIT with a random input and expects the same result, error, count, final registers
 * and writable memory; returns the JS interpreter's result.
 */
function expectSameOnBothEngines(exe: Executable, budget: number, rng: Rng, syscalls: SyscallRegistry, name: string): ExecuteResult {
  const input = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
  let interpMemory = '';
  const interp = execute(exe, { engine: 'interpreter', computeUnits: budget, input, onExit: (m, r) => (interpMemory = finalState(m, r)) });
  for (const engine of ['auto', 'jit'] as const) {
    let memory = '';
    const other = execute(exe, { engine, computeUnits: budget, input, onExit: (m, r) => (memory = finalState(m, r)) });
    // A program the JIT cannot compile would run on the interpreter and compare it with itself.
    if (engine === 'jit' && !compiledModule(exe, syscalls)) expect.fail(`${name} did not compile: ${Buffer.from(exe.text).toString('hex')}`);
    if (JSON.stringify(other, big) !== JSON.stringify(interp, big) || memory !== interpMemory) {
      const context = `${name} on ${engine}, budget ${budget}: ${Buffer.from(exe.text).toString('hex')}`;
      expect(other, context).toEqual(interp);
      expect(memory, `registers and memory after ${context}`).toBe(interpMemory);
    }
  }
  return interp;
}
