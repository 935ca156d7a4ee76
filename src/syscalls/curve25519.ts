/**
 * Curve25519 syscalls (agave `syscalls/src/lib.rs` `SyscallCurve*`, solana-curve25519): point
 * validation, group operations and multiscalar multiplication on Edwards and Ristretto points.
 * Edwards and Ristretto points run on our own WebAssembly arithmetic (Edwards validation:
 * crypto/edwards-y.ts; decoding, encoding and the group operations: the signature verifier's
 * module, runtime/ed25519/group.ts). An unknown curve or operation fails with
 * `InvalidAttribute` (`abort_on_invalid_curve`); an invalid point or scalar makes the call return 1.
 */
import { isEdwardsY } from '../crypto/edwards-y.js';
import { edwardsGroup, type EdwardsPoint } from '../runtime/ed25519/group.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { blsGroup, blsGroupOp, blsValidate } from './bls12-381.js';
import {
  CURVE25519_EDWARDS as EDWARDS,
  CURVE25519_RISTRETTO as RISTRETTO,
  GROUP_OP_ADD as ADD,
  GROUP_OP_MUL as MUL,
  GROUP_OP_SUB as SUB,
} from './curve-ids.js';
import { SyscallError } from './errors.js';

const MAX_MSM_POINTS = 512n;
/** The group order ℓ: scalars must be canonical (below it). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A curve25519 group: its encoding of points (Edwards or ristretto255) on the one Edwards arithmetic. */
interface Group {
  /** Whether 32 bytes decode to a point. */
  valid(bytes: Uint8Array): boolean;
  decode(bytes: Uint8Array): EdwardsPoint | undefined;
  encode(p: EdwardsPoint): Uint8Array;
  /** Which prices of the cost table this group's operations charge. */
  cost: Record<'validate' | 'add' | 'sub' | 'mul' | 'msmBase' | 'msmEach', keyof ExecutionCosts>;
}

/** The prices of the cost table a curve25519 group's operations charge. */
const costRow = (prices: 'Edwards' | 'Ristretto'): Group['cost'] => ({
  validate: `curve25519${prices}ValidatePointCost`,
  add: `curve25519${prices}AddCost`,
  sub: `curve25519${prices}SubtractCost`,
  mul: `curve25519${prices}MultiplyCost`,
  msmBase: `curve25519${prices}MsmBaseCost`,
  msmEach: `curve25519${prices}MsmIncrementalCost`,
});

// Decoding is dalek's: y need not be below p, and x = 0 may carry the sign bit.
const edwards: Group = {
  valid: isEdwardsY,
  decode: (b) => edwardsGroup().decode(b),
  encode: (p) => edwardsGroup().encode(p),
  cost: costRow('Edwards'),
};
const ristretto: Group = {
  valid: (b) => edwardsGroup().decodeRistretto(b) !== undefined,
  decode: (b) => edwardsGroup().decodeRistretto(b),
  encode: (p) => edwardsGroup().encodeRistretto(p),
  cost: costRow('Ristretto'),
};

/** A little-endian scalar, or undefined when it is not canonical. */
function scalar(bytes: Uint8Array): bigint | undefined {
  let v = 0n;
  for (let i = 31; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v < L ? v : undefined;
}

const groupOf = (curve: bigint): Group | undefined => (curve === EDWARDS ? edwards : curve === RISTRETTO ? ristretto : undefined);

const invalidAttribute = () => new SyscallError('InvalidAttribute');

/**
 * Registers `sol_curve_validate_point`, `sol_curve_group_op` and `sol_curve_multiscalar_mul`; with
 * `bls12381` the first two also take the BLS12-381 point ids.
 */
export function registerCurve25519Syscalls(
  registry: SyscallRegistry,
  costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS,
  opts: { bls12381?: boolean } = {},
): SyscallRegistry {
  const bls = (curve: bigint) => (opts.bls12381 ? blsGroup(curve) : undefined);
  return registry
    .register('sol_curve_validate_point', (ctx, curve, pointAddr) => {
      const b = bls(curve);
      if (b) return blsValidate(ctx, costs, b, pointAddr);
      const g = groupOf(curve);
      if (!g) throw invalidAttribute();
      consumeChecked(ctx, costs[g.cost.validate]);
      return g.valid(ctx.memory.slice(pointAddr, 32, false)) ? 0n : 1n;
    })
    .register('sol_curve_group_op', (ctx, curve, op, leftAddr, rightAddr, resultAddr) => {
      const b = bls(curve);
      if (b) return blsGroupOp(ctx, costs, b, op, leftAddr, rightAddr, resultAddr);
      const g = groupOf(curve);
      if (!g || op > MUL) throw invalidAttribute();
      consumeChecked(ctx, costs[op === ADD ? g.cost.add : op === SUB ? g.cost.sub : g.cost.mul]);
      const left = ctx.memory.slice(leftAddr, 32, false);
      const right = g.decode(ctx.memory.slice(rightAddr, 32, false));
      const arithmetic = edwardsGroup();
      let result: EdwardsPoint | undefined;
      if (op === MUL) {
        const s = scalar(left);
        result = s === undefined || !right ? undefined : arithmetic.mul(right, s);
      } else {
        const l = g.decode(left);
        result = !l || !right ? undefined : op === ADD ? arithmetic.add(l, right) : arithmetic.sub(l, right);
      }
      if (result === undefined) return 1n;
      ctx.memory.slice(resultAddr, 32, true).set(g.encode(result));
      return 0n;
    })
    .register('sol_curve_multiscalar_mul', (ctx, curve, scalarsAddr, pointsAddr, count, resultAddr) => {
      if (count > MAX_MSM_POINTS) throw new SyscallError('InvalidLength');
      const g = groupOf(curve);
      if (!g) throw invalidAttribute();
      const n = Number(count);
      consumeChecked(ctx, costs[g.cost.msmBase] + costs[g.cost.msmEach] * Math.max(0, n - 1));
      const scalarBytes = ctx.memory.slice(scalarsAddr, 32 * n, false);
      const pointBytes = ctx.memory.slice(pointsAddr, 32 * n, false);
      const scalars: bigint[] = [];
      const points: EdwardsPoint[] = [];
      for (let i = 0; i < n; i++) {
        const s = scalar(scalarBytes.subarray(32 * i, 32 * i + 32));
        const p = g.decode(pointBytes.subarray(32 * i, 32 * i + 32));
        if (s === undefined || !p) return 1n;
        scalars.push(s);
        points.push(p);
      }
      ctx.memory.slice(resultAddr, 32, true).set(g.encode(edwardsGroup().msm(points, scalars)));
      return 0n;
    });
}
