/** The compute-unit bencher: Mollusk's markdown format, deltas, unchanged runs, regressions. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountRole, generateKeyPairSigner } from '@solana/kit';
import { ComputeUnitBencher, InstructionHarness, parseLastTable } from '../../src/index.js';
import { programElf } from '../helpers/encoding.js';

describe('ComputeUnitBencher', async () => {
  const program = (await generateKeyPairSigner()).address;
  const account = (await generateKeyPairSigner()).address;
  const harness = new InstructionHarness().addProgram(program, programElf('accounts'));
  const grow = (n: number) => ({ programAddress: program, accounts: [{ address: account, role: AccountRole.WRITABLE }], data: Uint8Array.of(0, n) });
  const accounts: [string, { lamports: bigint; programAddress: string; data: Uint8Array }][] = [
    [account, { lamports: 10n ** 9n, programAddress: program, data: new Uint8Array(8) }],
  ];
  const at = (iso: string) => () => new Date(iso);

  it('writes a Mollusk-style table, then prepends only when figures change', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    const first = new ComputeUnitBencher(harness, { outDir: dir, now: at('2026-11-25T01:02:03.456Z') })
      .bench('grow_1', grow(1), accounts)
      .bench('grow_9', grow(9), accounts)
      .execute();
    const md1 = readFileSync(join(dir, 'compute_units.md'), 'utf8');
    expect(md1).toBe(
      `#### Compute Units: 2026-11-25 01:02:03.456000000 UTC\n\n| Name | CUs | Delta |\n|------|------|-------|\n` +
        `| grow_1 | ${first[0].computeUnits} | - new - |\n| grow_9 | ${first[1].computeUnits} | - new - |\n\n`,
    );
    expect(first[1].computeUnits).toBeGreaterThan(first[0].computeUnits);
    // Same figures: the markdown is left alone, the JSON is rewritten.
    new ComputeUnitBencher(harness, { outDir: dir }).bench('grow_1', grow(1), accounts).bench('grow_9', grow(9), accounts).execute();
    expect(readFileSync(join(dir, 'compute_units.md'), 'utf8')).toBe(md1);
    // A changed figure: a new table on top, with the delta.
    const third = new ComputeUnitBencher(harness, { outDir: dir, now: at('2026-11-26T00:00:00.000Z') }).bench('grow_1', grow(9), accounts).execute();
    const md3 = readFileSync(join(dir, 'compute_units.md'), 'utf8');
    expect(md3.startsWith('#### Compute Units: 2026-11-26 00:00:00.000000000 UTC')).toBe(true);
    expect(md3.endsWith(md1)).toBe(true);
    expect(third[0].delta).toBe(first[1].computeUnits - first[0].computeUnits);
    expect(parseLastTable(md3).get('grow_1')).toBe(first[1].computeUnits);
    const json = JSON.parse(readFileSync(join(dir, 'compute_units.json'), 'utf8'));
    expect(json.results[0]).toEqual({ name: 'grow_1', computeUnits: Number(first[1].computeUnits), delta: Number(third[0].delta) });
  });

  it('fails on a regression beyond the threshold, and on a failing bench', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-'));
    new ComputeUnitBencher(harness, { outDir: dir }).bench('op', grow(1), accounts).execute();
    const regress = () => new ComputeUnitBencher(harness, { outDir: dir, failOnRegression: { units: 0 } }).bench('op', grow(200), accounts).execute();
    expect(regress).toThrow(/compute units regressed: op \d+ → \d+ \(\+\d+\)/);
    const failing = () =>
      new ComputeUnitBencher(harness, { outDir: dir }).bench('bad', { programAddress: program, accounts: [], data: Uint8Array.of(99) }, []).execute();
    expect(failing).toThrow(/bench bad failed: InvalidInstructionData/);
  });
});
