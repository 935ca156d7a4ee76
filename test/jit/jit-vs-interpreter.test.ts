/**
 * Differential fuzzing: thousands of seeded random programs of every version run on the JIT and
 * on the interpreter; result, error kind and text, faulting pc and instruction count must agree.
 * `FUZZ_PROGRAMS=200000 npm run fuzz` runs longer.
 */
import { describe, expect, it } from 'vitest';
import { execute, SBPFVersion } from '../../src/index.js';
import { randomProgram, Rng } from './fuzz.js';

const PROGRAMS = Number(process.env.FUZZ_PROGRAMS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261124);

describe('JIT vs interpreter', () => {
  it(`${PROGRAMS} random programs (seed ${SEED})`, () => {
    const rng = new Rng(SEED);
    const versions = [SBPFVersion.V0, SBPFVersion.V1, SBPFVersion.V2, SBPFVersion.V3, SBPFVersion.V4];
    const kinds = new Map<string, number>();
    for (let i = 0; i < PROGRAMS; i++) {
      const v = versions[i % versions.length];
      const { exe, budget } = randomProgram(rng, v);
      const input = Uint8Array.from({ length: rng.int(64) }, () => rng.int(256));
      const interp = execute(exe, { engine: 'interpreter', computeUnits: budget, input });
      const jit = execute(exe, { engine: 'jit', computeUnits: budget, input });
      if (JSON.stringify(jit, big) !== JSON.stringify(interp, big)) {
        expect(jit, `program ${i} (V${v}, budget ${budget}): ${Buffer.from(exe.text).toString('hex')}`).toEqual(interp);
      }
      const kind = interp.ok ? 'ok' : interp.error.kind;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    // The generator must reach the interesting outcomes, not only one of them.
    for (const k of ['ok', 'ExceededMaxInstructions', 'AccessViolation', 'StackAccessViolation', 'CallDepthExceeded', 'DivideByZero', 'UnsupportedInstruction']) {
      expect(kinds.get(k) ?? 0, `${k} in ${JSON.stringify([...kinds])}`).toBeGreaterThan(0);
    }
  }, 30_000 + PROGRAMS * 5);
});

function big(_k: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v;
}
