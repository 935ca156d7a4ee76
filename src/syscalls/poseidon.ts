/**
 * `sol_poseidon` (agave `SyscallPoseidon`, light-poseidon): the circom-compatible Poseidon hash
 * over BN254's scalar field (x^5 S-box, 8 full rounds, constants from the Grain LFSR, which
 * @noble/curves derives exactly), 1–12 inputs of 32 bytes each, big- or little-endian.
 * Cost 61·n² + 542. A bad input returns 1; bad parameters or endianness fail the program.
 */
import { nobleBn254, noblePoseidon } from '../crypto/noble-curves.js';
import { requireAligned, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';

/** BN254's scalar field modulus. */
const ORDER = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
/** Partial rounds by width t = inputs + 1, from t = 2 (circom's table). */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65];
const MAX_INPUTS = 12;
const hashers = new Map<number, (state: bigint[]) => bigint[]>();

function hasher(t: number): (state: bigint[]) => bigint[] {
  let h = hashers.get(t);
  if (!h) {
    const { grainGenConstants, poseidon } = noblePoseidon();
    const opts = { Fp: nobleBn254().bn254.fields.Fr, t, roundsFull: 8, roundsPartial: PARTIAL_ROUNDS[t - 2] };
    const { mds, roundConstants } = grainGenConstants(opts);
    h = poseidon({ ...opts, sboxPower: 5, mds, roundConstants });
    hashers.set(t, h);
  }
  return h;
}

/** Poseidon of 32-byte field elements (undefined when an input is not one). */
export function poseidonHash(inputs: Uint8Array[], littleEndian: boolean): Uint8Array | undefined {
  if (inputs.length === 0 || inputs.length > MAX_INPUTS) return undefined;
  const values: bigint[] = [];
  for (const input of inputs) {
    if (input.length !== 32) return undefined;
    const bytes = littleEndian ? input.slice().reverse() : input;
    const v = bytes.reduce((acc, b) => (acc << 8n) | BigInt(b), 0n);
    if (v >= ORDER) return undefined;
    values.push(v);
  }
  let out = hasher(inputs.length + 1)([0n, ...values])[0];
  const result = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    result[i] = Number(out & 0xffn);
    out >>= 8n;
  }
  return littleEndian ? result.reverse() : result;
}

/** Registers `sol_poseidon`; `log` receives Agave's diagnostic line for too many inputs. */
export function registerPoseidonSyscall(registry: SyscallRegistry, log: (line: string) => void, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  return registry.register('sol_poseidon', (ctx, parameters, endianness, valsAddr, count, resultAddr) => {
    if (parameters !== 0n) throw new Error('Invalid parameters.');
    if (endianness > 1n) throw new Error('Invalid endianness.');
    if (count > BigInt(MAX_INPUTS)) {
      log(`Poseidon hashing ${count} sequences is not supported`);
      throw new Error('InvalidLength');
    }
    const n = Number(count);
    consumeChecked(ctx, costs.poseidonCostCoefficientA * n * n + costs.poseidonCostCoefficientC);
    const out = ctx.memory.slice(resultAddr, 32, true);
    const inputs: Uint8Array[] = [];
    if (n > 0) {
      const table = ctx.memory.slice(valsAddr, 16 * n, false);
      requireAligned(ctx, valsAddr, 8);
      const view = new DataView(table.buffer, table.byteOffset, table.byteLength);
      for (let i = 0; i < n; i++) inputs.push(ctx.memory.slice(view.getBigUint64(16 * i, true), view.getBigUint64(16 * i + 8, true), false));
    }
    const hash = poseidonHash(inputs, endianness === 1n);
    if (!hash) return 1n;
    out.set(hash);
    return 0n;
  });
}
