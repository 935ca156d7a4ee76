/**
 * Typed syscall pointers must be aligned, except for loader-v1 programs (Agave's
 * `check_aligned`): the runtime runs ABIv0 programs with the check off.
 */
import { describe, expect, it } from 'vitest';
import { assemble, execute, solanaSyscalls } from '../../src/index.js';

const program = assemble(
  `
  mov64 r1, r10
  sub64 r1, 64
  mov64 r2, r10
  sub64 r2, 32
  mov64 r3, 8
  mov64 r4, r10
  sub64 r4, 3
  syscall sol_memcmp_
  mov64 r0, 0
  exit`,
  { sbpfVersion: 0 },
);

describe('pointer alignment in syscalls', () => {
  const syscalls = solanaSyscalls(() => {});
  it.each([
    ['aligned loaders', true, { ok: false, kind: 'SyscallError', message: 'Syscall error: Unaligned pointer' }],
    ['loader v1', false, { ok: true }],
  ] as const)('%s', (_name, checkAligned, expected) => {
    for (const engine of ['interpreter', 'jit'] as const) {
      const r = execute(program, { syscalls, engine, checkAligned });
      expect(r.ok).toBe(expected.ok);
      if (!r.ok && !expected.ok) expect([r.error.kind, r.error.message]).toEqual([expected.kind, expected.message]);
    }
  });
});
