/**
 * The Edwards decompression check behind program-derived addresses and Edwards
 * `sol_curve_validate_point` (crypto/edwards-y.ts) against curve25519-dalek: through LiteSVM on
 * chosen 32-byte strings (edge values of y around 0, 1, p and 2^255 with both sign bits, small-order
 * points, non-canonical y, random bytes), against noble's zip215 decoding (the same rules) on many
 * more, and PDA derivation through both syscalls on random seeds and on as many seeds as allowed.
 */
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { assembleToElf } from '../../src/index.js';
import { isEdwardsY } from '../../src/crypto/edwards-y.js';
import { address } from '@solana/kit';
import { deployBoth, Dual } from '../helpers/dual.js';
import { programElf, u32 } from '../helpers/encoding.js';

const P = 2n ** 255n - 19n;

/** y little-endian in 32 bytes, with the sign bit (bit 255) as given. */
function encode(y: bigint, sign: boolean): Uint8Array {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++, y >>= 8n) b[i] = Number(y & 0xffn);
  if (sign) b[31] |= 0x80;
  return b;
}

/** A deterministic byte stream (xorshift32). */
function randomBytes(seed: number, length: number): Uint8Array {
  let s = seed >>> 0 || 1;
  return Uint8Array.from({ length }, () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s & 0xff;
  });
}

/** Inputs where a decompression check can go wrong. */
function edgeCases(): Uint8Array[] {
  const ys = new Set<bigint>();
  for (const base of [0n, 1n, 2n, 2n ** 25n, 2n ** 26n, 2n ** 51n, 2n ** 128n, 2n ** 254n, P - 2n ** 26n, P - 1n, P, 2n ** 255n - 1n]) {
    for (let d = -20n; d <= 20n; d++) if (base + d >= 0n && base + d < 2n ** 255n) ys.add(base + d);
  }
  const out: Uint8Array[] = [];
  for (const y of ys) out.push(encode(y, false), encode(y, true));
  // Small-order points and multiples of the base point, with the sign bit flipped and y + p where that fits.
  const points = [ed25519.Point.ZERO, ...Array.from({ length: 40 }, (_, k) => ed25519.Point.BASE.multiply(BigInt(k + 1) * 7919n))];
  for (let k = 0; k < 8; k++) points.push(ed25519.Point.fromAffine({ x: 0n, y: P - 1n }).multiply(BigInt(k + 1)));
  for (const p of points) {
    const bytes = p.toBytes();
    const flipped = bytes.slice();
    flipped[31] ^= 0x80;
    out.push(bytes, flipped);
    const { y } = p.toAffine();
    if (y + P < 2n ** 255n) out.push(encode(y + P, false), encode(y + P, true));
  }
  return out;
}

/** Whether noble's zip215 decoding (dalek's rules) accepts the bytes. */
function nobleAccepts(bytes: Uint8Array): boolean {
  try {
    ed25519.Point.fromBytes(bytes, true);
    return true;
  } catch {
    return false;
  }
}

/** Logs `sol_curve_validate_point(Edwards, …)` of each 32 bytes of the instruction data. */
const VALIDATE_EACH = `
entrypoint:
  ldxdw r9, [r1+8]
  mov64 r6, r1
  add64 r6, 16
  rsh64 r9, 5
loop:
  jeq r9, 0, done
  mov64 r1, 0
  mov64 r2, r6
  syscall sol_curve_validate_point
  mov64 r1, r0
  mov64 r2, 0
  mov64 r3, 0
  mov64 r4, 0
  mov64 r5, 0
  syscall sol_log_64_
  add64 r6, 32
  sub64 r9, 1
  ja loop
done:
  mov64 r0, 0
  exit`;

/**
 * `sol_try_find_program_address` on data[0] seeds, each the data[1] bytes from data[2] on, under the
 * program id at data[2..34]; logs the result, the bump and the address's first 8 bytes.
 */
const FIND_WITH_SEEDS = `
entrypoint:
  mov64 r6, r1
  add64 r6, 16
  mov64 r7, r10
  sub64 r7, 512
  ldxb r2, [r6+0]
  ldxb r3, [r6+1]
  add64 r6, 2
  mov64 r8, 0
fill:
  jeq r8, r2, call
  mov64 r9, r8
  lsh64 r9, 4
  add64 r9, r7
  stxdw [r9+0], r6
  stxdw [r9+8], r3
  add64 r8, 1
  ja fill
call:
  mov64 r1, r7
  mov64 r3, r6
  mov64 r4, r10
  sub64 r4, 64
  mov64 r5, r10
  sub64 r5, 72
  stxdw [r5+0], r8
  syscall sol_try_find_program_address
  mov64 r1, r0
  ldxb r2, [r10-72]
  ldxdw r3, [r10-64]
  mov64 r4, 0
  mov64 r5, 0
  syscall sol_log_64_
  mov64 r0, 0
  exit`;

describe('Edwards point check: ours vs curve25519-dalek (LiteSVM) and noble', () => {
  it('agrees with noble’s zip215 decoding on edge values and 20 000 random strings', () => {
    const inputs = [...edgeCases(), ...Array.from({ length: 20_000 }, (_, i) => randomBytes(i + 1, 32))];
    const differing = inputs.filter((b) => isEdwardsY(b) !== nobleAccepts(b)).map((b) => Buffer.from(b).toString('hex'));
    expect(differing).toEqual([]);
    // Both answers occur (about half of all y are on the curve).
    expect(inputs.filter(isEdwardsY).length).toBeGreaterThan(inputs.length / 3);
  });

  it('gives sol_curve_validate_point LiteSVM’s answers on edge values and random strings', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, assembleToElf(VALIDATE_EACH, { sbpfVersion: 0 }));
    const inputs = [...edgeCases(), ...Array.from({ length: 300 }, (_, i) => randomBytes(1_000_003 * (i + 1), 32))];
    for (let at = 0; at < inputs.length; at += 30) {
      const batch = inputs.slice(at, at + 30);
      const data = new Uint8Array(32 * batch.length);
      batch.forEach((b, i) => data.set(b, 32 * i));
      const r = await d.expectSame([{ programAddress: program, accounts: [], data }]);
      const answers = r.logs.filter((l) => l.startsWith('Program log: 0x')).map((l) => l === 'Program log: 0x0, 0x0, 0x0, 0x0, 0x0');
      expect(answers).toEqual(batch.map(isEdwardsY));
    }
  }, 120_000);

  it('derives the same program addresses and bumps as LiteSVM for random seeds', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, programElf('pda'));
    for (let i = 0; i < 120; i++) {
      const seed = randomBytes(7 * i + 3, 1 + (i % 32));
      const r = await d.expectSame([{ programAddress: program, accounts: [], data: seed }]);
      expect(r.error).toBeUndefined();
    }
  }, 120_000);

  it('finds addresses of up to 15 seeds of up to 32 bytes as LiteSVM does; with 16 the bump is one too many and every bump fails', async () => {
    const d = await Dual.create();
    const program = await deployBoth(d, assembleToElf(FIND_WITH_SEEDS, { sbpfVersion: 0 }));
    const budget = { programAddress: address('ComputeBudget111111111111111111111111111111'), accounts: [], data: Uint8Array.from([2, ...u32(1_400_000)]) };
    for (const [count, length] of [
      [0, 0],
      [1, 32],
      [15, 32],
      [15, 33],
      [16, 0],
      [16, 32],
    ]) {
      const data = Uint8Array.from([count, length, ...randomBytes(count * 31 + length + 1, 40)]);
      const r = await d.expectSame([budget, { programAddress: program, accounts: [], data }]);
      if (count === 16) expect(r.logs.some((l) => l.startsWith('Program log: 0x1,'))).toBe(true);
    }
  }, 120_000);
});
