/**
 * What every fuzz campaign shares: a time budget and a seed in, and what it found out — how many
 * cases it ran and the cases where websvm went wrong (each described well enough to reproduce).
 * `npm run fuzz:all` runs every campaign for a while (scripts/fuzz.ts); the test suite runs each
 * for a few seconds (test/fuzz/campaigns.test.ts).
 */
import { Rng } from '../jit/fuzz.js';

export interface CampaignOptions {
  /** Stop starting new cases after this many seconds. */
  seconds: number;
  seed: number;
}

export interface CampaignReport {
  cases: number;
  /** Per outcome class (e.g. 'both refuse'), how many cases ended that way. */
  outcomes: Record<string, number>;
  /** Every case where websvm crashed, hung or disagreed with the reference. */
  findings: string[];
}

export type Campaign = (options: CampaignOptions) => Promise<CampaignReport>;

/** Runs `one` on fresh random cases until the budget is spent; `one` returns the case's outcome class or throws a finding. */
export async function runCases(options: CampaignOptions, one: (rng: Rng, index: number) => Promise<string> | string): Promise<CampaignReport> {
  const rng = new Rng(options.seed);
  const report: CampaignReport = { cases: 0, outcomes: {}, findings: [] };
  const end = performance.now() + options.seconds * 1000;
  while (performance.now() < end) {
    const index = report.cases++;
    try {
      const outcome = await one(rng, index);
      report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
    } catch (e) {
      report.findings.push(`case ${index} (seed ${options.seed}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return report;
}
