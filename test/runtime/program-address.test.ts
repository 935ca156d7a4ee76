import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/crypto/sha256.js';
import { createProgramAddress, isOnCurve, PDA_MARKER } from '../../src/syscalls/pda.js';

/** The address as computed without the remembered curve checks. */
const direct = (seeds: Uint8Array[], programId: Uint8Array) => {
  const hash = sha256(...seeds, programId, PDA_MARKER);
  return isOnCurve(hash) ? undefined : hash;
};

describe('createProgramAddress', () => {
  it('gives the same answers with its remembered curve checks, repeated and with hashes sharing a slot', () => {
    const programId = sha256(Uint8Array.of(7));
    // 3000 derivations over 1024 slots: many hashes land where another was remembered.
    const seeds = Array.from({ length: 3000 }, (_, i) => [Uint8Array.of(i & 0xff, i >> 8)]);
    for (let round = 0; round < 2; round++) {
      let offCurve = 0;
      for (const s of seeds) {
        const ours = createProgramAddress(s, programId);
        expect(ours).toEqual(direct(s, programId));
        if (ours) offCurve++;
      }
      // About half of all hashes are curve points.
      expect(offCurve).toBeGreaterThan(1200);
      expect(offCurve).toBeLessThan(1800);
    }
  });
});
