/**
 * Phases of a scenario timed in fresh Node processes: each run starts a new process for websvm
 * and one for LiteSVM, alternating which goes first; the scenario prints its phases' milliseconds
 * as JSON on its last line; the table shows each phase's median and websvm's time ratio.
 */
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { median } from './stats.js';

const SIDES = ['websvm', 'litesvm'] as const;
type Phases = Record<string, number>;

/**
 * Runs `node ...nodeArgs <side>` `runs` times per side and returns one row per phase of `labels`
 * (phase key → label): the medians and websvm's time divided by LiteSVM's (lower is better). The
 * phase `process` is the whole process as the parent saw it, node start included. The processes
 * get `env` (default: this one's).
 */
export function freshProcessPhases(nodeArgs: string[], runs: number, labels: Record<string, string>, env: NodeJS.ProcessEnv = process.env) {
  const samples: Record<(typeof SIDES)[number], Phases[]> = { websvm: [], litesvm: [] };
  for (let i = 0; i < runs; i++) {
    for (const side of i % 2 === 0 ? SIDES : [...SIDES].reverse()) {
      const start = performance.now();
      const out = execFileSync(process.execPath, [...nodeArgs, side], { encoding: 'utf8', env });
      const phases = JSON.parse(out.trim().split('\n').pop()!) as Phases;
      phases.process = performance.now() - start;
      samples[side].push(phases);
    }
  }
  return Object.entries(labels).map(([key, label]) => {
    const ours = median(samples.websvm.map((p) => p[key]));
    const theirs = median(samples.litesvm.map((p) => p[key]));
    return { phase: label, 'websvm ms': +ours.toFixed(1), 'LiteSVM ms': +theirs.toFixed(1), ratio: +(ours / theirs).toFixed(2) };
  });
}
