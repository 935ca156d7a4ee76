/**
 * `websvm trace`: the same instruction as `run` (accounts, program id, compute units, exit code),
 * each step showing the registers as the instruction left them, and `--limit` bounding the record.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAccountJson } from '../../src/api/account-json.js';
import { assembleToElf } from '../../src/asm/to-elf.js';
import { json, websvm } from './in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'websvm-trace-'));
function program(name: string, source: string): string {
  const path = join(dir, `${name}.so`);
  writeFileSync(path, assembleToElf(source, { sbpfVersion: 0 }));
  return path;
}
const steps = (args: string[]) => json(websvm('trace', ...args, '--json')).steps as { pc: number; instruction: string; changed: Record<string, string> }[];
/** The fields trace shares with run. */
const runFields = ({ ok, error, computeUnits, logs, returnData, changedAccounts }: Record<string, unknown>) => ({
  ok,
  error,
  computeUnits,
  logs,
  returnData,
  changedAccounts,
});

describe('websvm trace', () => {
  it('shows each instruction with the registers it left, not those before it', () => {
    const prog = program('regs', 'entrypoint:\n  mov64 r3, 7\n  add64 r3, 1\n  mov64 r4, r3\n  mov64 r0, 0\n  exit\n');
    expect(steps([prog])).toEqual([
      { pc: 0, instruction: 'mov64 r3, 7', changed: { r3: '0x7' } },
      { pc: 1, instruction: 'add64 r3, 1', changed: { r3: '0x8' } },
      { pc: 2, instruction: 'mov64 r4, r3', changed: { r4: '0x8' } },
      { pc: 3, instruction: 'mov64 r0, 0', changed: {} },
      { pc: 4, instruction: 'exit', changed: {} },
    ]);
    const doc = json(websvm('trace', prog, '--json'));
    expect(doc.registersAtEntry).toEqual({ r1: '0x400000000', r2: '0x400000010', r10: '0x200001000' });
    const text = websvm('trace', prog).out.split('\n');
    expect(text[1]).toMatch(/^ {5}0 {2}mov64 r3, 7 +r3=0x7$/);
    expect(text[2]).toMatch(/^ {5}1 {2}add64 r3, 1 +r3=0x8$/);
  });

  it("takes the last instruction's registers from the end of the run (here: the budget runs out after it)", () => {
    const prog = program('budget', 'entrypoint:\n  mov64 r3, 7\n  mov64 r3, 8\n  exit\n');
    const r = websvm('trace', prog, '--compute-units', '1', '--json');
    expect(r.code).toBe(1);
    expect(json(r).steps).toEqual([{ pc: 0, instruction: 'mov64 r3, 7', changed: { r3: '0x7' } }]);
  });

  it('runs what run runs: accounts, program id, data, and the same logs, units, error and changed accounts', () => {
    const programId = 'Cw9YLu9nMHgYxQ5j6X5kHjZ5dEGxzoPHqmqJm2Ngpg5d';
    const fixture = join(dir, 'account.json');
    writeFileSync(
      fixture,
      formatAccountJson('9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin', {
        lamports: 1_000_000_000n,
        data: new Uint8Array(8),
        owner: programId,
        executable: false,
        rentEpoch: 0n,
      }),
    );
    const args = ['programs/bin/accounts.so', '--data', '0010', '--account', `${fixture}:w`, '--program-id', programId, '--json'];
    const run = websvm('run', ...args);
    const trace = websvm('trace', ...args);
    expect(trace.code).toBe(0);
    expect(run.code).toBe(0);
    expect(runFields(json(trace))).toEqual(runFields(json(run)));
    expect(json(trace).logs).toContain(`Program ${programId} invoke [1]`);
    expect(json(trace).changedAccounts).toHaveLength(1);
  });

  it('deploys at the same default program id as run', () => {
    const [run, trace] = ['run', 'trace'].map((c) => json(websvm(c, 'programs/bin/logging.so', '--json')));
    expect(runFields(trace)).toEqual(runFields(run));
    expect(trace.logs).toContain('Program Prog111111111111111111111111111111111111111 invoke [1]');
  });

  it('exits 1 on a fault like run, its last step the faulting instruction', () => {
    const run = websvm('run', 'programs/bin/faults.so', '--data', '01', '--json');
    const trace = websvm('trace', 'programs/bin/faults.so', '--data', '01', '--json');
    expect(run.code).toBe(1);
    expect(trace.code).toBe(1);
    expect(runFields(json(trace))).toEqual(runFields(json(run)));
    expect(json(trace).ok).toBe(false);
    const last = steps(['programs/bin/faults.so', '--data', '01']).at(-1)!;
    expect(last.instruction).toMatch(/^ldx/);
    expect(json(run).logs).toContain(
      'Program Prog111111111111111111111111111111111111111 failed: Access violation reading 8 bytes at address 0x0 (in unallocated region)',
    );
  });

  it('--limit N keeps the first N steps of an endless loop and lets the run end as run ends it', () => {
    const loop = program('loop', 'entrypoint:\n  mov64 r0, 0\nlbb_1:\n  add64 r0, 1\n  ja lbb_1\n');
    const budget = ['--compute-units', '50000']; // the default budget works too, only slower here
    const r = websvm('trace', loop, ...budget, '--limit', '5', '--json');
    expect(r.code).toBe(1);
    const doc = json(r);
    expect(doc.steps).toEqual([
      { pc: 0, instruction: 'mov64 r0, 0', changed: {} },
      { pc: 1, instruction: 'add64 r0, 1', changed: { r0: '0x1' } },
      { pc: 2, instruction: 'ja lbb_1', changed: {} },
      { pc: 1, instruction: 'add64 r0, 1', changed: { r0: '0x2' } },
      { pc: 2, instruction: 'ja lbb_1', changed: {} },
    ]);
    expect(doc.truncated).toBe(true);
    expect(runFields(doc)).toEqual(runFields(json(websvm('run', loop, ...budget, '--json'))));
    expect(doc.logs).toContain('Program Prog111111111111111111111111111111111111111 failed: exceeded CUs meter at BPF instruction');
    expect(websvm('trace', loop, ...budget, '--limit', '5').out).toContain('… the first 5 instructions only (--limit 5)');
    expect(json(websvm('trace', loop, ...budget, '--limit', '0', '--json'))).toMatchObject({ steps: [], truncated: true });
    const short = program('short', 'entrypoint:\n  mov64 r0, 0\n  exit\n');
    expect(json(websvm('trace', short, '--limit', '2', '--json'))).toMatchObject({ steps: [{ pc: 0 }, { pc: 1 }], truncated: false });
  });
});
