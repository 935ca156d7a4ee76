/** How long a blockhash stays usable: 150 blocks, and at least the lifetime in wall time however fast blocks end. */
import { describe, expect, it } from 'vitest';
import { SVM } from '../../src/api/svm.js';
import { Ledger, MAX_PROCESSING_AGE } from '../../src/validator/ledger.js';

describe('blockhash lifetime', () => {
  it('keeps a blockhash for 150 blocks, and within its lifetime for as many blocks as end', () => {
    let now = 1_700_000_000_000;
    const ledger = new Ledger(new SVM(), undefined, () => now);
    const first = ledger.latestBlockhash.blockhash;
    for (let i = 0; i < Number(MAX_PROCESSING_AGE); i++) ledger.endBlock();
    expect(ledger.isBlockhashValid(first)).toBe(true);
    ledger.endBlock();
    expect(ledger.isBlockhashValid(first)).toBe(false); // no lifetime: blocks alone count

    ledger.blockhashLifetimeMs = 60_000;
    const second = ledger.latestBlockhash.blockhash;
    for (let i = 0; i < 3 * Number(MAX_PROCESSING_AGE); i++) ledger.endBlock();
    expect(ledger.isBlockhashValid(second)).toBe(true);
    now += 60_001;
    ledger.endBlock();
    expect(ledger.isBlockhashValid(second)).toBe(false);
    expect(ledger.isBlockhashValid(ledger.latestBlockhash.blockhash)).toBe(true);
  });
});
