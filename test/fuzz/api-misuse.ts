/**
 * API misuse: random calls of every public `SVM` method (and of the static ones that load saved
 * state) with arguments of the wrong type, out of range, malformed or missing (and sometimes right:
 * saved states come whole, cut short and damaged). A call may succeed or throw a `WebsvmError`;
 * anything else thrown (a TypeError, a RangeError, a SolanaError from inside) is a finding. The
 * methods that write files only get paths inside a temporary directory.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SVM, WebsvmError } from '../../src/index.js';
import type { Rng } from '../jit/fuzz.js';
import { runCases, type CampaignOptions, type CampaignReport } from './campaign.js';

const ADDRESS = '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T';

/** Values of every kind a caller might pass by mistake, and a few right ones. */
function values(dir: string): unknown[] {
  return [
    undefined,
    null,
    NaN,
    -1,
    1.5,
    0,
    1,
    2 ** 53,
    -1n,
    0n,
    5_000_000n,
    2n ** 64n,
    2n ** 64n + 100n,
    '',
    'not-an-address',
    ADDRESS,
    '11111111111111111111111111111111',
    '{"pubkey": 1}',
    '{}',
    {},
    [],
    [1, 2, 3],
    new Uint8Array(3),
    new Uint8Array(32),
    Uint8Array.from({ length: 64 }, (_, i) => i),
    { lamports: 5n, data: new Uint8Array(1), owner: ADDRESS, executable: false },
    { address: ADDRESS, lamports: -1n },
    { messageBytes: new Uint8Array(5), signatures: {} },
    { toBase58: () => 'bogus' },
    () => 0,
    Symbol('x'),
    join(dir, 'accounts'),
    join(dir, 'out-0'),
    ...savedStates(),
  ];
}

/** A saved state, and the same cut short, with a flipped bit, and with its body's first byte out of range. */
function savedStates(): Uint8Array[] {
  const saved = SVM.default().toBytes();
  const flipped = saved.slice();
  flipped[saved.length >> 1] ^= 4;
  const outOfRange = saved.slice();
  outOfRange[24] = 9;
  return [saved, saved.subarray(0, saved.length - 5), flipped, outOfRange];
}

/** Methods that write files take only paths inside `dir`. */
const WRITES_FILES = new Set(['saveAccountsToDirectory', 'saveToFile']);

/** The static methods, called on the class (they make a new simulator from saved state). */
const STATICS = new Set(['fromBytes', 'loadFromFile']);

export async function apiMisuse(options: CampaignOptions): Promise<CampaignReport> {
  const dir = mkdtempSync(join(tmpdir(), 'websvm-api-fuzz-'));
  const pool = values(dir);
  const methods = [
    ...Object.getOwnPropertyNames(SVM.prototype).filter(
      (m) => m !== 'constructor' && typeof (SVM.prototype as unknown as Record<string, unknown>)[m] === 'function',
    ),
    ...STATICS,
  ];
  let svm = new SVM();
  return runCases(options, (rng: Rng, index) => {
    if (index % 200 === 0) svm = new SVM(); // a fresh simulator now and then, so that state built by earlier calls does not pile up
    const method = rng.pick(methods);
    const args = Array.from({ length: rng.int(4) }, () => rng.pick(pool));
    if (WRITES_FILES.has(method)) args[0] = join(dir, `out-${index % 4}`);
    try {
      ((STATICS.has(method) ? SVM : svm) as unknown as Record<string, (...a: unknown[]) => unknown>)[method](...args);
      return `${method} accepted`;
    } catch (e) {
      if (e instanceof WebsvmError) return 'refused (typed)';
      const shown = args
        .map((a) =>
          typeof a === 'bigint'
            ? `${a}n`
            : typeof a === 'symbol'
              ? a.toString()
              : typeof a === 'function'
                ? 'function'
                : JSON.stringify(a, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)),
        )
        .join(', ');
      throw new Error(
        `${STATICS.has(method) ? 'SVM' : 'svm'}.${method}(${shown}) threw an untyped ${e instanceof Error ? e.constructor.name : typeof e}: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
    }
  });
}
