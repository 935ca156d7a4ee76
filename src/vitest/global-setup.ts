/**
 * The per-run half of `websvm/vitest` (a vitest global setup): clears the parts directory before
 * the run and, once it ends, merges the reports the test files saved there into one lcov tracefile.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { CoverageReport, type CoverageReportJson } from '../index.js';

export default function setup(project: TestProject): () => void {
  const { lcov, parts, testName } = project.getProvidedContext().websvmCoverage;
  rmSync(parts, { recursive: true, force: true });
  return () => {
    const report = new CoverageReport();
    if (existsSync(parts)) {
      for (const name of readdirSync(parts).sort())
        report.merge(CoverageReport.fromJSON(JSON.parse(readFileSync(`${parts}/${name}`, 'utf8')) as CoverageReportJson));
    }
    report.writeLcov(lcov, { testName });
    rmSync(parts, { recursive: true, force: true });
  };
}
