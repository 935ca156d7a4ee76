/**
 * VM unit tests: meter precedence and syscall accounting (solana-sbpf `interpreter.rs`,
 * `program.rs`), custom syscalls with a cost, the register trace, memory-map rules (V0 stack
 * gaps, read-only program region, access-violation texts) and ALU edge values per version.
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, SyscallRegistry, type TraceEntry } from '../../src/index.js';
import { warmUpRun } from '../../src/vm/execute.js';
import { MemoryMap, type LoadedChunks } from '../../src/vm/memory.js';

const run = (src: string, v: 0 | 1 | 2 | 3 | 4, opts: Parameters<typeof execute>[1] = {}) =>
  execute(assemble(src, { sbpfVersion: v }), { engine: 'interpreter', ...opts });

describe('meter', () => {
  it('exactly B instructions run with budget B; the (B+1)-th attempt fails', () => {
    expect(run('mov r0, 1\nmov r0, 2\nexit', 0, { computeUnits: 3 })).toMatchObject({ ok: true, value: 2n, instructions: 3n });
    expect(run('mov r0, 1\nmov r0, 2\nexit', 0, { computeUnits: 2 })).toMatchObject({
      ok: false,
      error: { kind: 'ExceededMaxInstructions', message: 'exceeded CUs meter at BPF instruction' },
      instructions: 2n,
    });
  });
  it('the meter error wins over a fault at a later step; the faulting instruction counts', () => {
    const src = 'mov r1, 0\nmov r0, 1\nmov r0, 2\ndiv r0, r1\nexit';
    expect(run(src, 0, { computeUnits: 3 })).toMatchObject({ ok: false, error: { kind: 'ExceededMaxInstructions' }, instructions: 3n });
    expect(run(src, 0, { computeUnits: 4 })).toMatchObject({ ok: false, error: { kind: 'DivideByZero', pc: 3 }, instructions: 4n });
  });
  it('a registered syscall cost is charged with the call; running out is a SyscallError', () => {
    const syscalls = new SyscallRegistry().register('costly', (ctx) => ctx.remaining(), { cost: 50 });
    // 2 instructions so far (incl. the call) + 50 → 100 - 52 remain, returned as r0.
    expect(run('mov r1, 1\nsyscall costly\nexit', 0, { computeUnits: 100, syscalls })).toMatchObject({ ok: true, value: 48n, instructions: 53n });
    expect(run('mov r1, 1\nsyscall costly\nexit', 0, { computeUnits: 40, syscalls })).toMatchObject({
      ok: false,
      error: { kind: 'SyscallError', message: 'Syscall error: Computational budget exceeded' },
      instructions: 40n,
    });
  });
  it('a host error inside a syscall becomes SyscallError with its message', () => {
    const syscalls = new SyscallRegistry().register('boom', () => {
      throw new Error('custom failure');
    });
    expect(run('syscall boom\nexit', 0, { syscalls })).toMatchObject({
      ok: false,
      error: { kind: 'SyscallError', message: 'Syscall error: custom failure', pc: 0 },
    });
  });
});

describe('options', () => {
  it('rejects a heap outside 0..256 KiB and a negative budget with a typed error', () => {
    for (const heapBytes of [-1, 1.5, 256 * 1024 + 1]) {
      expect(() => run('exit', 0, { heapBytes })).toThrow(expect.objectContaining({ kind: 'InvalidOptions' }));
    }
    expect(() => run('exit', 0, { computeUnits: -1 })).toThrow(expect.objectContaining({ kind: 'InvalidOptions' }));
    expect(run('mov r0, 3\nexit', 0, { heapBytes: 256 * 1024 })).toMatchObject({ ok: true, value: 3n });
  });
});

describe('trace', () => {
  it('records r0..r10 and the pc before every executed instruction', () => {
    const trace: TraceEntry[] = [];
    run('mov r0, 5\nadd r0, 2\nexit', 0, { trace });
    expect(trace.map((t) => [t[0], t[11]])).toEqual([
      [0n, 0n],
      [5n, 1n],
      [7n, 2n],
    ]);
    expect(trace[0][1]).toBe(0x4_0000_0000n);
    expect(trace[0][10]).toBe(0x2_0000_1000n);
  });
});

describe('memory map', () => {
  it('V0 frames are 4 KiB apart with 4 KiB unmapped gaps; r10 moves by 8 KiB per call', () => {
    const src = 'call function_f\nexit\nfunction_f:\nmov r0, r10\nexit';
    expect(run(src, 0)).toMatchObject({ ok: true, value: 0x2_0000_3000n });
    expect(run(src, 3)).toMatchObject({ ok: true, value: 0x2_0000_2000n });
    expect(run('ldxb r0, [r10+0]\nexit', 0)).toMatchObject({
      ok: false,
      error: { kind: 'StackAccessViolation', message: 'Access violation in stack frame 1 at address 0x200001000 of size 1' },
    });
    // Only the start address is checked for the gap: an access from frame 0 into the gap reads frame 1's host bytes.
    expect(run('ldxdw r0, [r10-4]\nexit', 0)).toMatchObject({ ok: true, value: 0n });
  });
  it('a lazy map copies its read-only image in a 4 KiB chunk at a time, on first access, and reads as an eager one', () => {
    const image = Uint8Array.from({ length: 3 * 4096 + 100 }, (_, i) => (i * 7 + 3) & 0xff);
    const regions = [{ slot: 1, length: image.length, contents: image, writable: false }];
    const eager = new MemoryMap(0, regions);
    // A reused buffer full of another program's bytes.
    const buffer = new ArrayBuffer(image.length);
    new Uint8Array(buffer).fill(0xee);
    const backing = () => ({ buffer, dirty: [0, image.length] });
    const chunks: LoadedChunks = [];
    const lazy = new MemoryMap(0, regions, { backing, lazyReadOnly: chunks });
    expect(lazy.bytes[0]).toBe(0xee); // nothing copied yet
    expect(Array.from(chunks[1]!.loaded)).toEqual([0, 0, 0, 0]);
    // A load straddling chunks 0 and 1 copies both; a slice in the last, partial chunk copies it.
    expect(lazy.load(0x1_0000_0000n + 4092n, 8)).toBe(eager.load(0x1_0000_0000n + 4092n, 8));
    expect(lazy.slice(0x1_0000_0000n + 3n * 4096n + 90n, 10, false)).toEqual(eager.slice(0x1_0000_0000n + 3n * 4096n + 90n, 10, false));
    expect(Array.from(chunks[1]!.loaded)).toEqual([1, 1, 0, 1]);
    expect(new Uint8Array(buffer, 2 * 4096, 4096).every((b) => b === 0xee)).toBe(true);
    // Stores are refused as before, and copy nothing.
    expect(lazy.translateParts(1, 2 * 4096, 1, true)).toBe(-1);
    expect(chunks[1]!.loaded[2]).toBe(0);
    // The next map in the same buffer for the same program finds the copied chunks in place.
    new Uint8Array(buffer)[5] = 0x55; // (were it copied again, this would be overwritten)
    const again = new MemoryMap(0, regions, { backing, lazyReadOnly: chunks, readOnlyLoaded: true });
    expect(again.load(0x1_0000_0000n + 5n, 1)).toBe(0x55n);
    expect(again.load(0x1_0000_0000n + 2n * 4096n, 8)).toBe(eager.load(0x1_0000_0000n + 2n * 4096n, 8));
    expect(Array.from(chunks[1]!.loaded)).toEqual([1, 1, 1, 1]);
    // A map for another program starts over; loadAll and region() give the whole image.
    const fresh = new MemoryMap(0, regions, { backing, lazyReadOnly: [] });
    expect(fresh.region(1)).toEqual(image);
    const other = new MemoryMap(0, regions, { backing: () => ({ buffer: new ArrayBuffer(image.length), dirty: [] }), lazyReadOnly: [] });
    other.loadAll();
    expect(other.bytes).toEqual(image);
  });
  it.each(['interpreter', 'jit', 'auto'] as const)(
    'a program reads its read-only data the same on every run, in reused memory, after another program (%s)',
    (engine) => {
      const data = Array.from({ length: 64 }, (_, i) => `.byte ${(i * 37) & 0xff}`).join('\n');
      // The data starts 8 bytes before the image's second 4 KiB chunk: the first read straddles it.
      const reader = (offset: number) => assemble(`lddw r1, 0x100000ff8\nldxdw r0, [r1+${offset}]\nexit\n.rodata 0x100000ff8\n${data}`, { sbpfVersion: 0 });
      const first = reader(4);
      const second = reader(8);
      const expected = (offset: number) => Array.from({ length: 8 }, (_, i) => BigInt(((offset + i) * 37) & 0xff) << BigInt(8 * i)).reduce((a, b) => a | b);
      for (let round = 0; round < 3; round++) {
        expect(execute(first, { engine })).toMatchObject({ ok: true, value: expected(4) });
        expect(execute(second, { engine })).toMatchObject({ ok: true, value: expected(8) });
      }
    },
  );
  it('V3 stack is contiguous', () => {
    expect(run('stb [r10+0], 7\nldxb r0, [r10+0]\nexit', 3)).toMatchObject({ ok: true, value: 7n });
  });
  // An address past a region's end is "unallocated" (the region's range does not contain it).
  it('program region is read-only; heap is mapped with heapBytes', () => {
    expect(run('lddw r1, 0x100000000\nldxb r0, [r1]\nexit', 0)).toMatchObject({ ok: true, value: 0x18n });
    expect(run('lddw r1, 0x100000000\nstb [r1], 0\nexit', 0)).toMatchObject({
      ok: false,
      error: { message: 'Access violation writing 1 bytes at address 0x100000000 (in program region)' },
    });
    const heap = 'lddw r1, 0x300007fff\nstb [r1], 9\nldxb r0, [r1]\nexit';
    expect(run(heap, 0)).toMatchObject({ ok: true, value: 9n });
    expect(run(heap, 0, { heapBytes: 1024 })).toMatchObject({
      ok: false,
      error: { message: 'Access violation writing 1 bytes at address 0x300007fff (in unallocated region)' },
    });
  });
  it('input is a writable copy at 0x4_0000_0000', () => {
    const input = Uint8Array.from([1, 2, 3, 4]);
    expect(run('ldxw r0, [r1]\nstw [r1], 0\nldxw r0, [r1]\nexit', 0, { input })).toMatchObject({ ok: true, value: 0n });
    expect(input).toEqual(Uint8Array.from([1, 2, 3, 4]));
  });
  it.each(['interpreter', 'jit'] as const)('an input writer fills the input region in place (%s), also in reused memory', (engine) => {
    const exe = assemble('ldxdw r0, [r1+8]\nldxb r2, [r1+15]\nadd r0, r2\nstdw [r1+8], 7\nexit', { sbpfVersion: 0 });
    for (const value of [0x0102n, 0x0300n]) {
      let seen: Uint8Array | undefined;
      const input = {
        length: 16,
        write: (target: Uint8Array) => {
          target.fill(0);
          new DataView(target.buffer, target.byteOffset).setBigUint64(8, value, true);
          seen = target;
        },
      };
      const r = execute(exe, { engine, input, onExit: (memory) => expect(memory.bytes.subarray(memory.hostStart[4], memory.hostStart[4] + 16)[8]).toBe(7) });
      expect(r).toMatchObject({ ok: true, value });
      expect(seen?.length).toBe(16);
    }
  });
  it.each(['interpreter', 'jit'] as const)('every run sees a zeroed stack and heap, whatever ran in the reused memory before (%s)', (engine) => {
    // Reads a stack and a heap word, then dirties both; the larger inputs make the memory grow (kept or not).
    const src = 'ldxdw r0, [r10-8]\nlddw r2, 0x300000000\nldxdw r3, [r2+16]\nor r0, r3\nstdw [r10-8], -1\nstdw [r2+16], -1\nexit';
    const exe = assemble(src, { sbpfVersion: 0 });
    const other = assemble(`mov r0, 0\n${src}`, { sbpfVersion: 0 });
    for (const [program, heapBytes, input] of [
      [exe, 32768, 0],
      [exe, 32768, 100],
      [other, 32768, 0],
      [exe, 1024, 5000],
      [exe, 65536, 0],
      [exe, 32768, 300_000],
      [other, 65536, 600_000],
      [exe, 32768, 0],
    ] as const) {
      expect(execute(program, { engine, heapBytes, input: new Uint8Array(input) })).toMatchObject({ ok: true, value: 0n });
    }
  });
  it.each(['interpreter', 'jit'] as const)(
    'only what a run wrote needs zeroing: far stack frames and the heap end read as zero in the next run (%s)',
    (engine) => {
      // r2 = 1 writes -1 at the stack's start, in frame 63 and at the heap's end; r2 = 0 reads them back.
      const src = [
        'jeq r2, 0, read',
        'lddw r1, 0x200000000',
        'stdw [r1+8], -1',
        'lddw r1, 0x20007e000',
        'stdw [r1+4000], -1',
        'lddw r1, 0x300000000',
        'stdw [r1+32760], -1',
        'mov r0, 0',
        'exit',
        'read:',
        'lddw r1, 0x200000000',
        'ldxdw r0, [r1+8]',
        'lddw r1, 0x20007e000',
        'ldxdw r3, [r1+4000]',
        'or r0, r3',
        'lddw r1, 0x300000000',
        'ldxdw r3, [r1+32760]',
        'or r0, r3',
        'exit',
      ].join('\n');
      const exe = assemble(src, { sbpfVersion: 0 });
      const other = assemble(`mov r4, 0\n${src}`, { sbpfVersion: 0 });
      for (const [program, r2, input] of [
        [exe, 1n, 0],
        [exe, 0n, 0],
        [exe, 1n, 10],
        [exe, 0n, 100_000],
        [exe, 1n, 0],
        [other, 0n, 0],
        [other, 1n, 0],
        [exe, 0n, 0],
      ] as const) {
        const r = execute(program, { engine, r2, input: new Uint8Array(input) });
        expect(r).toMatchObject({ ok: true, value: 0n });
      }
    },
  );
  it.each(['interpreter', 'jit'] as const)(
    "a program laid out where another program's image was reads zeros there: stack and heap over the larger image's bytes (%s)",
    (engine) => {
      // The large program's image (8 000 instructions of non-zero bytes) spans where the small
      // program's stack and heap lie in the same machine; the small one ORs words read across them.
      const large = assemble(`${'mov32 r3, 0x7fffffff\n'.repeat(8000)}mov r0, 0\nexit`, { sbpfVersion: 0 });
      // V0's stack frames are 4 KiB apart in the host and 8 KiB apart in the VM (a gap after each).
      const stack = Array.from({ length: 16 }, (_, frame) => 0x2_0000_0000 + frame * 8192 + 8);
      const heap = [0, 8, 4096, 32760].map((at) => 0x3_0000_0000 + at);
      const reads = [...stack, ...heap].map((at) => `lddw r1, 0x${at.toString(16)}\nldxdw r3, [r1]\nor r0, r3`);
      const small = assemble(['mov r0, 0', ...reads, 'exit'].join('\n'), { sbpfVersion: 0 });
      for (let round = 0; round < 12; round++) {
        expect(execute(large, { engine })).toMatchObject({ ok: true, value: 0n });
        expect(execute(small, { engine })).toMatchObject({ ok: true, value: 0n });
      }
    },
  );
  it('a run started while another is live (CPI re-enters execute) gets memory of its own', () => {
    // Keeps its r2 on the stack across the syscall, which runs the same program (with r2 = 2).
    const exe = assemble('stxdw [r10-8], r2\njne r2, 1, +1\nsyscall nest\nldxdw r0, [r10-8]\nexit', { sbpfVersion: 0 });
    let inner: unknown;
    const syscalls = new SyscallRegistry().register('nest', () => {
      inner = execute(exe, { engine: 'interpreter', r2: 2n, syscalls });
      return 0n;
    });
    expect(execute(exe, { engine: 'interpreter', r2: 1n, syscalls })).toMatchObject({ ok: true, value: 1n });
    expect(inner).toMatchObject({ ok: true, value: 2n });
  });
});

describe('ALU edge values (SBPF_SEMANTICS §3)', () => {
  const cases: [string, 0 | 2 | 3, bigint][] = [
    ['mov32 r0, -1\nadd32 r0, 1\nexit', 0, 0n],
    ['mov32 r0, 0x7fffffff\nadd32 r0, 1\nexit', 0, 0xffffffff80000000n], // V0 sign-extends add32
    ['mov32 r0, 0x7fffffff\nadd32 r0, 1\nexit', 2, 0x80000000n], // V2 zero-extends
    ['mov r0, 5\nsub r0, 7\nexit', 2, 2n], // V2 sub imm = imm - dst
    ['mov r0, 5\nsub r0, 7\nexit', 0, 0xfffffffffffffffen],
    ['mov r0, -1\nmov32 r1, r0\nmov r0, r1\nexit', 0, 0xffffffffn],
    ['mov r1, -1\nmov32 r0, r1\nexit', 2, 0xffffffffffffffffn], // V2 mov32 reg sign-extends
    ['mov r0, 1\nneg32 r0\nexit', 0, 0xffffffffn],
    ['mov r0, -8\narsh32 r0, 1\nexit', 0, 0xfffffffcn],
    ['mov r0, -8\narsh r0, 1\nexit', 0, 0xfffffffffffffffcn],
    ['mov r0, 1\nlsh r0, 63\nrsh r0, 62\nexit', 0, 2n],
    ['mov r0, -1\ndiv r0, -1\nexit', 0, 1n], // imm sign-extended to u64::MAX
    ['mov32 r0, 0x1234\nbe16 r0\nexit', 0, 0x3412n],
    ['lddw r0, 0x0102030405060708\nbe64 r0\nexit', 0, 0x0807060504030201n],
    ['lddw r0, 0x0102030405060708\nle32 r0\nexit', 0, 0x05060708n],
    ['mov r0, -1\nuhmul64 r0, -1\nexit', 2, 0xfffffffen], // imm zero-extended: (2^64-1)(2^32-1) >> 64
    ['mov r0, -1\nshmul64 r0, -1\nexit', 2, 0n],
    ['mov r0, -7\nsrem64 r0, 2\nexit', 2, 0xffffffffffffffffn],
    ['mov r0, -7\nsdiv32 r0, 2\nexit', 2, 0xfffffffdn],
    ['mov32 r0, -1\njeq32 r0, -1, +1\nmov r0, 0\nexit', 3, 0xffffffffn],
    ['lddw r0, 0x100000000\njeq32 r0, 0, +1\nmov r0, 7\nexit', 3, 0x100000000n],
    ['mov r0, 5\nhor64 r0, 3\nexit', 2, 0x300000005n],
  ];
  for (const [src, v, expected] of cases) {
    it(`V${v}: ${src.replaceAll('\n', '; ')}`, () => {
      expect(run(src, v)).toMatchObject({ ok: true, value: expected });
    });
  }
  it('signed division overflow and zero divisors', () => {
    expect(run('mov r0, 1\nlsh r0, 63\nmov r1, -1\nsdiv64 r0, r1\nexit', 2)).toMatchObject({ ok: false, error: { kind: 'DivideOverflow' } });
    expect(run('mov r0, 1\nlsh r0, 63\nsrem64 r0, -1\nexit', 2)).toMatchObject({ ok: false, error: { kind: 'DivideOverflow' } });
    expect(run('mov r1, 0\nurem32 r0, r1\nexit', 2)).toMatchObject({ ok: false, error: { kind: 'DivideByZero' } });
    expect(run('mov r1, 1\nlsh r1, 32\nmod32 r0, r1\nexit', 0)).toMatchObject({ ok: false, error: { kind: 'DivideByZero' } });
  });
  it('opcodes of another version are UnsupportedInstruction at run time', () => {
    expect(run('uhmul64 r0, 1\nexit', 0)).toMatchObject({ ok: false, error: { kind: 'UnsupportedInstruction' } });
    expect(run('jeq32 r0, 0, +0\nexit', 0)).toMatchObject({ ok: false, error: { kind: 'UnsupportedInstruction' } });
    expect(run('lddw r0, 1\nexit', 2)).toMatchObject({ ok: false, error: { kind: 'UnsupportedInstruction' } });
  });
});

describe('decoding as the run reaches code', () => {
  // Slots are decoded when first reached; jumps leaving the program get their own slots as they are decoded.
  const src = ['jeq r2, 1, +100', 'jge r2, 2, +3', 'lddw r0, 0x1122334455667788', 'exit', 'jeq r2, 7, +200', 'mov r0, 5', 'exit'].join('\n');
  const exe = assemble(src, { sbpfVersion: 0 });
  const on = (r2: bigint) => execute(exe, { engine: 'interpreter', r2 });

  it('gives each path the result a whole-program decode gives, in any order of runs', () => {
    expect(on(0n)).toMatchObject({ ok: true, value: 0x1122334455667788n });
    expect(on(7n)).toMatchObject({ ok: false, error: { kind: 'ExecutionOverrun', pc: 206 } });
    expect(on(1n)).toMatchObject({ ok: false, error: { kind: 'ExecutionOverrun', pc: 101 } });
    expect(on(2n)).toMatchObject({ ok: true, value: 5n });
    expect(on(7n)).toMatchObject({ ok: false, error: { kind: 'ExecutionOverrun', pc: 206 } });
    for (const r2 of [0n, 1n, 2n, 7n]) expect(on(r2)).toEqual(execute(exe, { engine: 'jit', r2 }));
  });
});

describe('warm-up', () => {
  it('the warm-up program new SVM() runs ahead is valid sBPF: r0 = 958 after 49 instructions, on the interpreter too', () => {
    expect(warmUpRun()).toEqual({ ok: true, value: 958n, instructions: 49n });
    // Again, on the instance the first run left behind.
    expect(warmUpRun()).toEqual({ ok: true, value: 958n, instructions: 49n });
  });
});
