/**
 * A compute-unit bencher compatible with Mollusk's `MolluskComputeUnitBencher`: bench named
 * instructions, then prepend a timestamped `| Name | CUs | Delta |` table to `compute_units.md`
 * (only when some figure changed) and write `compute_units.json`. Optionally fail when a bench
 * regresses beyond a threshold.
 */
import { toText } from '../arguments.js';
import { WebsvmError } from '../errors.js';
import { requireNodeFs } from '../platform.js';
import type { InstructionHarness } from './harness.js';
import type { AccountInput, AddressInput, InstructionInput } from './inputs.js';

/** One bench's figures. */
export interface BenchResult {
  name: string;
  computeUnits: bigint;
  /** Units more (+) or fewer (−) than the last table; undefined for a new bench. */
  delta?: bigint;
}

/** Options of {@link ComputeUnitBencher}. */
export interface BencherOptions {
  /** Where `compute_units.md` and `compute_units.json` go (default: the working directory). */
  outDir?: string;
  /** Heading of each table (default `Compute Units`). */
  header?: string;
  /** Fail when a bench's instruction fails (default true, as Mollusk's `must_pass`). */
  mustPass?: boolean;
  /** Fail when a bench uses more units than before by more than this (absolute and/or percent). */
  failOnRegression?: { units?: number; percent?: number };
  /** Clock for the table's timestamp (tests pin it). */
  now?: () => Date;
}

/** Mollusk's table rows, from the newest (first) table of a compute_units.md. */
export function parseLastTable(markdown: string): Map<string, bigint> {
  const rows = new Map<string, bigint>();
  let inTable = false;
  for (const line of toText(markdown, 'markdown', 'markdown text').split('\n')) {
    if (line.startsWith('|------')) {
      inTable = true;
      continue;
    }
    if (!inTable) continue;
    const [, name, units] = /^\|\s*(.+?)\s*\|\s*(\d+)\s*\|/.exec(line) ?? [];
    if (name === undefined || units === undefined) break;
    rows.set(name, BigInt(units));
  }
  return rows;
}

/** chrono's `DateTime<Utc>` Display: `2026-11-25 03:45:12.123456789 UTC`. */
function utcStamp(d: Date): string {
  const iso = d.toISOString(); // 2026-11-25T03:45:12.123Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${iso.slice(20, 23)}000000 UTC`;
}

export class ComputeUnitBencher {
  private readonly benches: { name: string; instruction: InstructionInput; accounts: [AddressInput, AccountInput][] }[] = [];

  constructor(
    private readonly harness: InstructionHarness,
    private readonly options: BencherOptions = {},
  ) {}

  /** Adds a named bench. */
  bench(name: string, instruction: InstructionInput, accounts: [AddressInput, AccountInput][]): this {
    this.benches.push({ name, instruction, accounts });
    return this;
  }

  /** Runs every bench, writes the files, and returns the figures. */
  execute(): BenchResult[] {
    const fs = requireNodeFs('the compute-unit bencher');
    const dir = this.options.outDir ?? '.';
    const md = `${dir}/compute_units.md`;
    const existing = fs.existsSync(md) ? fs.readFileSync(md, 'utf8') : '';
    const previous = parseLastTable(existing);
    const results: BenchResult[] = this.benches.map((b) => {
      const r = this.harness.process(b.instruction, b.accounts);
      if ((this.options.mustPass ?? true) && !r.success) {
        throw new WebsvmError('BenchFailed', `bench ${b.name} failed: ${r.error?.kind === 'Custom' ? `Custom(${r.error.code})` : r.error?.kind}`);
      }
      const before = previous.get(b.name);
      return { name: b.name, computeUnits: r.computeUnitsConsumed, delta: before === undefined ? undefined : r.computeUnitsConsumed - before };
    });
    const changed = results.some((r) => r.delta !== 0n);
    const now = (this.options.now ?? (() => new Date()))();
    fs.mkdirSync(dir, { recursive: true });
    if (changed) {
      const delta = (r: BenchResult) => (r.delta === undefined ? '- new -' : r.delta === 0n ? '--' : r.delta > 0n ? `+${r.delta}` : `${r.delta}`);
      const table =
        `#### ${this.options.header ?? 'Compute Units'}: ${utcStamp(now)}\n\n| Name | CUs | Delta |\n|------|------|-------|\n` +
        results.map((r) => `| ${r.name} | ${r.computeUnits} | ${delta(r)} |\n`).join('') +
        '\n';
      fs.writeFileSync(md, table + existing);
    }
    const json = {
      timestamp: now.toISOString(),
      results: results.map((r) => ({ name: r.name, computeUnits: Number(r.computeUnits), delta: r.delta === undefined ? null : Number(r.delta) })),
    };
    fs.writeFileSync(`${dir}/compute_units.json`, `${JSON.stringify(json, null, 2)}\n`);
    this.checkRegressions(results);
    return results;
  }

  private checkRegressions(results: BenchResult[]): void {
    const limit = this.options.failOnRegression;
    if (!limit) return;
    const regressed = results.filter((r) => {
      if (r.delta === undefined || r.delta <= 0n) return false;
      const before = r.computeUnits - r.delta;
      const overUnits = limit.units !== undefined && r.delta > BigInt(limit.units);
      const overPercent = limit.percent !== undefined && Number(r.delta) * 100 > limit.percent * Number(before);
      return overUnits || overPercent;
    });
    if (regressed.length > 0) {
      throw new WebsvmError(
        'ComputeUnitRegression',
        `compute units regressed: ${regressed.map((r) => `${r.name} ${r.computeUnits - r.delta!} → ${r.computeUnits} (+${r.delta})`).join(', ')}`,
      );
    }
  }
}
