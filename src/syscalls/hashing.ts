/**
 * Hashing syscalls (agave `syscalls/src/lib.rs` `SyscallHash`): a vector of byte slices hashed as
 * one message; cost = base + Σ max(mem_op_base_cost, byte_cost · len / 2), at most 20 000 slices.
 */
import { keccak256 } from '../crypto/keccak256.js';
import { nobleBlake3 } from '../crypto/noble.js';
import { sha256 } from '../crypto/sha256.js';
import { requireAligned, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';
import { VM_SLICE_BYTES, VmSlices } from '../runtime/abi-layouts.js';

/** A hash of the concatenation of byte slices. */
type Hash = (slices: Uint8Array[]) => Uint8Array;

/** BLAKE3 (@noble/hashes, loaded on first use), fed slice by slice. */
const blake3Of: Hash = (slices) => {
  const hasher = nobleBlake3().blake3.create();
  for (const s of slices) hasher.update(s);
  return hasher.digest();
};

function hashSyscall(name: string, hash: Hash, log: (line: string) => void, costs: Readonly<ExecutionCosts>) {
  return (ctx: SyscallContext, vals: bigint, count: bigint, result: bigint): bigint => {
    if (count > BigInt(costs.sha256MaxSlices)) {
      log(`${name} Hashing ${count} sequences in one syscall is over the limit ${costs.sha256MaxSlices}`);
      throw new SyscallError('TooManySlices');
    }
    consumeChecked(ctx, costs.sha256BaseCost);
    const out = ctx.memory.slice(result, 32, true);
    const slices: Uint8Array[] = [];
    if (count > 0n) {
      const table = new VmSlices(ctx.memory.slice(vals, count * BigInt(VM_SLICE_BYTES), false));
      requireAligned(ctx, vals, 8);
      for (let i = 0, n = Number(count); i < n; i++) {
        const len = table.len(i);
        slices.push(ctx.memory.slice(table.addr(i), len, false));
        consumeChecked(ctx, Math.max(costs.memOpBaseCost, costs.sha256ByteCost * Number(len / 2n)));
      }
    }
    out.set(hash(slices));
    return 0n;
  };
}

/**
 * Registers `sol_sha256` and `sol_keccak256`, and `sol_blake3` when `blake3` (its feature gate is
 * off on mainnet); `log` receives Agave's diagnostic lines.
 */
export function registerHashingSyscalls(
  registry: SyscallRegistry,
  log: (line: string) => void,
  opts: { blake3?: boolean; costs?: Readonly<ExecutionCosts> } = {},
): SyscallRegistry {
  const costs = opts.costs ?? DEFAULT_EXECUTION_COSTS;
  registry
    .register(
      'sol_sha256',
      hashSyscall('Sha256', (slices) => sha256(...slices), log, costs),
    )
    .register(
      'sol_keccak256',
      hashSyscall('Keccak256', (slices) => keccak256(...slices), log, costs),
    );
  if (opts.blake3) registry.register('sol_blake3', hashSyscall('Blake3', blake3Of, log, costs));
  return registry;
}
