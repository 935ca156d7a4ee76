/**
 * The JIT's instruction meter: blocks form regions (see `meterRegions`), checked once at their
 * head for their longest run and charged where a run leaves them or is observed. Whatever the
 * budget, the run must end where the interpreter's does: same result, error, count, registers and
 * writable memory, with the budget running out inside merged blocks, in loops, in callees, at a
 * syscall, at a fault and at the exit.
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, SBPFVersion, SyscallRegistry, type Executable } from '../../src/index.js';
import { basicBlocks, functionGraph, meterRegions } from '../../src/jit/cfg.js';
import { compiledModule } from '../../src/jit/program-cache.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';
import { big, finalState, randomProgram, Rng } from './fuzz.js';

/** Runs `exe` on both engines with `computeUnits` and expects the same outcome and final state; returns the interpreter's result. */
function same(exe: Executable, computeUnits: number, input = new Uint8Array(0)) {
  let interpState = '';
  let jitState = '';
  const interp = execute(exe, { engine: 'interpreter', computeUnits, input, onExit: (m, r) => (interpState = finalState(m, r)) });
  const jit = execute(exe, { engine: 'jit', computeUnits, input, onExit: (m, r) => (jitState = finalState(m, r)) });
  if (JSON.stringify(jit, big) !== JSON.stringify(interp, big) || jitState !== interpState) {
    expect(jit, `budget ${computeUnits}`).toEqual(interp);
    expect(jitState, `registers and memory, budget ${computeUnits}`).toBe(interpState);
  }
  return interp;
}

/** Every budget from 0 to one past what the whole run takes; returns the whole run's result. */
function everyBudget(exe: Executable, input = new Uint8Array(0)) {
  const whole = same(exe, 1_000_000, input);
  expect(compiledModule(exe, testSyscalls()), 'the program compiled (else the interpreter ran twice)').toBeDefined();
  for (let budget = 0; budget <= Number(whole.instructions) + 1; budget++) same(exe, budget, input);
  return whole;
}

/**
 * A loop whose body is a tree of blocks (one region: the arms and the tail continue the header's
 * count), with loads and stores on the stack, a syscall in one arm, a call to a function with a
 * loop of its own and `callx` to it, and a division by a register that reaches zero on the
 * iteration `zeroAt` (never when negative).
 */
function treeLoop(zeroAt: number): string {
  return `
      mov r6, 0
      mov r7, ${zeroAt < 0 ? 1000 : zeroAt}
      lddw r8, FUNCTION_ADDRESS
      stxdw [r10-8], r6
    top:
      ldxdw r1, [r10-8]
      add r1, r6
      jset r6, 1, odd
      mul r1, 3
      stxdw [r10-16], r1
      jgt r6, 5, big
      add r1, 7
      stxw [r10-24], r1
      ja tail
    big:
      mov r1, r10
      sub r1, 32
      mov r2, 8
      syscall bpf_mem_frob
      ja tail
    odd:
      mov r1, r6
      call function_count
      add r9, r0
      mov r1, 3
      callx r8
      add r9, r0
    tail:
      mov r2, 100
      mov r3, r7
      sub r3, r6
      div r2, r3
      add r9, r2
      stxdw [r10-8], r9
      add r6, 1
      jlt r6, 12, top
      ldxdw r0, [r10-16]
      add r0, r9
      exit
    function_count:
      mov r0, 0
    again:
      add r0, r1
      sub r1, 1
      jsgt r1, 0, again
      exit`;
}

/** `treeLoop` assembled with `callx`'s target in place (it is only known once the text is laid out). */
function assembleTreeLoop(zeroAt: number, sbpfVersion: 0 | 3): Executable {
  const draft = assemble(treeLoop(zeroAt).replace('FUNCTION_ADDRESS', '0'), { sbpfVersion });
  const target = [...draft.functions.values()].find((f) => f.name === 'function_count')!.pc;
  return assemble(treeLoop(zeroAt).replace('FUNCTION_ADDRESS', String(draft.textVaddr + 8 * target)), { sbpfVersion });
}

describe('JIT meter regions', () => {
  it('a loop with an if/else is two regions with one check each: the header and the merge', () => {
    const exe = assemble(
      `
        mov r0, 1
        mov r3, 10
      top:
        xor r0, r3
        jgt r0, 8, high
        lsh r0, 2
        ja join
      high:
        rsh r0, 1
      join:
        add r3, -1
        jne r3, 0, top
        or r0, 1
        exit`,
      { sbpfVersion: 2 },
    );
    const { blocks, blockOf } = basicBlocks(exe, new SyscallRegistry());
    const entries = new Uint8Array(blocks.length);
    entries[blockOf[0]] = 1;
    const g = functionGraph(blocks, blockOf[0], entries, new Int32Array(blocks.length).fill(-1))!;
    const { head, offset, reach } = meterRegions(g, blocks);
    const at = (slot: number) => g.nodes.indexOf(blockOf[slot]);
    // Slots: 0 entry, 2 top:, 4 the low arm, 6 high:, 7 join:, 9 after the loop.
    expect([0, 2, 4, 6, 7, 9].map((slot) => head[at(slot)])).toEqual([1, 1, 0, 0, 1, 0]);
    expect([4, 6, 9].map((slot) => offset[at(slot)])).toEqual([2, 2, 2]);
    // top: its 2 instructions and the longer arm (2); join: its 2 and the 2 after the loop.
    expect([2, 7].map((slot) => reach[at(slot)])).toEqual([4, 4]);
    expect(everyBudget(exe)).toMatchObject({ ok: true });
  });

  it.each([0, 3] as const)('V%i: every budget through a loop of merged blocks with stores, a syscall, calls and callx ends as on the interpreter', (v) => {
    expect(everyBudget(assembleTreeLoop(-1, v))).toMatchObject({ ok: true });
  });

  it.each([0, 3] as const)('V%i: every budget up to a fault in the middle of a merged region ends as on the interpreter', (v) => {
    expect(everyBudget(assembleTreeLoop(9, v))).toMatchObject({ ok: false, error: { kind: 'DivideByZero' } });
  });

  it('an access violation after other blocks of its region counts the instructions before it', () => {
    const exe = assemble(
      `
        mov r1, 5
        jeq r1, 4, skip
        add r1, 1
        mov r2, 7
        lsh r2, 32
        ldxdw r0, [r2+0]
      skip:
        exit`,
      { sbpfVersion: 0 },
    );
    expect(everyBudget(exe)).toMatchObject({ ok: false, error: { kind: 'AccessViolation' }, instructions: 6n });
  });

  it('random programs: every budget up to the end of the run ends as on the interpreter', () => {
    const rng = new Rng(20260801);
    const versions = [SBPFVersion.V0, SBPFVersion.V2, SBPFVersion.V3];
    for (let i = 0; i < 150; i++) {
      const { exe } = randomProgram(rng, versions[i % versions.length], { wide: true, recursive: i % 2 === 0 });
      const input = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
      const whole = Number(same(exe, 2_000, input).instructions);
      if (!compiledModule(exe, testSyscalls())) expect.fail(`program ${i} did not compile`);
      for (let budget = 0; budget <= Math.min(whole, 400) + 1; budget++) same(exe, budget, input);
    }
  });
});
