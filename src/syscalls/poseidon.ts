/**
 * `sol_poseidon` (agave `SyscallPoseidon`, light-poseidon): the circom-compatible Poseidon hash
 * over BN254's scalar field (crypto/poseidon-bn254.ts), 1–12 inputs of 32 bytes each, big- or
 * little-endian. Cost 61·n² + 542. A bad input returns 1; bad parameters or endianness fail the
 * program.
 */
import { poseidonBn254 } from '../crypto/poseidon-bn254.js';
import { requireAligned, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';
import { VM_SLICE_BYTES, VmSlices } from '../runtime/abi-layouts.js';

const MAX_INPUTS = 12;

/** Poseidon of 32-byte field elements (undefined when there are none, too many, or one is not a field element). */
function poseidonHash(inputs: Uint8Array[], littleEndian: boolean): Uint8Array | undefined {
  if (inputs.length === 0 || inputs.length > MAX_INPUTS || inputs.some((input) => input.length !== 32)) return undefined;
  return poseidonBn254(inputs, littleEndian);
}

/** Registers `sol_poseidon`; `log` receives Agave's diagnostic line for too many inputs. */
export function registerPoseidonSyscall(
  registry: SyscallRegistry,
  log: (line: string) => void,
  costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS,
): SyscallRegistry {
  return registry.register('sol_poseidon', (ctx, parameters, endianness, valsAddr, count, resultAddr) => {
    if (parameters !== 0n) throw new SyscallError('InvalidParameters');
    if (endianness > 1n) throw new SyscallError('InvalidEndianness');
    if (count > BigInt(MAX_INPUTS)) {
      log(`Poseidon hashing ${count} sequences is not supported`);
      throw new SyscallError('InvalidLength');
    }
    const n = Number(count);
    consumeChecked(ctx, costs.poseidonCostCoefficientA * n * n + costs.poseidonCostCoefficientC);
    const out = ctx.memory.slice(resultAddr, 32, true);
    const inputs: Uint8Array[] = [];
    if (n > 0) {
      const table = new VmSlices(ctx.memory.view, ctx.memory.sliceAt(valsAddr, VM_SLICE_BYTES * n, false));
      requireAligned(ctx, valsAddr, 8);
      for (let i = 0; i < n; i++) inputs.push(ctx.memory.slice(table.addr(i), table.len(i), false));
    }
    const hash = poseidonHash(inputs, endianness === 1n);
    if (!hash) return 1n;
    out.set(hash);
    return 0n;
  });
}
