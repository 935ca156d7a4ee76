/**
 * Conformance: solana-sbpf's own asm execution vectors (tests/execution.rs), extracted by
 * scripts/extract-sbpf-vectors.py, run through assemble() + execute() on both engines.
 * Each must match the reference's result, error kind (and text where it carries data) and the
 * instruction count the reference's meter charges.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, execute } from '../../src/index.js';

interface Vector {
  test: string;
  version: 0 | 1 | 2 | 3 | 4;
  asm: string;
  input: number[];
  instructions: number;
  expected: { ok: true; value: string } | { ok: false; kind: string; message?: string };
}

const data = JSON.parse(readFileSync(new URL('./vectors/sbpf-execution.json', import.meta.url), 'utf8')) as {
  vectors: Vector[];
};

describe.each(['interpreter', 'jit'] as const)('solana-sbpf execution vectors (%s)', (engine) => {
  it('has the extracted vectors', () => {
    expect(data.vectors.length).toBeGreaterThan(150);
  });
  data.vectors.forEach((v, i) => {
    it(`${v.test} #${i} (V${v.version})`, () => {
      const exe = assemble(v.asm, { sbpfVersion: v.version });
      const r = execute(exe, {
        input: Uint8Array.from(v.input),
        computeUnits: v.instructions,
        engine,
      });
      if (v.expected.ok) {
        expect(r).toMatchObject({ ok: true, value: BigInt(v.expected.value) });
      } else {
        expect(r.ok).toBe(false);
        if (!r.ok) {
          expect(r.error.kind).toBe(v.expected.kind);
          if (v.expected.message) expect(r.error.message).toBe(v.expected.message);
        }
      }
      expect(r.instructions).toBe(BigInt(v.instructions));
    });
  });
});
