/**
 * BLS12-381 syscalls (SIMD-0388, gated by `enable_bls12_381_syscall`): point validation and group
 * operations through the `sol_curve_*` family's BLS curve ids, `sol_curve_decompress` and
 * `sol_curve_pairing_map`. Big-endian ids take points in the Zcash encoding (uncompressed x‖y with
 * the infinity flag); little-endian ids reverse each coordinate (and each field element of a GT
 * value). A bad point or non-canonical scalar makes the call return 1; an unknown id or operation
 * fails with InvalidAttribute. Maths on our WebAssembly module (crypto/bls12-381.ts), built on
 * first use.
 */
import { BLS12_381 as BLS, type GroupNumber, MAX_PAIRS } from '../crypto/bls12-381.js';
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

interface Group {
  number: GroupNumber;
  /** Bytes of one coordinate. */
  coordinate: number;
  cost: Record<'add' | 'sub' | 'mul' | 'validate' | 'decompress', keyof ExecutionCosts>;
}

const G1: Group = {
  number: 1,
  coordinate: 48,
  cost: {
    add: 'bls12381G1AddCost',
    sub: 'bls12381G1SubtractCost',
    mul: 'bls12381G1MultiplyCost',
    validate: 'bls12381G1ValidateCost',
    decompress: 'bls12381G1DecompressCost',
  },
};
const G2: Group = {
  number: 2,
  coordinate: 96,
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

/** `sol_curve_validate_point` for a BLS id: 0 when the point is on the curve and in the subgroup. */
export function blsValidate(ctx: SyscallContext, costs: Readonly<ExecutionCosts>, curve: { group: Group; le: boolean }, pointAddr: bigint): bigint {
  const { group, le } = curve;
  consumeChecked(ctx, costs[group.cost.validate]);
  return BLS.validate(group.number, ctx.memory.slice(pointAddr, 2 * group.coordinate, false), le) ? 0n : 1n;
}

/**
 * `sol_curve_group_op` for a BLS id: add or subtract points on the curve (in the subgroup or not,
 * as Agave's unchecked operations), or multiply a point of the subgroup by a scalar below r.
 */
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
  const out = new Uint8Array(size);
  const done = op === MUL ? BLS.multiply(group.number, left, right, le, out) : BLS.add(group.number, left, right, op === SUB, le, out);
  if (!done) return 1n;
  ctx.memory.slice(resultAddr, size, true).set(out);
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
      const out = new Uint8Array(2 * group.coordinate);
      if (!BLS.decompressInto(group.number, compressed, le, out)) return 1n;
      ctx.memory.slice(resultAddr, 2 * group.coordinate, true).set(out);
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
      const gt = new Uint8Array(GT_SIZE);
      if (!BLS.pairing(g1s, g2s, n, le, gt)) return 1n;
      out.set(gt);
      return 0n;
    });
}
