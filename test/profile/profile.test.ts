/**
 * The compute-unit profiler: with `withProfiling()` every transaction must give exactly what
 * LiteSVM gives (results, logs, compute units, String() forms), and its profile must account for
 * every unit consumed — instructions by call stack, function and line, syscalls as leaf frames,
 * CPI callees under the invoke syscall of their caller.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FailedTransactionMetadata, TransactionMetadata } from '../../src/index.js';
import { Dual, deployBoth, meta } from '../helpers/dual.js';
import { bytes, programElf } from '../helpers/encoding.js';
import { sendToBoth, toolCases } from '../helpers/tool-cases.js';

const elf = (name: string) => new Uint8Array(readFileSync(new URL(`../../programs/bin/${name}`, import.meta.url)));
const metadata = (r: TransactionMetadata | FailedTransactionMetadata) => (r instanceof TransactionMetadata ? r : r.meta());

describe('withProfiling()', () => {
  it('leaves results, logs and compute units identical to LiteSVM, and accounts for every unit', async () => {
    const d = await Dual.create();
    d.ours.withProfiling();
    const cases = await toolCases(d);
    for (const ix of cases) {
      const ours = await sendToBoth(d, ix);
      expect(ours.profile()!.total).toBe(Number(ours.computeUnitsConsumed()));
    }
  });

  it('folds units to call stacks (inlined functions and syscalls as frames), functions and lines', async () => {
    const d = await Dual.create();
    d.ours.withProfiling();
    const program = await deployBoth(d, elf('debuginfo.so'));
    const r = d.ours.sendTransaction(await d.transaction([{ programAddress: program, accounts: [], data: bytes(0, 1, 2, 3, 4, 5) }]));
    const profile = metadata(r).profile()!;
    const stacks = profile.folded().trimEnd().split('\n');
    expect(stacks.map((l) => l.replace(/ \d+$/, ''))).toEqual(
      [
        'entrypoint',
        'entrypoint;parse_input',
        'entrypoint;checked_sum',
        'entrypoint;checked_sum;clamp',
        'entrypoint;checked_sum;weigh',
        'entrypoint;sol_log_64_',
      ].map((s) => `${program};${s}`),
    );
    expect(stacks.at(-1)).toBe(`${program};entrypoint;sol_log_64_ 100`);
    const weigh = profile.functions().find((f) => f.name === 'weigh')!;
    expect(weigh.exclusive).toBe(weigh.inclusive);
    const checkedSum = profile.functions().find((f) => f.name === 'checked_sum')!;
    expect(checkedSum.inclusive).toBe(checkedSum.exclusive + weigh.inclusive + profile.functions().find((f) => f.name === 'clamp')!.inclusive);
    expect(profile.lines()[0]).toMatchObject({ file: 'programs/debuginfo/checks.c', line: 8 });
    expect(profile.lines().reduce((n, l) => n + l.units, 0)).toBeLessThanOrEqual(profile.total - 100); // the syscall's units have no line
  });

  it('puts a CPI callee under its caller’s invoke syscall', async () => {
    const d = await Dual.create();
    d.ours.withProfiling();
    const debuginfo = await deployBoth(d, elf('debuginfo.so'));
    const cpi = await deployBoth(d, programElf('cpi'));
    const r = d.ours.sendTransaction(await d.transaction([{ programAddress: cpi, accounts: [meta(debuginfo, false)], data: bytes(1, 0, 7, 8) }]));
    const folded = metadata(r).profile()!.folded();
    expect(folded).toContain(`${cpi};entrypoint;sol_invoke_signed_c;${debuginfo};entrypoint;checked_sum;weigh `);
  });

  it('is off by default', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, elf('debuginfo.so'));
    const r = d.ours.sendTransaction(await d.transaction([{ programAddress: program, accounts: [], data: bytes(0) }]));
    expect(metadata(r).profile()).toBeUndefined();
  });
});
