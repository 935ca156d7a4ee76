/** The README's examples, kept true. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { assemble, execute, loadElf, verify, SyscallRegistry, registerLoggingSyscalls } from '../src/index.js';

it('first example', () => {
  const exe = assemble('mov r0, 40\nadd r0, 2\nexit', { sbpfVersion: 0 });
  expect(execute(exe)).toEqual({ ok: true, value: 42n, instructions: 3n });
});

it('loading a real program with the logging syscalls', () => {
  const exe = loadElf(readFileSync(new URL('../programs/bin/logging.so', import.meta.url)), { deployment: true });
  verify(exe);
  const logs: string[] = [];
  const result = execute(exe, {
    input: new Uint8Array(8 + 8 + 32),
    computeUnits: 200_000,
    syscalls: registerLoggingSyscalls(new SyscallRegistry(), (line) => logs.push(line)),
  });
  expect(result.ok).toBe(true);
  expect(logs[0]).toBe('Program log: hello from websvm');
  expect(logs).toHaveLength(5);
  // Exact values are checked against LiteSVM in test/differential; here, the lines' shapes.
  expect(logs[2]).toBe('Program log: 11111111111111111111111111111111'); // the all-zero program id
  expect(logs[3]).toBe('Program data:  ZXZlbnQ='); // empty instruction data, then "event"
  expect(logs[4]).toMatch(/^Program consumption: \d+ units remaining$/);
});
