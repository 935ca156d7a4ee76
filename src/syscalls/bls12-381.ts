/**
 * BLS12-381 syscalls (SIMD-0388, gated by `enable_bls12_381_syscall`): point validation and group
 * operations through the `sol_curve_*` family's BLS curve ids, `sol_curve_decompress` and
 * `sol_curve_pairing_map`. Big-endian ids take points in the Zcash encoding (uncompressed x‖y with
 * the infinity flag); little-endian ids reverse each coordinate (and each field element of a GT
 * value). A bad point or non-canonical scalar makes the call return 1; an unknown id or operation
 * fails with InvalidAttribute. Maths by @noble/curves, loaded on first use.
 */
import type { bls12_381 } from '@noble/curves/bls12-381.js';
import { nobleBls12381 } from '../crypto/noble.js';
import type { SyscallContext, SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';

import {
  BLS12_381_BE as PAIRING_BE,
  BLS12_381_G1_BE as G1_BE,
  BLS12_381_G1_LE as G1_LE,
  BLS12_381_G2_BE as G2_BE,
  BLS12_381_G2_LE as G2_LE,
  BLS12_381_LE as PAIRING_LE,
  GROUP_OP_ADD as ADD,
  GROUP_OP_MUL as MUL,
  GROUP_OP_SUB as SUB,
} from './curve-ids.js';
import { SyscallError } from './errors.js';

const GT_SIZE = 576;
/** Largest batch `sol_curve_pairing_map` accepts. */
const MAX_PAIRS = 8;
const FP_SIZE = 48;

type Point = InstanceType<typeof bls12_381.G1.Point> | InstanceType<typeof bls12_381.G2.Point>;

/** The coordinate field of a group, as much of it as the on-curve check needs. */
interface CoordinateField<F> {
  /** A big-endian coordinate (Zcash order: for Fp2, c1 then c0), or undefined when not canonical. */
  read(bytes: Uint8Array): F | undefined;
  /** The big-endian bytes of a coordinate, in the same order as `read`. */
  write(v: F): Uint8Array;
  onCurve(x: F, y: F): boolean;
}

type Fp2T = { c0: bigint; c1: bigint };

/** What a group needs from noble: its point class and its coordinate field. */
interface GroupMaths {
  point: { fromBytes(bytes: Uint8Array): Point; fromAffine(p: { x: never; y: never }): Point };
  field: CoordinateField<unknown>;
}

interface Group {
  /** Bytes of one coordinate: what a little-endian id reverses. */
  coordinate: number;
  /** The group's maths, built on first use (noble loads then). */
  maths(): GroupMaths;
  cost: Record<'add' | 'sub' | 'mul' | 'validate' | 'decompress', keyof ExecutionCosts>;
}

let built: { curve: typeof bls12_381; G1: GroupMaths; G2: GroupMaths } | undefined;

/** noble's BLS12-381 and both groups' maths over it. */
function blsMaths(): { curve: typeof bls12_381; G1: GroupMaths; G2: GroupMaths } {
  if (built) return built;
  const curve = nobleBls12381().bls12_381;
  const { Fp, Fp2 } = curve.fields;
  const fpRead = (bytes: Uint8Array): bigint | undefined => {
    let v = 0n;
    for (const byte of bytes) v = (v << 8n) | BigInt(byte);
    return v < Fp.ORDER ? v : undefined;
  };
  const G1_B = curve.G1.Point.CURVE().b;
  const G2_B = curve.G2.Point.CURVE().b;
  const fp: CoordinateField<bigint> = {
    read: fpRead,
    write: (v) => Fp.toBytes(v),
    onCurve: (x, y) => Fp.eql(Fp.sqr(y), Fp.add(Fp.mul(Fp.sqr(x), x), G1_B)),
  };
  const fp2: CoordinateField<Fp2T> = {
    read: (bytes) => {
      const c1 = fpRead(bytes.subarray(0, 48));
      const c0 = fpRead(bytes.subarray(48, 96));
      return c0 === undefined || c1 === undefined ? undefined : Fp2.fromBigTuple([c0, c1]);
    },
    write: (v) => {
      const out = new Uint8Array(96);
      out.set(Fp.toBytes(v.c1));
      out.set(Fp.toBytes(v.c0), 48);
      return out;
    },
    onCurve: (x, y) => Fp2.eql(Fp2.sqr(y), Fp2.add(Fp2.mul(Fp2.sqr(x), x), G2_B)),
  };
  built = {
    curve,
    G1: { point: curve.G1.Point as unknown as GroupMaths['point'], field: fp as CoordinateField<unknown> },
    G2: { point: curve.G2.Point as unknown as GroupMaths['point'], field: fp2 as CoordinateField<unknown> },
  };
  return built;
}

const G1: Group = {
  coordinate: 48,
  maths: () => blsMaths().G1,
  cost: {
    add: 'bls12381G1AddCost',
    sub: 'bls12381G1SubtractCost',
    mul: 'bls12381G1MultiplyCost',
    validate: 'bls12381G1ValidateCost',
    decompress: 'bls12381G1DecompressCost',
  },
};
const G2: Group = {
  coordinate: 96,
  maths: () => blsMaths().G2,
  cost: {
    add: 'bls12381G2AddCost',
    sub: 'bls12381G2SubtractCost',
    mul: 'bls12381G2MultiplyCost',
    validate: 'bls12381G2ValidateCost',
    decompress: 'bls12381G2DecompressCost',
  },
};

/** The group and byte order of a BLS point curve id, or undefined for any other id. */
export function blsGroup(curve: bigint): { group: Group; le: boolean } | undefined {
  if (curve === G1_LE || curve === G1_BE) return { group: G1, le: curve === G1_LE };
  if (curve === G2_LE || curve === G2_BE) return { group: G2, le: curve === G2_LE };
  return undefined;
}

/** Reverses every `chunk`-byte piece (the little-endian wire form ↔ the big-endian one). */
function reverseChunks(bytes: Uint8Array, chunk: number): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let at = 0; at < bytes.length; at += chunk) out.set(bytes.subarray(at, at + chunk).reverse(), at);
  return out;
}

const wire = (bytes: Uint8Array, le: boolean, chunk: number) => (le ? reverseChunks(bytes, chunk) : bytes);

/** A point on the curve and in the subgroup, or undefined. */
function decode(group: Group, bytes: Uint8Array, le: boolean): Point | undefined {
  try {
    return group.maths().point.fromBytes(wire(bytes, le, group.coordinate));
  } catch {
    return undefined;
  }
}

/**
 * An uncompressed point that is on the curve, in the subgroup or not (what Agave's unchecked
 * addition and subtraction accept): Zcash flags (no compression or sort bit; the infinity bit
 * only with all else zero) and canonical coordinates.
 */
function decodeOnCurve(group: Group, bytes: Uint8Array, le: boolean): Point | undefined {
  const b = wire(bytes, le, group.coordinate);
  const flags = b[0] & 0xe0;
  const body = Uint8Array.from(b);
  body[0] &= 0x1f;
  const { point, field } = group.maths();
  if (flags === 0x40) return body.every((v) => v === 0) ? (point.fromBytes(b) as Point) : undefined;
  if (flags !== 0) return undefined;
  const x = field.read(body.subarray(0, group.coordinate));
  const y = field.read(body.subarray(group.coordinate));
  if (x === undefined || y === undefined || !field.onCurve(x, y)) return undefined;
  return point.fromAffine({ x, y } as { x: never; y: never });
}

/** The uncompressed wire form, written from the affine coordinates (the point may lie outside the subgroup). */
function encode(group: Group, p: Point, le: boolean): Uint8Array {
  const out = new Uint8Array(2 * group.coordinate);
  if (p.is0())
    out[0] = 0x40; // Zcash infinity flag
  else {
    const { x, y } = p.toAffine();
    const { field } = group.maths();
    out.set(field.write(x), 0);
    out.set(field.write(y), group.coordinate);
  }
  return wire(out, le, group.coordinate);
}

/** A canonical scalar (below the group order), or undefined. */
function scalar(bytes: Uint8Array, le: boolean): bigint | undefined {
  let v = 0n;
  for (let i = 0; i < 32; i++) v = (v << 8n) | BigInt(bytes[le ? 31 - i : i]);
  return v < blsMaths().curve.fields.Fr.ORDER ? v : undefined;
}

/** `sol_curve_validate_point` for a BLS id: 0 when the point is on the curve and in the subgroup. */
export function blsValidate(ctx: SyscallContext, costs: Readonly<ExecutionCosts>, curve: { group: Group; le: boolean }, pointAddr: bigint): bigint {
  const { group, le } = curve;
  consumeChecked(ctx, costs[group.cost.validate]);
  return decode(group, ctx.memory.slice(pointAddr, 2 * group.coordinate, false), le) ? 0n : 1n;
}

/** `sol_curve_group_op` for a BLS id: add, subtract, or multiply the right point by the left scalar. */
export function blsGroupOp(
  ctx: SyscallContext,
  costs: Readonly<ExecutionCosts>,
  curve: { group: Group; le: boolean },
  op: bigint,
  leftAddr: bigint,
  rightAddr: bigint,
  resultAddr: bigint,
): bigint {
  const { group, le } = curve;
  if (op > MUL) throw new SyscallError('InvalidAttribute');
  consumeChecked(ctx, costs[op === ADD ? group.cost.add : op === SUB ? group.cost.sub : group.cost.mul]);
  const size = 2 * group.coordinate;
  const left = ctx.memory.slice(leftAddr, op === MUL ? 32 : size, false);
  const right = ctx.memory.slice(rightAddr, size, false);
  let result: Point | undefined;
  if (op === MUL) {
    const s = scalar(left, le);
    const p = decode(group, right, le);
    result = s === undefined || !p ? undefined : (p.multiplyUnsafe(s) as Point);
  } else {
    const l = decodeOnCurve(group, left, le);
    const r = decodeOnCurve(group, right, le);
    result = !l || !r ? undefined : op === ADD ? ((l as typeof r).add(r as never) as Point) : ((l as typeof r).subtract(r as never) as Point);
  }
  if (!result) return 1n;
  ctx.memory.slice(resultAddr, size, true).set(encode(group, result, le));
  return 0n;
}

/** Registers `sol_curve_decompress` and `sol_curve_pairing_map`. */
export function registerBls12381Syscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  return registry
    .register('sol_curve_decompress', (ctx, curve, pointAddr, resultAddr) => {
      const found = blsGroup(curve);
      if (!found) throw new SyscallError('InvalidAttribute');
      const { group, le } = found;
      consumeChecked(ctx, costs[group.cost.decompress]);
      const compressed = ctx.memory.slice(pointAddr, group.coordinate, false);
      const point = decode(group, compressed, le);
      if (!point) return 1n;
      ctx.memory.slice(resultAddr, 2 * group.coordinate, true).set(encode(group, point, le));
      return 0n;
    })
    .register('sol_curve_pairing_map', (ctx, curve, count, g1Addr, g2Addr, resultAddr) => {
      if (curve !== PAIRING_LE && curve !== PAIRING_BE) throw new SyscallError('InvalidAttribute');
      const le = curve === PAIRING_LE;
      const n = Number(count);
      consumeChecked(ctx, costs.bls12381OnePairCost + costs.bls12381AdditionalPairCost * Math.max(0, n - 1));
      const g1s = ctx.memory.slice(g1Addr, 96 * n, false);
      const g2s = ctx.memory.slice(g2Addr, 192 * n, false);
      const out = ctx.memory.slice(resultAddr, GT_SIZE, true);
      if (n > MAX_PAIRS) return 1n; // charged and translated first, as Agave
      const pairs: { g1: InstanceType<typeof bls12_381.G1.Point>; g2: InstanceType<typeof bls12_381.G2.Point> }[] = [];
      for (let i = 0; i < n; i++) {
        const g1 = decode(G1, g1s.subarray(96 * i, 96 * i + 96), le);
        const g2 = decode(G2, g2s.subarray(192 * i, 192 * i + 192), le);
        if (!g1 || !g2) return 1n;
        pairs.push({ g1: g1 as InstanceType<typeof bls12_381.G1.Point>, g2: g2 as InstanceType<typeof bls12_381.G2.Point> });
      }
      const bls = blsMaths().curve;
      const Fp12 = bls.fields.Fp12;
      const gt = pairs.length === 0 ? Fp12.ONE : bls.pairingBatch(pairs);
      // noble's order with each field element little-endian is the LE form; BE is all 576 bytes reversed.
      const leBytes = reverseChunks(Fp12.toBytes(gt), FP_SIZE);
      out.set(le ? leBytes : leBytes.reverse());
      return 0n;
    });
}
