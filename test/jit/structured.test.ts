/**
 * The JIT's control-flow structuring: reducible functions become nested blocks and loops (no
 * dispatcher), irreducible ones fall back to the dispatcher, calls and callx reach compiled
 * functions (callx through the table) without leaving the JIT, and every shape ends in the same
 * result, count and registers as the interpreter.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assemble, execute, SyscallRegistry, type Executable } from '../../src/index.js';
import { basicBlocks, functionGraph, pruneCallsThatNeverReturn } from '../../src/jit/cfg.js';
import { compiledModule } from '../../src/jit/program-cache.js';
import { log } from '../../src/log.js';
import { testSyscalls } from '../../src/vm/test-syscalls.js';

/** The graph of the function entered at slot `pc` (every registered function is an entry). */
function graphAt(exe: Executable, pc: number, prune = true) {
  const { blocks, blockOf } = basicBlocks(exe, new SyscallRegistry());
  const entries = new Uint8Array(blocks.length);
  entries[blockOf[exe.entryPc]] = 1;
  for (const f of exe.functions.values()) entries[blockOf[f.pc]] = 1;
  if (prune) pruneCallsThatNeverReturn(blocks, blockOf, entries);
  const g = functionGraph(blocks, blockOf[pc], entries, new Int32Array(blocks.length).fill(-1))!;
  const startOf = (node: number) => blocks[g.nodes[node]].start;
  return {
    g,
    startOf,
    headers: g.nodes
      .map((_, i) => i)
      .filter((i) => g.loopHeader[i])
      .map(startOf),
  };
}

/** Runs both engines; returns the JIT's result after checking the program compiled and the result and final registers equal the interpreter's. */
function same(exe: Executable, computeUnits = 100_000) {
  let interpRegs: readonly bigint[] = [];
  let jitRegs: readonly bigint[] = [];
  const interp = execute(exe, { engine: 'interpreter', computeUnits, onExit: (_, r) => (interpRegs = r) });
  const jit = execute(exe, { engine: 'jit', computeUnits, onExit: (_, r) => (jitRegs = r) });
  expect(compiledModule(exe, testSyscalls()), 'the program compiled (else the interpreter ran twice)').toBeDefined();
  expect(jit).toEqual(interp);
  expect(jitRegs).toEqual(interpRegs);
  return jit;
}

/** Counts the JIT's hand-overs to the interpreter while `body` runs. */
function handOvers(body: () => void): number {
  const enabled = vi.spyOn(log, 'isLevelEnabled').mockReturnValue(true);
  const spy = vi.spyOn(log, 'debug');
  try {
    body();
    return spy.mock.calls.filter((call) => call[1] === 'JIT hands over to the interpreter').length;
  } finally {
    spy.mockRestore();
    enabled.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

const NESTED_LOOPS = `
  mov r0, 0
  mov r1, 0
outer:
  mov r2, 0
inner:
  add r0, r2
  jset r0, 1, odd
  add r0, 3
  ja next
odd:
  sub r0, 1
next:
  add r2, 1
  jlt r2, 7, inner
  add r1, 1
  jlt r1, 5, outer
  exit`;

describe('JIT control-flow structuring', () => {
  it('nested loops with an if/else are reducible: two loop headers, the join is a merge node', () => {
    const exe = assemble(NESTED_LOOPS, { sbpfVersion: 2 });
    const { g, startOf, headers } = graphAt(exe, 0);
    expect(g.reducible).toBe(true);
    expect(headers).toEqual([2, 3]); // outer:, inner:
    const merges = g.nodes
      .map((_, i) => i)
      .filter((i) => g.merge[i])
      .map(startOf);
    expect(merges).toEqual([8]); // next:
    expect(handOvers(() => expect(same(exe)).toMatchObject({ ok: true }))).toBe(0);
  });

  it('a loop entered in two places is irreducible and runs through the dispatcher, still exactly', () => {
    const src = `
      mov r0, 0
      jeq r1, 0, b
    a:
      add r0, 1
    b:
      add r0, 2
      jlt r0, 50, a
      exit`;
    const exe = assemble(src, { sbpfVersion: 2 });
    expect(graphAt(exe, 0).g.reducible).toBe(false);
    expect(handOvers(() => expect(same(exe)).toMatchObject({ ok: true }))).toBe(0);
  });

  it('a dominator tree too deep to structure recursively (2 500 if-chains) is dispatched, still exactly', () => {
    let src = 'mov r0, 0\nmov r1, 3\n';
    for (let i = 0; i < 2500; i++) src += `jeq r1, ${i % 7}, skip${i}\nadd r0, 1\nskip${i}:\n`;
    const skipped = Array.from({ length: 2500 }, (_, i) => i % 7 === 3).filter(Boolean).length;
    const exe = assemble(`${src}exit`, { sbpfVersion: 2 });
    const { g } = graphAt(exe, 0);
    expect(g.reducible).toBe(true);
    expect(g.domDepth).toBeGreaterThan(2000);
    expect(handOvers(() => expect(same(exe)).toMatchObject({ ok: true, value: BigInt(2500 - skipped) }))).toBe(0);
  });

  it('the code after a call that never returns is no successor: the panic pattern stays reducible', () => {
    const src = `
      mov r6, 0
      jeq r6, 0, counted
    panic:
      call function_panic
    counted:
      add r6, 1
      jeq r6, 50, panic
      jlt r6, 100, counted
      mov r0, r6
      exit
    function_panic:
      mov r2, 0
      ldxdw r0, [r2+0]
      ja function_panic`;
    const exe = assemble(src, { sbpfVersion: 2 });
    expect(graphAt(exe, 0, false).g.reducible).toBe(false); // with the phantom edge panic → counted
    expect(graphAt(exe, 0).g.reducible).toBe(true);
    expect(handOvers(() => expect(same(exe)).toMatchObject({ ok: false, error: { kind: 'AccessViolation' } }))).toBe(0);
  });

  it('code shared by many functions is compiled within a budget; functions past it run in the interpreter, exactly', () => {
    let src = 'entrypoint:\n';
    for (let i = 0; i < 300; i++) src += `call function_f${i}\n`;
    src += 'exit\n';
    for (let i = 0; i < 300; i++) src += `function_f${i}:\nadd r0, ${i}\nja body\n`;
    src += 'body:\n';
    for (let j = 0; j < 300; j++) src += `jeq r0, ${j}, b${j}\nadd r0, 1\nb${j}:\n`;
    const exe = assemble(`${src}exit`, { sbpfVersion: 0 });
    expect(handOvers(() => expect(same(exe, 1_000_000)).toMatchObject({ ok: true }))).toBe(1);
  });

  it("every budget across a structured loop gives the interpreter's count and registers", () => {
    const exe = assemble(NESTED_LOOPS, { sbpfVersion: 0 });
    const total = Number(execute(exe, { engine: 'interpreter' }).instructions);
    for (let budget = 1; budget <= total + 1; budget += 7) same(exe, budget);
  });

  it('recursion runs in compiled functions down to the call-depth limit', () => {
    const src = `
      mov r1, 0
      call function_down
      exit
    function_down:
      add r1, 1
      mov r0, r1
      jgt r1, LIMIT, done
      call function_down
    done:
      exit`;
    const fits = assemble(src.replace('LIMIT', '40'), { sbpfVersion: 0 });
    expect(handOvers(() => expect(same(fits)).toMatchObject({ ok: true, value: 41n }))).toBe(0);
    const tooDeep = assemble(src.replace('LIMIT', '100'), { sbpfVersion: 0 });
    expect(same(tooDeep)).toMatchObject({ ok: false, error: { kind: 'CallDepthExceeded' } });
  });

  it('callx reaches a registered function through the table; any other target continues in the interpreter', () => {
    const src = `
      mov r0, 5
      lddw r1, TARGET
      callx r1
      add r0, 1
      exit
    function_nine:
      mov r0, 9
      exit`;
    const entry = assemble(src.replace('TARGET', '0x100000030'), { sbpfVersion: 0 }); // slot 6: function_nine
    expect(handOvers(() => expect(same(entry)).toMatchObject({ ok: true, value: 10n }))).toBe(0);
    // Slot 8, inside it (one slot later with the `add`), computed at run time: no function starts there.
    const inside = assemble(src.replace('lddw r1, TARGET', 'lddw r1, 0x100000038\n      add r1, 8'), { sbpfVersion: 0 });
    expect(handOvers(() => expect(same(inside)).toMatchObject({ ok: true, value: 6n }))).toBe(1);
  });

  it('callx to a slot whose address the program holds (lddw, read-only data) stays in compiled code', () => {
    const src = `
      mov r0, 5
      lddw r1, TARGET
      LOAD
      callx r1
      add r0, 1
      exit
      mov r0, 9
      exit`;
    // Slot 8, the second \`exit\`, no registered function: by an lddw immediate…
    const byLddw = assemble(src.replace('TARGET', '0x100000040').replace('LOAD', 'mov r2, 0'), { sbpfVersion: 0 });
    expect(handOvers(() => expect(same(byLddw)).toMatchObject({ ok: true, value: 6n }))).toBe(0);
    // …and through a pointer stored after the bytecode in the read-only image (a vtable's shape).
    const viaData = assemble(src.replace('TARGET', '0x100000048').replace('LOAD', 'ldxdw r1, [r1]'), { sbpfVersion: 0 });
    const image = new Uint8Array(viaData.text.length + 8);
    image.set(viaData.text);
    new DataView(image.buffer).setBigUint64(viaData.text.length, 0x100000040n, true);
    const withData: Executable = { ...viaData, programRegions: [{ vaddr: viaData.programRegions[0].vaddr, bytes: image }] };
    expect(handOvers(() => expect(same(withData)).toMatchObject({ ok: true, value: 6n }))).toBe(0);
  });

  it('falling from one function into the next (after a call that returns) leaves the JIT exactly', () => {
    const src = `
      call function_a
      exit
    function_a:
      mov r0, 3
      call function_b
    function_b:
      add r0, 4
      exit`;
    const exe = assemble(src, { sbpfVersion: 0 });
    expect(same(exe)).toMatchObject({ ok: true });
  });
});
