/**
 * Differential: our C programs (programs/bin/*.so, built by clang-19 + our linker) run in our
 * interpreter and in LiteSVM. Program log lines, the instruction count of the `consumed` line and
 * the outcome (success, custom error, or the failure text Agave logs) must be identical.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import bs58 from 'bs58';
import { execute, loadElf, solanaSyscalls } from '../../src/index.js';
import { runInLiteSvm } from '../helpers/litesvm-run.js';
import { serializeNoAccounts } from '../helpers/serialize.js';

const u64 = (n: number) => [...new Uint8Array(new BigUint64Array([BigInt(n)]).buffer)];
const CASES: [program: string, data: number[]][] = [
  ['logging', [1, 2, 3]],
  ['loops', [10, 20]],
  ['loops', [1]],
  ['calls', [...Array(20).keys()]],
  ['recursion', [15]],
  ['recursion', [0]],
  ['rodata', [5]],
  ['rodata', []],
  ['stack', [5]],
  ['heap', [10]],
  ['heap', [200]],
  ...[0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((k): [string, number[]] => ['faults', [k]]),
  ['bench_hash', u64(3000)],
  ['bench_sort', [4]],
  ['bench_checksum', [...Array(100).keys()]],
  ['bench_recursive', [12]],
  ['syscalls', [7, 8, 9, 10, 11, 12, 13]],
  ['syscalls', []],
  ['syscalls', [1, 2, 3]],
  ['syscalls', [2]],
  ['syscalls', [3]],
  ['pda', [1, 2, 3]],
  ['pda', []],
  ['pda', [0xff]],
  ['pda', [0xfe, ...Array(40).fill(7)]],
  ['return_data', [1, 2, 3, 4, 5]],
  ['return_data', []],
  ['return_data', [0xff, 1]],
  // Built with -g -O1 (three files, DWARF 4 inside the ELF).
  ['debuginfo', [0, 1, 2, 3]],
  ['debuginfo', [1, 5, 6]],
  ['debuginfo', [2, 0]],
  ['debuginfo', [2, 3, 4]],
  ['debuginfo', [3, 5, 1]],
  ['debuginfo', [4]],
];

/** How Agave words a VM error in `Program <id> failed: …` (syscall errors show their inner error). */
const agaveText = (e: { kind: string; message: string }) => (e.kind === 'SyscallError' ? e.message.replace(/^Syscall error: /, '') : e.message);

describe.each(['interpreter', 'jit'] as const)('C programs: %s vs LiteSVM', (engine) => {
  for (const [program, data] of CASES) {
    it(`${program} ${JSON.stringify(data.slice(0, 4))}${data.length > 4 ? '…' : ''}`, async () => {
      const elf = readFileSync(new URL(`../../programs/bin/${program}.so`, import.meta.url));
      const input = Uint8Array.from(data);
      const oracle = await runInLiteSvm(elf, input);
      const logs: string[] = [];
      const programId = bs58.decode(oracle.programId);
      const invocation = { programId, returnData: { programId, data: new Uint8Array(0) } };
      const ours = execute(loadElf(elf, { deployment: true }), {
        input: serializeNoAccounts(input, programId),
        computeUnits: 200_000,
        syscalls: solanaSyscalls((line) => logs.push(line), invocation),
        engine,
      });
      expect(logs, oracle.logs.join('\n')).toEqual(oracle.programLogs);
      expect(ours.instructions, oracle.logs.join('\n')).toBe(oracle.consumed);
      // Agave logs return data after the consumed line, with the id of the program that set it.
      const returned = invocation.returnData;
      const returnLine = returned.data.length
        ? `Program return: ${bs58.encode(returned.programId)} ${Buffer.from(returned.data).toString('base64')}`
        : undefined;
      expect(oracle.logs.find((l) => l.startsWith('Program return: '))).toBe(ours.ok && ours.value === 0n ? returnLine : undefined);
      expect(oracle.returnData.data).toEqual(returned.data);
      if (returned.data.length) expect(oracle.returnData.programId).toBe(bs58.encode(returned.programId));
      if (ours.ok && ours.value === 0n) expect(oracle.outcome).toBe('success');
      else if (ours.ok) expect(oracle.outcome).toMatch(/^failed: /);
      else expect(oracle.outcome).toBe(`failed: ${agaveText(ours.error)}`);
      if (ours.ok && ours.value > 0n && ours.value < 2n ** 32n) expect(oracle.outcome).toBe(`failed: custom program error: 0x${ours.value.toString(16)}`);
    });
  }
});
