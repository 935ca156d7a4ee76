/**
 * Differential: the same V0 ELF (our assembler + ELF writer) runs in our interpreter and in
 * LiteSVM (Agave's runtime and solana-sbpf). Result, error text and the instruction count in the
 * `consumed X of Y compute units` line must be identical.
 */
import { describe, expect, it } from 'vitest';
import bs58 from 'bs58';
import { assembleToElf, execute, loadElf } from '../../src/index.js';
import { runInLiteSvm } from '../helpers/litesvm-run.js';
import { serializeNoAccounts } from '../helpers/serialize.js';

const PROGRAMS: { name: string; asm: string; data?: number[] }[] = [
  { name: 'success', asm: 'mov r0, 0\nexit' },
  {
    name: 'checksum over instruction data (custom error = sum + 1)',
    data: [...Array(200).keys()].map((i) => (i * 37) & 0xff),
    asm: `
      ldxdw r2, [r1+8]
      mov r3, r1
      add r3, 16
      mov r0, 1
    loop:
      jeq r2, 0, done
      ldxb r4, [r3]
      add r0, r4
      add r3, 1
      sub r2, 1
      ja loop
    done:
      exit`,
  },
  {
    name: 'recursive fibonacci through bpf-to-bpf calls',
    asm: `
      mov r1, 12
      call function_fib
      exit
    function_fib:
      mov r0, r1
      jlt r1, 2, ret
      mov r6, r1
      sub r1, 1
      call function_fib
      mov r7, r0
      mov r1, r6
      sub r1, 2
      call function_fib
      add r0, r7
    ret:
      exit`,
  },
  { name: 'stack frames and 64-bit arithmetic', asm: 'lddw r1, 0x123456789abcdef0\nstxdw [r10-8], r1\nldxw r0, [r10-4]\nmul r0, 3\nrsh r0, 1\nexit' },
  { name: 'divide by zero', asm: 'mov r0, 1\nmov r1, 0\ndiv r0, r1\nexit' },
  { name: 'write to the read-only program region', asm: 'lddw r1, 0x100000000\nstb [r1], 1\nexit' },
  { name: 'read from the unmapped null page', asm: 'mov r1, 0\nldxdw r0, [r1]\nexit' },
  { name: 'read in a stack gap', asm: 'ldxdw r0, [r10+8]\nexit' },
  { name: 'read past the input', asm: 'lddw r1, 0x400001000\nldxb r0, [r1]\nexit' },
  { name: 'call depth exceeded', asm: 'call function_f\nexit\nfunction_f:\ncall function_f\nexit' },
  { name: 'compute budget exhausted', asm: 'loop:\nja loop' },
  { name: 'callx outside the text segment', asm: 'lddw r2, 0x500000000\ncallx r2\nexit' },
  // The writer puts .text at file offset 0x120, so slot 1 (the lddw's second half) is at 0x100000128.
  { name: 'callx into the middle of an lddw', asm: 'lddw r2, 0x100000128\ncallx r2\nexit' },
  { name: 'execution runs past the end', asm: 'mov r0, 0' },
];

describe.each(['interpreter', 'jit'] as const)('VM (%s) vs LiteSVM on V0 ELFs', (engine) => {
  for (const p of PROGRAMS) {
    it(p.name, async () => {
      const elf = assembleToElf(p.asm, { sbpfVersion: 0 });
      const data = Uint8Array.from(p.data ?? [1, 2, 3]);
      const oracle = await runInLiteSvm(elf, data);
      const programId = bs58.decode(oracle.programId);
      const ours = execute(loadElf(elf, { deployment: true }), {
        input: serializeNoAccounts(data, programId),
        computeUnits: 200_000,
        engine,
      });
      expect(ours.instructions, oracle.logs.join('\n')).toBe(oracle.consumed);
      if (ours.ok && ours.value === 0n) expect(oracle.outcome).toBe('success');
      else if (ours.ok) expect(oracle.outcome).toBe(`failed: custom program error: 0x${ours.value.toString(16)}`);
      else expect(oracle.outcome).toBe(`failed: ${ours.error.message}`);
    });
  }
});
