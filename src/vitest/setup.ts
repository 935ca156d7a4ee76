/**
 * The per-test-file half of `websvm/vitest` (a vitest setup file): every SVM the file's tests
 * create records into one coverage, saved as a report in the run's parts directory when the
 * file's tests end, for the global setup to merge.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, inject } from 'vitest';
// The package root, not ../coverage/: the bundle then shares the root's chunk instead of splitting it.
import { Coverage, setDefaultCoverage } from '../index.js';

const { parts } = inject('websvmCoverage');
const coverage = new Coverage();
setDefaultCoverage(coverage);

afterAll(() => {
  mkdirSync(parts, { recursive: true });
  writeFileSync(`${parts}/${randomUUID()}.json`, JSON.stringify(coverage.report()));
  coverage.clear(); // a worker that runs another file saves only what that file adds
});
