/**
 * Calls on the JIT: a function that calls itself runs as jumps inside one wasm function, other
 * calls pass only the argument registers, and both must end exactly as on the interpreter when
 * the recursion runs out of budget, out of call depth, faults deep down, or re-enters itself
 * through `callx` (a new wasm call in the middle of a recursion).
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, type ExecuteResult, type Executable } from '../../src/index.js';
import { compiledModule } from '../../src/jit/program-cache.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';

/**
 * `sum(n)`: recursive, with two call sites (one of them `callx` when `viaCallx`), r6/r7 kept across
 * calls, r2/r3 changed for the caller to see, a stack slot per frame, and a load from the unmapped
 * 0x7_0000_0000 when n equals `faultAt`. The entry keeps r6..r9 and adds up what the call left in r0..r3.
 */
function sumProgram(version: 0 | 3, n: number, { viaCallx = false, faultAt = -1 } = {}): Executable {
  const source = (sumAddress: bigint) => `
      mov r6, 1000
      mov r7, 2000
      mov r8, 3000
      mov r9, 4000
      mov r1, ${n}
      lddw r4, ${sumAddress}
      call function_sum
      add r0, r1
      add r0, r2
      add r0, r3
      add r0, r6
      add r0, r7
      add r0, r8
      add r0, r9
      exit
    function_sum:
      ${version >= 3 ? 'add r10, -64' : ''}
      mov r6, r1
      mov r2, r1
      jne r1, ${faultAt}, deeper
      mov r3, 7
      lsh r3, 32
      ldxdw r0, [r3+0]
    deeper:
      jgt r1, 1, recurse
      mov r0, r1
      exit
    recurse:
      mov r7, r1
      and r7, 1
      jeq r7, 0, even
      sub r1, 1
      call function_sum
      ja join
    even:
      sub r1, 2
      mov r3, r1
      ${viaCallx ? 'callx r4' : 'call function_sum'}
      add r0, 1
    join:
      add r0, r6
      mul r3, 3
      stxdw [r10-8], r0
      ldxdw r0, [r10-8]
      exit`;
  const draft = assemble(source(0n), { sbpfVersion: version });
  const sum = [...draft.functions.values()].find((f) => f.name === 'function_sum')!.pc;
  return assemble(source(BigInt(draft.textVaddr + 8 * sum)), { sbpfVersion: version });
}

interface Outcome {
  result: ExecuteResult;
  registers: readonly bigint[];
  returnPcs?: readonly number[];
}

function runOn(engine: 'jit' | 'interpreter', exe: Executable, computeUnits: number): Outcome {
  let registers: readonly bigint[] = [];
  const result = execute(exe, { engine, computeUnits, onExit: (_, r) => (registers = r) });
  return { result, registers, returnPcs: result.ok ? undefined : result.error.returnPcs };
}

/** Runs both engines with `computeUnits` and expects the same result, count, registers and call frames at an error; returns the outcome. */
function same(exe: Executable, computeUnits: number): Outcome {
  const interp = runOn('interpreter', exe, computeUnits);
  const jit = runOn('jit', exe, computeUnits);
  expect(compiledModule(exe, testSyscalls()), 'the program compiled (else the interpreter ran twice)').toBeDefined();
  expect(jit, `budget ${computeUnits}`).toEqual(interp);
  return jit;
}

describe.each([0, 3] as const)('recursion on the JIT (V%i)', (version) => {
  it('returns what the interpreter returns, r1..r5 as the callee left them and r6..r10 as the caller had them', () => {
    for (const viaCallx of [false, true]) {
      const outcome = same(sumProgram(version, 20, { viaCallx }), 1_000_000);
      expect(outcome.result).toMatchObject({ ok: true });
    }
  });

  it('runs out of budget at every point of a deep recursion exactly as the interpreter', () => {
    for (const viaCallx of [false, true]) {
      const exe = sumProgram(version, 40, { viaCallx });
      const whole = same(exe, 1_000_000).result.instructions;
      for (let budget = 0; budget < whole; budget += 7) {
        expect(same(exe, budget).result).toMatchObject({ ok: false, error: { kind: 'ExceededMaxInstructions' } });
      }
    }
  });

  it('exceeds the call depth at the same call, with the same frames', () => {
    for (const viaCallx of [false, true]) {
      const outcome = same(sumProgram(version, 200, { viaCallx }), 1_000_000);
      expect(outcome.result).toMatchObject({ ok: false, error: { kind: 'CallDepthExceeded' } });
      expect(outcome.returnPcs).toHaveLength(64);
    }
  });

  it('faults deep in the recursion at the same pc, with the same frames', () => {
    for (const viaCallx of [false, true]) {
      const outcome = same(sumProgram(version, 30, { viaCallx, faultAt: 4 }), 1_000_000);
      expect(outcome.result).toMatchObject({ ok: false, error: { kind: 'AccessViolation' } });
      expect(outcome.returnPcs!.length).toBeGreaterThan(10);
    }
  });
});
