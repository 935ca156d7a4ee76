/**
 * Compiled code runs the plain case of `sol_memcpy_`, `sol_memmove_`, `sol_memset_` and
 * `sol_memcmp_` inline (see `FunctionCompiler.inlineMemOp`) and every other case through the JS
 * syscall: each run here ends on the JIT exactly as on the JS
 * interpreter — result, error, units, registers, every byte of the stack, heap and input, the
 * input's store marks and the written ranges — and takes the way it is expected to take.
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, solanaSyscalls, SyscallRegistry, type ExecuteOptions } from '../../src/index.js';
import { wasmSyscalls } from '../../src/jit/engine.js';
import { registerMemorySyscalls } from '../../src/syscalls/memory.js';
import { hashSymbolName } from '../../src/elf/murmur3.js';
import { defaultExecutionCosts } from '../../src/syscalls/costs.js';
import { MM_HEAP_START, MM_INPUT_START, MM_STACK_START, STACK_SIZE } from '../../src/isa/constants.js';
import type { MemoryMap } from '../../src/vm/memory.js';

/** Half the input: the second half repeats the first but for byte `H - 3`. */
const H = 6000;
const input = new Uint8Array(2 * H);
for (let i = 0; i < H; i++) input[i] = input[H + i] = (i * 7 + 3) & 0xff;
input[2 * H - 3] ^= 0x40;

const IN = MM_INPUT_START;
const HEAP = MM_HEAP_START;

/** An operand: an address or length, `r10 - k`, or the start of the program's read-only region. */
type Operand = number | bigint | { frame: number } | 'rodata';
const frame = (k: number): Operand => ({ frame: k });

function load(r: number, v: Operand, sbpfVersion: Version | undefined): string {
  if (v === 'rodata') v = assemble('exit', versionOpts(sbpfVersion)).programRegions[0].vaddr;
  if (typeof v === 'object') return `mov64 r${r}, r10\n  sub64 r${r}, ${v.frame}`;
  return `lddw r${r}, ${BigInt(v)}`;
}

/** The versions the assembler takes (undefined: its default). */
type Version = 0 | 1 | 2 | 3 | 4;

const versionOpts = (sbpfVersion: Version | undefined) => (sbpfVersion === undefined ? {} : { sbpfVersion });

/**
 * Fills 64 bytes of the stack below r10 and the heap's first 64 with one pattern (but for the
 * stack's byte 60 below r10), then calls `syscall` with `args` in r1.. (and r0 not 0), keeps r0 in
 * r6 and reads the word at r10 - 8 into r8.
 */
function program(syscall: string, args: readonly Operand[], sbpfVersion?: Version) {
  const fill = [0, 8, 16, 24, 32, 40, 48, 56].map((k) => `stxdw [r10-${64 - k}], r5\n  stxdw [r9+${k}], r5\n  add64 r5, r7`).join('\n  ');
  return assemble(
    `
  lddw r5, 0x0807060504030201
  lddw r7, 0x1111111111111111
  lddw r9, ${HEAP}
  ${fill}
  stb [r10-60], 0xee
  ${args.map((v, i) => load(i + 1, v, sbpfVersion)).join('\n  ')}
  mov64 r0, 99
  syscall ${syscall}
  mov64 r6, r0
  ldxw r8, [r10-8]
  exit`,
    versionOpts(sbpfVersion),
  );
}

/** `sol_memcmp_(a, b, n, out)`, the result read back into r8 when `out` is r10 - 8. */
const memcmp = (a: Operand, b: Operand, n: Operand, out: Operand, sbpfVersion?: Version) => program('sol_memcmp_', [a, b, n, out], sbpfVersion);

/** What a run leaves: its result and everything of its memory the program or a syscall may have touched. */
function runOn(engine: 'interpreter' | 'jit', exe: ReturnType<typeof assemble>, opts: ExecuteOptions) {
  let memory: Record<string, unknown> = {};
  const result = execute(exe, {
    input: input.slice(),
    ...opts,
    engine,
    onExit: (map: MemoryMap, registers) => {
      const regions = [2, 3, 4].map((slot) => Buffer.from(map.region(slot)).toString('base64')); // compared fast
      const written = [2, 3, 4].map((slot) =>
        map.dirtyLow[slot] < map.dirtyHigh[slot] ? [map.dirtyLow[slot] - map.hostStart[slot], map.dirtyHigh[slot] - map.hostStart[slot]] : [],
      );
      const marks = map.bytes.slice(map.marksAt, map.marksAt + (map.hostLength[4] >>> 12) + 1);
      memory = { registers, regions, written, marks };
    },
  });
  return { result, memory };
}

/**
 * Runs on both engines, expects the same end, and (unless undefined) whether the JIT went through
 * the JS syscall; returns the interpreter's run.
 */
function same(exe: ReturnType<typeof assemble>, inline: boolean | undefined, opts: ExecuteOptions = {}) {
  const syscalls = opts.syscalls ?? solanaSyscalls(() => {});
  const expected = runOn('interpreter', exe, { ...opts, syscalls });
  const before = wasmSyscalls.calls;
  const actual = runOn('jit', exe, { ...opts, syscalls });
  expect(actual).toEqual(expected);
  if (inline !== undefined) expect(wasmSyscalls.calls - before, inline ? 'inline' : 'through JS').toBe(inline ? 0 : 1);
  return expected;
}

/**
 * Runs `exe`, whose memory syscall of `n` bytes comes last, at every budget around its charge on
 * both engines: it runs out in the charge (JS), after it, or not at all (inline).
 */
function endsAroundCharge(exe: ReturnType<typeof assemble>, n: number) {
  const whole = runOn('interpreter', exe, { syscalls: solanaSyscalls(() => {}) });
  const end = Number(whole.result.instructions);
  const charge = Math.floor(n / defaultExecutionCosts().cpiBytesPerUnit);
  const ends = new Set<string>();
  for (let budget = end - charge - 3; budget <= end + 1; budget++) {
    const run = same(exe, budget >= end ? true : undefined, { computeUnits: budget });
    ends.add(run.result.ok ? 'ok' : run.result.error.kind);
  }
  expect([...ends]).toEqual(['SyscallError', 'ExceededMaxInstructions', 'ok']);
}

/** The i32 result at `r10 - 8`, which the program reads into r8. */
const resultOnStack = (run: ReturnType<typeof runOn>) => Number(BigInt.asIntN(32, (run.memory.registers as bigint[])[8]));

describe('sol_memcmp_ inline in compiled code', () => {
  it.each([
    ['equal input ranges', IN, IN + H, H - 3, 0],
    ['a long range differing near its end', IN, IN + H, H, input[H - 3] - input[2 * H - 3]],
    ['the same, swapped', IN + H, IN, H, input[2 * H - 3] - input[H - 3]],
    ['unaligned starts, a tail of bytes', IN + 5, IN + H + 5, H - 7, input[H - 3] - input[2 * H - 3]],
    ['differing in the first byte', IN, IN + 1, 64, input[0] - input[1]],
    ['differing in the first byte, swapped', IN + 1, IN, 64, input[1] - input[0]],
    ['one byte', IN, IN + H, 1, 0],
    ['the stack and the heap', frame(64), HEAP, 64, 0xee - 0x05],
    ['the stack and the heap, equal before the stack byte that differs', frame(64), HEAP, 4, 0],
    ['the heap and the stack', HEAP, frame(64), 64, 0x05 - 0xee],
    ['the program and the input', 'rodata', IN, 24, undefined],
    ['ranges ending at the end of the input', IN + 2 * H - 10, IN + H - 10, 10, input[2 * H - 3] - input[H - 3]],
    ['length 0 at unmapped addresses', 0, 0x7_0000_0000n, 0, 0],
  ] as const)('%s', (_name, a, b, n, diff) => {
    const run = same(memcmp(a, b, n, frame(8)), true);
    expect(run.result).toMatchObject({ ok: true });
    if (diff !== undefined) expect(resultOnStack(run)).toBe(diff);
  });

  it.each([
    ['the input, marking the page its first byte is in', IN + 4096 + 4092],
    ['the input, on its first page', IN + 8],
    ['the heap', HEAP + 64],
  ])('stores the result into %s', (_name, out) => {
    same(memcmp(IN, IN + 1, 16, out), true);
  });

  it.each([
    ['a range past the region end', IN + 2 * H - 10, IN, 11, frame(8)],
    ['the second range past the region end', IN, IN + 2 * H - 10, 11, frame(8)],
    ['an unmapped range', 0x7_0000_0000n, IN, 8, frame(8)],
    ['a range past the stack (in a gap on V0)', MM_STACK_START + STACK_SIZE - 4, IN, 8, frame(8)],
    ['a read-only result', IN, IN + 1, 8, 'rodata'],
    ['an unmapped result', IN, IN + 1, 8, 0],
    ['a result past the region end', IN, IN + 1, 8, IN + 2 * H],
    ['a misaligned result', IN, IN + 1, 8, frame(7)],
    ['a length of 2^32', IN, IN + 1, 0x1_0000_0000n, frame(8)],
    ['a length of 2^63', IN, IN + 1, 0x8000_0000_0000_0000n, frame(8)],
    ['a length 0 with an unmapped result', IN, IN, 0, 0],
  ] as const)('leaves %s to the JS syscall', (_name, a, b, n, out) => {
    for (const version of [0, undefined] as const) {
      const run = same(memcmp(a, b, n, out, version), false);
      expect(run.result, `version ${version}`).toMatchObject({ ok: false });
    }
  });

  it('leaves a misaligned result to the JS syscall for loader v1 too', () => {
    const run = same(memcmp(IN, IN + 1, 8, frame(7), 0), false, { checkAligned: false });
    expect(run.result).toMatchObject({ ok: true });
  });

  it('runs inline on the gapped stack of V0', () => {
    same(memcmp(frame(64), HEAP, 64, frame(8), 0), true);
    same(memcmp(frame(-1), IN, 8, frame(8), 0), false); // in a gap
    same(memcmp(frame(8), HEAP, 16, frame(8), 0), true); // the start decides, as in the reference
  });

  it('ends as the interpreter at every budget around the charge', () => {
    endsAroundCharge(memcmp(IN, IN + H, H, frame(8)), H);
  });

  it('charges the prices of the registry it runs with', () => {
    const costs = { ...defaultExecutionCosts(), memOpBaseCost: 3, cpiBytesPerUnit: 7 };
    const syscalls = registerMemorySyscalls(new SyscallRegistry(), costs);
    const run = same(memcmp(IN, IN + H, H, frame(8)), true, { syscalls });
    const base = same(memcmp(IN, IN + H, H, frame(8)), true);
    expect(Number(run.result.instructions) - Number(base.result.instructions)).toBe(Math.floor(H / 7) - Math.floor(H / 250));
  });

  it('leaves a sol_memcmp_ that is not the built-in one to JS', () => {
    const syscalls = new SyscallRegistry().register('sol_memcmp_', () => 7n);
    const run = same(memcmp(IN, IN + 1, 8, frame(8)), false, { syscalls });
    expect(run.memory.registers).toMatchObject({ 6: 7n });
  });

  it('leaves the built-in sol_memcmp_ to JS when the registry charges for it first', () => {
    const builtin = registerMemorySyscalls(new SyscallRegistry()).lookup(hashSymbolName('sol_memcmp_'))!.fn;
    same(memcmp(IN, IN + 1, 8, frame(8)), false, { syscalls: new SyscallRegistry().register('sol_memcmp_', builtin, { cost: 1 }) });
  });
});

describe.each(['sol_memcpy_', 'sol_memmove_'] as const)('%s inline in compiled code', (syscall) => {
  const copy = (dst: Operand, src: Operand, n: Operand, sbpfVersion?: Version) => program(syscall, [dst, src, n], sbpfVersion);

  it.each([
    ['a long input range onto the input, across pages', IN + H + 3, IN + 5, H - 9],
    ['the input onto its first bytes', IN, IN + H, 4096 + 16],
    ['onto the start of the input page after the first', IN + 4096, IN + H, 8],
    ['a range ending 8 bytes into a page (it marks that page)', IN + 4096 - 100, IN + H, 108],
    ['a range ending 7 bytes into a page (its store reaches it unmarked)', IN + 4096 - 100, IN + H, 107],
    ['one byte', IN + 7, IN + H, 1],
    ['the stack to the heap', HEAP + 64, frame(64), 64],
    ['the heap to the stack', frame(32), HEAP + 8, 24],
    ['the program to the input', IN + 100, 'rodata', 24],
    ['the input to the stack', frame(64), IN + 11, 64],
    ['a long input range onto the heap, across pages (which it does not mark)', HEAP + 64, IN, 9000],
    ['adjacent ranges, the destination after', IN + 200, IN + 100, 100],
    ['adjacent ranges, the destination before', IN + 100, IN + 200, 100],
    ['ranges ending at the end of the input', IN + 2 * H - 10, IN + H - 10, 10],
    ['length 0 at unmapped addresses', 0, 0x7_0000_0000n, 0],
    ['length 0 onto the program', 'rodata', IN, 0],
    ['length 0 from and to the same address', IN + 5, IN + 5, 0],
  ] as const)('%s', (_name, dst, src, n) => {
    const run = same(copy(dst, src, n), true);
    expect(run.result).toMatchObject({ ok: true, value: 0n });
  });

  it.each([
    ['the destination 1 after', IN + 101, IN + 100, 100],
    ['the destination 1 before', IN + 100, IN + 101, 100],
    ['the destination far after, across pages', IN + 4000, IN + 100, H],
    ['the same range', frame(64), frame(64), 64],
  ] as const)('overlapping ranges, %s: memmove inline, memcpy a CopyOverlapping error from JS', (_name, dst, src, n) => {
    const run = same(copy(dst, src, n), syscall === 'sol_memmove_');
    if (syscall === 'sol_memmove_') expect(run.result).toMatchObject({ ok: true });
    else expect(run.result).toMatchObject({ ok: false, error: { kind: 'SyscallError', message: expect.stringMatching(/overlap/i) } });
  });

  it.each([
    ['a destination past the region end', IN + 2 * H - 10, IN, 11],
    ['a source past the region end', IN, IN + 2 * H - 10, 11],
    ['an unmapped destination', 0x7_0000_0000n, IN, 8],
    ['an unmapped source', IN, 0x7_0000_0000n, 8],
    ['a read-only destination', 'rodata', IN, 8],
    ['a destination past the stack (in a gap on V0)', MM_STACK_START + STACK_SIZE - 4, IN, 8],
    ['a length of 2^32', IN + 0x1_0000_0000, IN, 0x1_0000_0000n],
    ['a length of 2^63', IN, 0xc000_0000_0000_0000n, 0x8000_0000_0000_0000n],
  ] as const)('leaves %s to the JS syscall', (_name, dst, src, n) => {
    for (const version of [0, undefined] as const) {
      const run = same(copy(dst, src, n, version), false);
      expect(run.result, `version ${version}`).toMatchObject({ ok: false });
    }
  });

  it('leaves a length of 2^32 to JS with units enough to pay for it', () => {
    const run = same(copy(HEAP, IN, 0x1_0000_0000n), false, { computeUnits: 10n ** 12n });
    expect(run.result).toMatchObject({ ok: false });
  });

  it('a failed source leaves the destination as the JS syscall does', () => {
    const run = same(copy(IN + 4000, IN + 2 * H - 10, 200), false);
    expect(run.result).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Access violation reading 200 bytes/) } });
  });

  it('runs inline on the gapped stack of V0', () => {
    same(copy(frame(64), HEAP, 64, 0), true);
    same(copy(HEAP + 100, frame(-1), 8, 0), false); // in a gap
    same(copy(HEAP + 100, frame(8), 16, 0), true); // the start decides, as in the reference
  });

  it('ends as the interpreter at every budget around the charge', () => {
    endsAroundCharge(copy(IN + H, IN, H), H);
  });

  it('charges the prices of the registry it runs with', () => {
    const costs = { ...defaultExecutionCosts(), memOpBaseCost: 3, cpiBytesPerUnit: 7 };
    const syscalls = registerMemorySyscalls(new SyscallRegistry(), costs);
    const run = same(copy(IN + H, IN, H), true, { syscalls });
    const base = same(copy(IN + H, IN, H), true);
    expect(Number(run.result.instructions) - Number(base.result.instructions)).toBe(Math.floor(H / 7) - Math.floor(H / 250));
    const short = same(copy(IN + H, IN, 5), true, { syscalls });
    expect(Number(short.result.instructions) - Number(same(copy(IN + H, IN, 5), true).result.instructions)).toBe(3 - 10);
  });

  it(`leaves a ${syscall} that is not the built-in one to JS`, () => {
    const syscalls = new SyscallRegistry().register(syscall, () => 7n);
    const run = same(copy(IN + H, IN, 8), false, { syscalls });
    expect(run.memory.registers).toMatchObject({ 6: 7n });
  });

  it(`leaves the built-in ${syscall} to JS when the registry charges for it first`, () => {
    const builtin = registerMemorySyscalls(new SyscallRegistry()).lookup(hashSymbolName(syscall))!.fn;
    same(copy(IN + H, IN, 8), false, { syscalls: new SyscallRegistry().register(syscall, builtin, { cost: 1 }) });
  });
});

describe('sol_memset_ inline in compiled code', () => {
  const memset = (dst: Operand, value: Operand, n: Operand, sbpfVersion?: Version) => program('sol_memset_', [dst, value, n], sbpfVersion);

  it.each([
    ['a long input range, across pages', IN + 3, 0xab, 2 * H - 9],
    ['a range ending 8 bytes into a page', IN + 4096 - 100, 0x5a, 108],
    ['a range ending 7 bytes into a page', IN + 4096 - 100, 0x5a, 107],
    ['the stack, with a value over a byte', frame(64), 0x1_2345n, 64],
    ['the heap, with a negative value', HEAP + 4, -1n, 60],
    ['the heap, across pages (which it does not mark)', HEAP + 100, 0x42, 9000],
    ['one byte of the input', IN + 2 * H - 1, 0x77, 1],
    ['zeros over the input', IN, 0, 2 * H],
    ['length 0 at an unmapped address', 0, 1, 0],
    ['length 0 onto the program', 'rodata', 1, 0],
  ] as const)('%s', (_name, dst, value, n) => {
    const run = same(memset(dst, value, n), true);
    expect(run.result).toMatchObject({ ok: true, value: 0n });
  });

  it.each([
    ['past the region end', IN + 2 * H - 10, 11],
    ['an unmapped destination', 0x7_0000_0000n, 8],
    ['a read-only destination', 'rodata', 8],
    ['past the stack (in a gap on V0)', MM_STACK_START + STACK_SIZE - 4, 8],
    ['a length of 2^32', IN, 0x1_0000_0000n],
    ['a length of 2^63', IN, 0x8000_0000_0000_0000n],
  ] as const)('leaves %s to the JS syscall', (_name, dst, n) => {
    for (const version of [0, undefined] as const) {
      const run = same(memset(dst, 1, n, version), false);
      expect(run.result, `version ${version}`).toMatchObject({ ok: false });
    }
  });

  it('leaves a length of 2^32 to JS with units enough to pay for it', () => {
    const run = same(memset(HEAP, 1, 0x1_0000_0000n), false, { computeUnits: 10n ** 12n });
    expect(run.result).toMatchObject({ ok: false });
  });

  it('runs inline on the gapped stack of V0', () => {
    same(memset(frame(64), 3, 64, 0), true);
    same(memset(frame(-1), 3, 8, 0), false);
    same(memset(frame(8), 3, 16, 0), true);
  });

  it('ends as the interpreter at every budget around the charge', () => {
    endsAroundCharge(memset(IN, 9, 2 * H), 2 * H);
  });

  it('leaves a sol_memset_ that is not the built-in one, or charged first, to JS', () => {
    const run = same(memset(IN, 1, 8), false, { syscalls: new SyscallRegistry().register('sol_memset_', () => 7n) });
    expect(run.memory.registers).toMatchObject({ 6: 7n });
    const builtin = registerMemorySyscalls(new SyscallRegistry()).lookup(hashSymbolName('sol_memset_'))!.fn;
    same(memset(IN, 1, 8), false, { syscalls: new SyscallRegistry().register('sol_memset_', builtin, { cost: 1 }) });
  });

  it('leaves each memory syscall replaced alone to JS, the others inline', () => {
    const syscalls = solanaSyscalls(() => {}).register('sol_memcpy_', () => 5n);
    same(memset(IN, 1, 8), true, { syscalls });
    same(program('sol_memmove_', [IN + 8, IN, 8]), true, { syscalls });
    same(program('sol_memcpy_', [IN + 8, IN, 8]), false, { syscalls });
  });
});
