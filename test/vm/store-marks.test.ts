/**
 * The memory map's store marks (what the runtime trusts to skip comparing and copying account
 * data): every engine marks the page of the input each store starts in, syscalls mark what they
 * write, the runtime's own writes mark nothing, and stores elsewhere (stack, heap) leave the marks.
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute } from '../../src/index.js';
import { INPUT_SLOT, MemoryMap } from '../../src/vm/memory.js';
import { SyscallRegistry } from '../../src/vm/syscalls.js';

const PAGE = 4096;

/** Stores a byte at input offsets 10 and 3·PAGE − 4 (8 bytes, into the next page), one of them in a loop. */
const STORES = `
  mov64 r2, 7
  stxb [r1+10], r2
  lddw r3, ${3 * PAGE - 4}
  add64 r3, r1
  mov64 r4, 2
loop:
  stxdw [r3+0], r2
  sub64 r4, 1
  jne r4, 0, loop
  mov64 r0, 0
  exit`;

describe.each(['interpreter', 'jit', 'auto'] as const)('store marks (%s)', (engine) => {
  it('mark the page each store starts in; the spans reach 7 bytes past it', () => {
    let spans: number[] = [];
    const r = execute(assemble(STORES), {
      engine,
      input: new Uint8Array(6 * PAGE),
      onExit: (memory) => {
        spans = memory.writtenSpans(0, 6 * PAGE);
        // A window after the marked pages but within a store's reach of them.
        expect(memory.writtenSpans(3 * PAGE, 3 * PAGE + 100)).toEqual([3 * PAGE, 3 * PAGE + 7]);
        expect(memory.writtenSpans(3 * PAGE + 7, 4 * PAGE)).toEqual([]);
      },
    });
    expect(r.ok).toBe(true);
    expect(spans).toEqual([0, PAGE + 7, 2 * PAGE, 3 * PAGE + 7]);
  });

  it('stores to the heap and the stack mark nothing, in a loop or not', () => {
    let spans: number[] = [];
    const r = execute(
      assemble(`
        lddw r3, 0x300000000
        mov64 r2, 7
        stxdw [r3+${2 * PAGE}], r2
        stxdw [r10-8], r2
        mov64 r4, 2
      loop:
        stxdw [r3+${PAGE}], r2
        stxdw [r10-16], r2
        sub64 r4, 1
        jne r4, 0, loop
        stxb [r1+${5 * PAGE}], r2
        ldxdw r0, [r3+${2 * PAGE}]
        exit`),
      { engine, input: new Uint8Array(6 * PAGE), onExit: (memory) => (spans = memory.writtenSpans(0, 6 * PAGE)) },
    );
    expect(r.ok && r.value).toBe(7n);
    expect(spans).toEqual([5 * PAGE, 6 * PAGE]);
  });
});

describe('store marks of syscalls and of the runtime', () => {
  const map = () =>
    new MemoryMap(0, [
      { slot: 3, length: 2 * PAGE, writable: true },
      { slot: INPUT_SLOT, length: 8 * PAGE, contents: new Uint8Array(8 * PAGE), writable: true },
    ]);

  it('a store slice marks the pages it covers (but for a last one its overhang reaches); a runtime one (mark false) and reads mark none', () => {
    const m = map();
    expect(m.writtenSpans(0, 8 * PAGE)).toEqual([]);
    m.slice(0x4_0000_0000n + BigInt(PAGE + 5), 2 * PAGE, true);
    m.slice(0x4_0000_0000n + BigInt(6 * PAGE), PAGE, true, false);
    m.slice(0x4_0000_0000n + BigInt(7 * PAGE), PAGE, false);
    expect(m.writtenSpans(0, 8 * PAGE)).toEqual([PAGE, 3 * PAGE + 7]);
  });

  it('clearMarks clears only pages whose stores cannot reach past the range', () => {
    const m = map();
    m.slice(0x4_0000_0000n, 8 * PAGE, true);
    m.clearMarks(10, 4 * PAGE + 7);
    // Pages 1 to 3 are cleared: page 0 starts before the range, and page 4's stores may reach past it.
    expect(m.writtenSpans(0, 8 * PAGE)).toEqual([0, PAGE + 7, 4 * PAGE, 8 * PAGE]);
    m.clearMarks(4 * PAGE, 4 * PAGE + PAGE + 6);
    expect(m.writtenSpans(0, 8 * PAGE)).toEqual([0, PAGE + 7, 4 * PAGE, 8 * PAGE]);
  });

  it('sol_memset_ marks what it writes', () => {
    let spans: number[] = [];
    const syscalls = new SyscallRegistry().register('sol_memset_', (ctx, dst, c, n) => {
      ctx.memory.slice(dst, Number(n), true).fill(Number(c));
      return 0n;
    });
    const exe = assemble(`
      add64 r1, ${5 * PAGE}
      mov64 r2, 1
      mov64 r3, ${PAGE + 1}
      syscall sol_memset_
      exit`);
    execute(exe, { engine: 'jit', syscalls, input: new Uint8Array(8 * PAGE), onExit: (memory) => (spans = memory.writtenSpans(0, 8 * PAGE)) });
    expect(spans).toEqual([5 * PAGE, 6 * PAGE + 7]);
  });
});
