/**
 * Tiering by working set (`engine: 'auto'`): the module is built from the functions the
 * interpreter has entered, a run that reaches a function left out hands over to the interpreter at
 * its entry with the same result, and once such runs have paid for it the module is rebuilt with
 * the larger set; `engine: 'jit'` still compiles the whole program.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assemble, execute, type ExecuteResult } from '../../src/index.js';
import { compiledModule, hasModule, tieringPolicy } from '../../src/jit/program-cache.js';
import { log } from '../../src/log.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';

/**
 * r1 (the input address) selects the callee by the input's first byte: 0 → small, else large.
 * Compiled modules are cached by content, so each test assembles its own variant (`tag`).
 */
const program = (tag: number) => `
  mov r9, ${tag}
  ldxb r2, [r1]
  mov r0, 0
  jne r2, 0, other
  call small
  exit
other:
  call large
  exit
small:
  mov r0, 7
  exit
large:
  mov r3, 0
loop:
  add r0, r3
  add r3, 1
  jlt r3, 40, loop
  exit
`;

/** The compiles logged while `body` runs: the working set each was built for. */
function compiles(body: () => void): unknown[] {
  vi.spyOn(log, 'isLevelEnabled').mockReturnValue(true);
  const spy = vi.spyOn(log, 'debug');
  body();
  return spy.mock.calls.filter((call) => call[1] === 'program compiled to WebAssembly').map((call) => (call[0] as { workingSet: unknown }).workingSet);
}

const saved = { ...tieringPolicy };
beforeEach(() => Object.assign(tieringPolicy, { perCompiledInstruction: 1, perProgramInstruction: 0, fixed: 20, perRun: 0 }));
afterEach(() => {
  Object.assign(tieringPolicy, saved);
  vi.restoreAllMocks();
});

describe('tiering by working set', () => {
  it('compiles the functions entered, hands over at the others, then rebuilds with them', () => {
    const exe = assemble(program(1), { sbpfVersion: 3 });
    const syscalls = testSyscalls();
    const run = (selector: number, engine: 'auto' | 'interpreter') => {
      let registers: readonly bigint[] = [];
      const result: ExecuteResult = execute(exe, { engine, syscalls, input: Uint8Array.of(selector), onExit: (_, r) => (registers = r) });
      return { result, registers };
    };
    const same = (selector: number) => {
      const auto = run(selector, 'auto');
      expect(auto).toEqual(run(selector, 'interpreter'));
      return auto.result;
    };
    const built = compiles(() => {
      // The small path only, until it is hot: the module holds the entrypoint and `small`.
      for (let i = 0; i < 6; i++) expect(same(0)).toMatchObject({ ok: true, value: 7n });
      expect(hasModule(exe, syscalls)).toBe(true);
      // `large` is left out: it runs on the interpreter from its entry, with the same results, until rebuilt.
      for (let i = 0; i < 12; i++) expect(same(1)).toMatchObject({ ok: true, value: 780n });
    });
    expect(built).toEqual([
      { instructions: expect.any(Number), functions: 2 },
      { instructions: expect.any(Number), functions: 3 },
    ]);
    const [first, second] = built as { instructions: number }[];
    expect(second.instructions).toBeGreaterThan(first.instructions);
  });

  it('a rebuild for a larger working set does not pay for the whole-program analysis again', () => {
    // The analysis is priced far above the rest, so only the first build waits for it.
    tieringPolicy.perProgramInstruction = 50;
    const exe = assemble(program(4), { sbpfVersion: 3 });
    const syscalls = testSyscalls();
    const built = compiles(() => {
      let runs = 0;
      while (!hasModule(exe, syscalls) && runs++ < 1000) execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(0) });
      // Well past the first run: the analysis (50 per slot) had to be paid for first.
      expect(runs).toBeGreaterThan(50);
      // `large` interpreted once pays for compiling it; the next run's module is rebuilt.
      for (let i = 0; i < 2; i++) execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(1) });
    });
    expect(built).toEqual([
      { instructions: expect.any(Number), functions: 2 },
      { instructions: expect.any(Number), functions: 3 },
    ]);
  });

  it('rebuilds once hand-overs pay for a larger set, though they did not when it was first counted', () => {
    // `large` is long but runs two instructions: counting it in makes the next build cost more than
    // the hand-overs had paid by then, so the rebuild waits for them to pay for the larger set.
    const exe = assemble(program(5).replace('large:\n', `large:\n  mov r0, 9\n  exit\n${'  mov r0, 1\n'.repeat(200)}`), { sbpfVersion: 3 });
    const syscalls = testSyscalls();
    const built = compiles(() => {
      for (let i = 0; i < 6; i++) execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(0) });
      for (let i = 0; i < 300; i++) {
        const auto = execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(1) });
        expect(auto).toEqual(execute(exe, { engine: 'interpreter', syscalls, input: Uint8Array.of(1) }));
      }
    });
    expect(built).toEqual([
      { instructions: expect.any(Number), functions: 2 },
      { instructions: expect.any(Number), functions: 3 },
    ]);
    expect((built[1] as { instructions: number }).instructions).toBeGreaterThan(200);
  });

  it('the same budget runs out at the same instruction whichever tier a function is on', () => {
    const exe = assemble(program(2), { sbpfVersion: 3 });
    const syscalls = testSyscalls();
    for (let i = 0; i < 6; i++) execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(0) });
    for (let budget = 0; budget < 140; budget += 7) {
      const auto = execute(exe, { engine: 'auto', syscalls, computeUnits: budget, input: Uint8Array.of(1) });
      expect(auto).toEqual(execute(exe, { engine: 'interpreter', syscalls, computeUnits: budget, input: Uint8Array.of(1) }));
    }
  });

  it("engine 'jit' compiles the whole program, replacing a module built for a working set", () => {
    const exe = assemble(program(3), { sbpfVersion: 3 });
    const syscalls = testSyscalls();
    const built = compiles(() => {
      for (let i = 0; i < 6; i++) execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(0) });
      const whole = compiledModule(exe, syscalls);
      expect(compiledModule(exe, syscalls)).toBe(whole);
      // A whole module is never replaced by tiering.
      for (let i = 0; i < 12; i++) execute(exe, { engine: 'auto', syscalls, input: Uint8Array.of(1) });
      expect(compiledModule(exe, syscalls)).toBe(whole);
    });
    expect(built).toEqual([{ instructions: expect.any(Number), functions: 2 }, 'whole program']);
  });
});
