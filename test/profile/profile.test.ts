/**
 * The compute-unit profiler: with `withProfiling()` every transaction must give exactly what
 * LiteSVM gives (results, logs, compute units, String() forms), and its profile must account for
 * every unit consumed — instructions by call stack, function and line, syscalls as leaf frames,
 * CPI callees under the invoke syscall of their caller.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FailedTransactionMetadata, TransactionMetadata } from '../../src/index.js';
import { Dual, deployBoth, meta, observeBoth } from '../helpers/dual.js';
import { bytes, programElf } from '../helpers/encoding.js';

const elf = (name: string) => new Uint8Array(readFileSync(new URL(`../../programs/bin/${name}`, import.meta.url)));
const metadata = (r: TransactionMetadata | FailedTransactionMetadata) => (r instanceof TransactionMetadata ? r : r.meta());

describe('withProfiling()', () => {
  it('leaves results, logs and compute units identical to LiteSVM, and accounts for every unit', async () => {
    const d = await Dual.create();
    d.ours.withProfiling();
    const debuginfo = await deployBoth(d, elf('debuginfo.so'));
    const cpi = await deployBoth(d, programElf('cpi'));
    const callee = await deployBoth(d, programElf('cpi_callee'));
    const faults = await deployBoth(d, programElf('faults'));
    const sort = await deployBoth(d, programElf('bench_sort'));
    const recursion = await deployBoth(d, programElf('recursion'));
    const cases = [
      { programAddress: debuginfo, accounts: [], data: bytes(0, 1, 2, 3, 4, 5) },
      { programAddress: debuginfo, accounts: [], data: bytes(1, 5, 6) },
      { programAddress: debuginfo, accounts: [], data: bytes(2, 0) },
      { programAddress: debuginfo, accounts: [], data: bytes(3, 5, 1) },
      { programAddress: debuginfo, accounts: [], data: bytes(4) },
      { programAddress: cpi, accounts: [meta(debuginfo, false)], data: bytes(1, 0, 7, 8) },
      { programAddress: cpi, accounts: [meta(callee, false)], data: bytes(1, 7, 8) },
      { programAddress: cpi, accounts: [meta(cpi, false)], data: bytes(3, 2) },
      { programAddress: cpi, accounts: [meta(callee, false)], data: bytes(7) },
      { programAddress: faults, accounts: [], data: bytes(3) },
      { programAddress: faults, accounts: [], data: bytes(4) },
      { programAddress: faults, accounts: [], data: bytes(6) },
      { programAddress: sort, accounts: [], data: bytes(40) },
      { programAddress: recursion, accounts: [], data: bytes(12) },
    ];
    for (const ix of cases) {
      const tx = await d.transaction([ix]);
      const ours = d.ours.sendTransaction(tx);
      const observed = observeBoth(ours, d.theirs.sendTransaction(tx), {}, {});
      expect(observed.ours).toEqual(observed.theirs);
      const profile = metadata(ours).profile()!;
      expect(profile.total).toBe(Number(metadata(ours).computeUnitsConsumed()));
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
