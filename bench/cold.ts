/**
 * `npm run bench:cold`: what a user feels running one test file. Each run is a fresh Node process
 * executing `bench/cold-scenario.mjs` (import, first simulator, six transactions of SPL Token and
 * ATA), alternating websvm (the built package) and LiteSVM; prints the median of every phase, the
 * whole process time (node start included) and websvm's ratio to LiteSVM. `COLD_RUNS` sets the
 * runs per side (default 9, at least 7).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const runs = Math.max(7, Number(process.env.COLD_RUNS ?? 9));
const scenario = fileURLToPath(new URL('./cold-scenario.mjs', import.meta.url));
const sides = ['websvm', 'litesvm'] as const;
type Phases = Record<string, number>;
const samples: Record<(typeof sides)[number], Phases[]> = { websvm: [], litesvm: [] };

for (let i = 0; i < runs; i++) {
  for (const side of i % 2 === 0 ? sides : [...sides].reverse()) {
    const start = performance.now();
    const out = execFileSync(process.execPath, [scenario, side], { encoding: 'utf8' });
    const phases = JSON.parse(out.trim().split('\n').pop()!) as Phases;
    phases.process = performance.now() - start;
    samples[side].push(phases);
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const labels: Record<string, string> = {
  import: 'import of the package (after @solana/kit)',
  newSvm: 'first new SVM() / new LiteSVM()',
  firstTx: 'first transaction (SPL Token runs first)',
  nextTokenTxs: 'next 4 SPL Token transactions',
  ataTx: 'ATA create (CPIs run first)',
  script: 'whole script (after @solana/kit)',
  process: 'whole process, node start included',
};
const rows = Object.entries(labels).map(([key, label]) => {
  const ours = median(samples.websvm.map((p) => p[key]));
  const theirs = median(samples.litesvm.map((p) => p[key]));
  return { phase: label, 'websvm ms': +ours.toFixed(1), 'LiteSVM ms': +theirs.toFixed(1), ratio: +(ours / theirs).toFixed(2) };
});
console.log(`medians of ${runs} fresh processes per side, alternating (ratio = websvm / LiteSVM time, lower is better)`);
console.table(rows);
