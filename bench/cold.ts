/**
 * `npm run bench:cold`: what a user feels running one test file. Each run is a fresh Node process
 * executing `bench/cold-scenario.mjs` (import, first simulator, six transactions of SPL Token and
 * ATA), alternating websvm (the built package) and LiteSVM; prints the median of every phase, the
 * whole process time (node start included) and websvm's ratio to LiteSVM, then the same with
 * websvm's code cache off. `COLD_RUNS` sets the runs per side (default 9, at least 7).
 */
import { fileURLToPath } from 'node:url';
import { freshProcessPhases } from './fresh-processes.js';

const runs = Math.max(7, Number(process.env.COLD_RUNS ?? 9));
const scenario = fileURLToPath(new URL('./cold-scenario.mjs', import.meta.url));
const labels = {
  import: 'import of the package (after @solana/kit)',
  newSvm: 'first new SVM() / new LiteSVM()',
  firstTx: 'first transaction (SPL Token runs first)',
  nextTokenTxs: 'next 4 SPL Token transactions',
  ataTx: 'ATA create (CPIs run first)',
  script: 'whole script (after @solana/kit)',
  process: 'whole process, node start included',
};
// The first process after a build writes websvm's code cache (src/package/code-cache.ts); the
// medians are of processes that start from it, as every test file after the first one does.
const rows = freshProcessPhases([scenario], runs, labels);
console.log(`medians of ${runs} fresh processes per side, alternating (ratio = websvm / LiteSVM time, lower is better)`);
console.table(rows);
const uncached = freshProcessPhases([scenario], runs, labels, { ...process.env, WEBSVM_CODE_CACHE: '0' });
console.log(`the same without websvm's code cache (a process's first import after an install), ${runs} runs per side`);
console.table(uncached);
