/**
 * alt_bn128 (BN254) syscalls (agave `SyscallAltBn128` / `SyscallAltBn128Compression`,
 * solana-bn254): G1 and G2 addition and scalar multiplication, pairing checks, point compression,
 * in big-endian (EIP-197 layout) or, with op | 0x80, little-endian (arkworks layout). Invalid
 * input returns 1; an unknown op fails with `InvalidAttribute`. G1 arithmetic and the pairing
 * check are ours (crypto/short-weierstrass.ts, crypto/bn254-pairing.ts); G2 arithmetic is
 * @noble/curves', loaded on first use.
 */
import type { bn254 } from '@noble/curves/bn254.js';
import { Bn254Pairing, PAIR_INPUT } from '../crypto/bn254-pairing.js';
import { nobleBn254 } from '../crypto/noble.js';
import { ShortWeierstrass } from '../crypto/short-weierstrass.js';
import type { SyscallContext, SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';
import { WebsvmError } from '../errors.js';
import { allZero } from '../runtime/bytes.js';

const LE = 0x80;
const G1_ADD = 0;
const G1_MUL = 2;
const PAIRING = 3;
const G2_ADD = 4;
const G2_MUL = 6;
/** The base field's modulus p and the group order r. */
const P = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const curve = () => nobleBn254().bn254;

/** G1: y² = x³ + 3 over Fp, on our WebAssembly arithmetic (the point at infinity is undefined). */
export const G1 = new ShortWeierstrass(P, 3n);
/** The pairing check, on our WebAssembly tower arithmetic. */
const PAIRING_CHECK = new Bn254Pairing();
type G2 = InstanceType<typeof bn254.G2.Point>;
type Fp2T = { c0: bigint; c1: bigint };

/** An input the operation refuses (the syscall then returns 1); caught in {@link groupOp}'s caller. */
class Invalid extends WebsvmError<'InvalidAltBn128Input'> {
  constructor() {
    super('InvalidAltBn128Input', 'not a valid alt_bn128 field element, point or scalar');
  }
}
const invalid = (): never => {
  throw new Invalid();
};

/** A 32-byte field word, big- or little-endian; must be below p. */
function word(b: Uint8Array, at: number, le: boolean): bigint {
  let v = 0n;
  for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(b[le ? at + 31 - i : at + i]);
  return v;
}
function putWord(out: Uint8Array, at: number, v: bigint, le: boolean): void {
  for (let i = 0; i < 32; i++) {
    out[le ? at + i : at + 31 - i] = Number(v & 0xffn);
    v >>= 8n;
  }
}
const element = (b: Uint8Array, at: number, le: boolean) => {
  const v = word(b, at, le);
  return v < P ? v : invalid();
};
/** Fp2 in the BE (c1, c0) or LE (c0, c1) order. */
const element2 = (b: Uint8Array, at: number, le: boolean): Fp2T =>
  le ? { c0: element(b, at, true), c1: element(b, at + 32, true) } : { c1: element(b, at, false), c0: element(b, at + 32, false) };

/**
 * Loads a G1 point (all zero bytes: infinity) as G1's operand `which`; a coordinate not below p or
 * a point not on the curve is invalid (G1 has cofactor 1, so on the curve is in the group).
 */
function loadG1(which: 0 | 1, b: Uint8Array, at: number, le: boolean): void {
  if (!G1.loadPoint(which, allZero(b.subarray(at, at + 64)) ? undefined : b, at, le)) invalid();
}
function g2(b: Uint8Array, at: number, le: boolean): G2 {
  if (allZero(b.subarray(at, at + 128))) return curve().G2.Point.ZERO;
  try {
    const q = curve().G2.Point.fromAffine({ x: element2(b, at, le), y: element2(b, at + 64, le) });
    q.assertValidity();
    return q;
  } catch {
    return invalid();
  }
}
function putFp2(out: Uint8Array, at: number, v: Fp2T, le: boolean): void {
  putWord(out, at, le ? v.c0 : v.c1, le);
  putWord(out, at + 32, le ? v.c1 : v.c0, le);
}
function putG2(q: G2, le: boolean): Uint8Array {
  const out = new Uint8Array(128);
  if (q.is0()) return out;
  const a = q.toAffine();
  putFp2(out, 0, a.x, le);
  putFp2(out, 64, a.y, le);
  return out;
}
/** `input.resize(n, 0)` after rejecting longer input. */
function padded(input: Uint8Array, n: number): Uint8Array {
  if (input.length > n) invalid();
  const out = new Uint8Array(n);
  out.set(input);
  return out;
}
/** Input of exactly `n` bytes (the little-endian G1 operations and every G2 one take no padding). */
function exactly(input: Uint8Array, n: number): Uint8Array {
  if (input.length !== n) invalid();
  return input;
}
const scalar = (b: Uint8Array, at: number, le: boolean) => word(b, at, le) % R;

function groupOp(op: number, input: Uint8Array): Uint8Array {
  const le = (op & LE) !== 0;
  switch (op & ~LE) {
    case G1_ADD: {
      const b = le ? exactly(input, 128) : padded(input, 128);
      loadG1(0, b, 0, le);
      loadG1(1, b, 64, le);
      const out = new Uint8Array(64);
      G1.sumInto(out, le);
      return out;
    }
    case G1_MUL: {
      const b = le ? exactly(input, 96) : padded(input, 96);
      loadG1(0, b, 0, le);
      const out = new Uint8Array(64);
      G1.multiplyInto(b, 64, le, out);
      return out;
    }
    case G2_ADD: {
      const b = exactly(input, 256);
      return putG2(g2(b, 0, le).add(g2(b, 128, le)), le);
    }
    case G2_MUL: {
      const b = exactly(input, 160);
      return putG2(g2(b, 0, le).multiplyUnsafe(scalar(b, 128, le)), le);
    }
    default: {
      if (input.length % PAIR_INPUT !== 0) invalid();
      const one = PAIRING_CHECK.check(input, le) ?? invalid();
      const out = new Uint8Array(32);
      out[le ? 0 : 31] = one ? 1 : 0;
      return out;
    }
  }
}

/** arkworks' "y is the larger root" flag order (Fp2 compares c1 first). */
const neg = (y: bigint) => (y === 0n ? 0n : P - y);
const larger = (y: bigint) => y > neg(y);
const larger2 = (y: Fp2T) => (y.c1 !== neg(y.c1) ? y.c1 > neg(y.c1) : y.c0 > neg(y.c0));
const NEGATIVE_Y = 0x80n << 248n;

function compression(op: number, input: Uint8Array): Uint8Array {
  const le = (op & LE) !== 0;
  const exact = (n: number) => input.length === n || invalid();
  switch (op & ~LE) {
    case 0: {
      exact(64);
      const out = new Uint8Array(32);
      if (allZero(input.subarray(0, 64))) return out;
      const x = element(input, 0, le);
      const y = element(input, 32, le);
      putWord(out, 0, x | (larger(y) ? NEGATIVE_Y : 0n), le);
      return out;
    }
    case 1: {
      exact(32);
      if (allZero(input.subarray(0, 32))) return new Uint8Array(64);
      const flags = input[le ? 31 : 0];
      if (flags & 0x40) return new Uint8Array(64);
      const x = input.slice();
      x[le ? 31 : 0] &= 0x3f;
      const out = new Uint8Array(64);
      if (!G1.liftInto(x, 0, le, (flags & 0x80) !== 0, out)) invalid();
      return out;
    }
    case 2: {
      exact(128);
      const out = new Uint8Array(64);
      if (allZero(input.subarray(0, 128))) return out;
      const x = element2(input, 0, le);
      const y = element2(input, 64, le);
      putFp2(out, 0, x, le);
      if (larger2(y)) out[le ? 63 : 0] |= 0x80;
      return out;
    }
    case 3: {
      exact(64);
      if (allZero(input.subarray(0, 64))) return new Uint8Array(128);
      const flags = input[le ? 63 : 0];
      const bytes = input.slice();
      bytes[le ? 63 : 0] &= 0x3f;
      if (flags & 0x40) return new Uint8Array(128);
      const x = element2(bytes, 0, le);
      const { Fp2 } = curve().fields;
      const b = curve().G2.Point.CURVE().b as Fp2T;
      let y: Fp2T;
      try {
        y = Fp2.sqrt(Fp2.add(Fp2.pow(x, 3n), b)) as Fp2T;
      } catch {
        return invalid();
      }
      if (larger2(y) !== ((flags & 0x80) !== 0)) y = Fp2.neg(y) as Fp2T;
      const out = new Uint8Array(128);
      putFp2(out, 0, x, le);
      putFp2(out, 64, y, le);
      return out;
    }
    default:
      throw new SyscallError('InvalidAttribute');
  }
}

/** Price (in the cost table) and output length of each group operation and compression. */
const GROUP_COST: Record<number, [keyof ExecutionCosts, number]> = {
  [G1_ADD]: ['altBn128AdditionCost', 64],
  [G1_MUL]: ['altBn128MultiplicationCost', 64],
  [G2_ADD]: ['altBn128G2AdditionCost', 128],
  [G2_MUL]: ['altBn128G2MultiplicationCost', 128],
};
const COMPRESSION_COST: Record<number, [keyof ExecutionCosts, number]> = {
  0: ['altBn128G1Compress', 32],
  1: ['altBn128G1Decompress', 64],
  2: ['altBn128G2Compress', 64],
  3: ['altBn128G2Decompress', 128],
};

function run(
  ctx: SyscallContext,
  cost: number,
  outLen: number,
  inputAddr: bigint,
  inputLen: bigint,
  resultAddr: bigint,
  compute: (input: Uint8Array) => Uint8Array,
): bigint {
  consumeChecked(ctx, cost);
  const out = ctx.memory.slice(resultAddr, outLen, true);
  const input = ctx.memory.slice(inputAddr, inputLen, false);
  try {
    out.set(compute(input));
    return 0n;
  } catch (e) {
    if (e instanceof Invalid) return 1n;
    throw e;
  }
}

/** Registers `sol_alt_bn128_group_op` and `sol_alt_bn128_compression` (both endiannesses, G2 ops on). */
export function registerAltBn128Syscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  return registry
    .register('sol_alt_bn128_group_op', (ctx, op, inputAddr, inputLen, resultAddr) => {
      const base = Number(op & ~BigInt(LE));
      if (op > 0xffn || !(base in GROUP_COST || base === PAIRING)) throw new SyscallError('InvalidAttribute');
      let cost: number;
      let outLen: number;
      if (base === PAIRING) {
        const pairs = Number(inputLen / 192n);
        cost =
          costs.altBn128PairingOnePairCostFirst + costs.altBn128PairingOnePairCostOther * Math.max(0, pairs - 1) + costs.sha256BaseCost + Number(inputLen) + 32;
        outLen = 32;
      } else {
        cost = costs[GROUP_COST[base][0]];
        outLen = GROUP_COST[base][1];
      }
      return run(ctx, cost, outLen, inputAddr, inputLen, resultAddr, (input) => groupOp(Number(op), input));
    })
    .register('sol_alt_bn128_compression', (ctx, op, inputAddr, inputLen, resultAddr) => {
      const base = Number(op & ~BigInt(LE));
      if (op > 0xffn || !(base in COMPRESSION_COST)) throw new SyscallError('InvalidAttribute');
      const [price, outLen] = COMPRESSION_COST[base];
      return run(ctx, costs.syscallBaseCost + costs[price], outLen, inputAddr, inputLen, resultAddr, (input) => compression(Number(op), input));
    });
}
