/**
 * JIT specifics: compiled modules are cached per executable and syscall registry, reused
 * instances start every run clean, the hand-over to the interpreter keeps counts exact, addresses whose upper half is huge do not alias small
 * slots, and compile time on a large real program stays within budget.
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, loadElf, SyscallRegistry } from '../../src/index.js';
import { compiledModule } from '../../src/jit/program-cache.js';
import { BUNDLED, bundledElf } from '../helpers/bundled-programs.js';

const both = (src: string, v: 0 | 1 | 2 | 3 | 4, opts: Parameters<typeof execute>[1] = {}) => {
  const exe = assemble(src, { sbpfVersion: v });
  return [execute(exe, { ...opts, engine: 'interpreter' }), execute(exe, { ...opts, engine: 'jit' })];
};

describe('JIT', () => {
  it('caches one module per program content and syscall set', () => {
    const exe = assemble('mov r0, 1\nexit');
    const registry = new SyscallRegistry();
    expect(compiledModule(exe, registry)).toBe(compiledModule(exe, registry));
    expect(compiledModule(assemble('mov r0, 1\nexit'), registry)).toBe(compiledModule(exe, registry));
    expect(compiledModule(assemble('mov r0, 2\nexit'), registry)).not.toBe(compiledModule(exe, registry));
    // Another registry with the same syscalls shares the module; one more syscall changes it.
    expect(compiledModule(exe, new SyscallRegistry())).toBe(compiledModule(exe, registry));
    const more = new SyscallRegistry().register('sol_log_', () => 0n);
    expect(compiledModule(exe, more)).not.toBe(compiledModule(exe, registry));
  });
  it('hands over to the interpreter when a block would exhaust the meter, with the exact count', () => {
    const src = 'mov r0, 0\nloop:\nadd r0, 1\nadd r0, 1\nadd r0, 1\njlt r0, 1000, loop\nexit';
    for (const budget of [1, 2, 3, 4, 5, 6, 100, 101, 102, 103, 1335, 1336]) {
      const [interp, jit] = both(src, 0, { computeUnits: budget });
      expect(jit, `budget ${budget}`).toEqual(interp);
    }
  });
  it('hands over at callx and continues in the callee', () => {
    const src = 'mov r0, 5\nlddw r1, 0x100000030\ncallx r1\nadd r0, 1\nexit\nmov r0, 9\nexit';
    const [interp, jit] = both(src, 0);
    expect(interp).toMatchObject({ ok: true, value: 10n });
    expect(jit).toEqual(interp);
  });
  it('a reused instance gives every run a zeroed stack and heap and intact read-only data', () => {
    const src = `
      ldxdw r0, [r10-8]
      lddw r1, 0x300000000
      ldxdw r2, [r1]
      or r0, r2
      stdw [r10-8], 7
      stdw [r1], 9
      lddw r3, 0x100000000
      ldxdw r4, [r3]
      exit`;
    const exe = assemble(src, { sbpfVersion: 0 });
    let interpRegs: readonly bigint[] = [];
    expect(execute(exe, { engine: 'interpreter', onExit: (_, r) => (interpRegs = r) })).toMatchObject({ ok: true, value: 0n });
    for (let run = 0; run < 3; run++) {
      let regs: readonly bigint[] = [];
      expect(execute(exe, { engine: 'jit', onExit: (_, r) => (regs = r) }), `run ${run}`).toMatchObject({ ok: true, value: 0n });
      expect(regs[4], `run ${run}: first text word`).toBe(interpRegs[4]);
    }
  });
  it('a trailing partial slot behaves as in the interpreter (execution overruns)', () => {
    const base = assemble('mov r0, 1\nja +0', { sbpfVersion: 0 });
    const text = new Uint8Array(base.text.length + 4);
    text.set(base.text);
    const exe = { ...base, text, contentHash: '' };
    const interp = execute(exe, { engine: 'interpreter' });
    expect(interp).toMatchObject({ ok: false, error: { kind: 'ExecutionOverrun' }, instructions: 3n });
    expect(execute(exe, { engine: 'jit' })).toEqual(interp);
  });
  it('an entrypoint outside the program overruns in both engines', () => {
    const exe = { ...assemble('mov r0, 1\nexit', { sbpfVersion: 0 }), entryPc: 7, contentHash: '' };
    const interp = execute(exe, { engine: 'interpreter' });
    expect(interp).toMatchObject({ ok: false, error: { kind: 'ExecutionOverrun' }, instructions: 1n });
    expect(execute(exe, { engine: 'jit' })).toEqual(interp);
  });
  it('an address past the last slot is unallocated', () => {
    const [i2, j2] = both('mov r1, 0x10002\nlsh r1, 32\nldxb r0, [r1]\nexit', 0);
    expect(i2).toMatchObject({ ok: false, error: { message: 'Access violation reading 1 bytes at address 0x1000200000000 (in unallocated region)' } });
    expect(j2).toEqual(i2);
  });
  it('compiles Token-2022 (the 600 KB class) into one module (compile time: npm run bench)', () => {
    const exe = loadElf(bundledElf(BUNDLED.token2022));
    const registry = new SyscallRegistry();
    const module = compiledModule(exe, registry)!;
    expect(exe.text.length).toBeGreaterThan(500_000);
    expect(WebAssembly.Module.exports(module).map((e) => e.name)).toContain('run');
    expect(compiledModule(exe, registry)).toBe(module);
  });
});
