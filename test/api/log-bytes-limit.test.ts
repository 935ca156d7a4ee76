/**
 * `withLogBytesLimit`: the limit counts the UTF-8 bytes of the log lines as Agave's LogCollector
 * does, and no argument means no limit, checked against LiteSVM with program logs of multi-byte text.
 */
import { describe, expect, it } from 'vitest';
import { assembleToElf, SVM } from '../../src/index.js';
import { Dual, deployBoth } from '../helpers/dual.js';

/** Logs its instruction data (UTF-8 text) twelve times with sol_log_. */
const LOG_DATA_TWELVE_TIMES = [
  'ldxdw r7, [r1+8]',
  'add64 r1, 16',
  'mov64 r6, r1',
  'mov64 r8, 0',
  'again:',
  'mov64 r1, r6',
  'mov64 r2, r7',
  'syscall sol_log_',
  'add64 r8, 1',
  'jlt r8, 12, again',
  'mov64 r0, 0',
  'exit',
].join('\n');

/** 10 UTF-8 bytes in 5 UTF-16 units: a 2-, a 3- and a 4-byte character and a space. */
const MIXED = 'é☃😀 ';

async function logger() {
  const d = await Dual.create();
  // The same transaction is sent again under each limit.
  d.ours.withTransactionHistory(0n);
  d.theirs.withTransactionHistory(0n);
  const program = await deployBoth(d, assembleToElf(LOG_DATA_TWELVE_TIMES, { sbpfVersion: 0 }));
  const tx = (text: string) => d.transaction([{ programAddress: program, accounts: [], data: new TextEncoder().encode(text) }]);
  return { d, tx };
}

describe('withLogBytesLimit: websvm vs LiteSVM', () => {
  it('counts UTF-8 bytes: every limit across a log of multi-byte text truncates where LiteSVM does', async () => {
    const { d, tx } = await logger();
    const sent = await tx(MIXED.repeat(3));
    let wholeFrom: number | undefined;
    for (let limit = 0; limit <= 800; limit++) {
      d.ours.withLogBytesLimit(BigInt(limit));
      d.theirs.withLogBytesLimit(BigInt(limit));
      const r = d.send(sent);
      expect(r.ours.logs, `limit ${limit}`).toEqual(r.theirs.logs);
      if (wholeFrom === undefined && !r.ours.logs.includes('Log truncated')) wholeFrom = limit;
    }
    // The sweep reaches past the whole log: from some limit on, all of it is kept.
    expect(wholeFrom).toBeDefined();
  });

  it('no argument, undefined or null means no limit; a new SVM keeps 10 000 bytes', async () => {
    const { d, tx } = await logger();
    // Twelve lines of 13 + 900 bytes (450 UTF-16 units): over 10 000 bytes, under 10 000 units.
    const sent = await tx(MIXED.repeat(90));
    const truncated = d.send(sent);
    expect(truncated.ours.logs).toEqual(truncated.theirs.logs);
    expect(truncated.ours.logs).toContain('Log truncated');
    for (const clear of [(s: SVM) => s.withLogBytesLimit(), (s: SVM) => s.withLogBytesLimit(undefined), (s: SVM) => s.withLogBytesLimit(null)]) {
      d.ours.withLogBytesLimit(10n);
      clear(d.ours);
      d.theirs.withLogBytesLimit();
      const r = d.send(sent);
      expect(r.ours.logs).toEqual(r.theirs.logs);
      expect(r.ours.logs.filter((l) => l.startsWith('Program log: '))).toHaveLength(12);
    }
  });
});
