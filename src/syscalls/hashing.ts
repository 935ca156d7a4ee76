/**
 * Hashing syscalls (agave `syscalls/src/lib.rs` `SyscallHash`): a vector of byte slices hashed as
 * one message; cost = base + Σ max(mem_op_base_cost, byte_cost · len / 2), at most 20 000 slices.
 */
import { keccak256Hasher } from '../crypto/keccak256.js';
import type { StreamingHash } from '../crypto/block-hash.js';
import { nobleBlake3 } from '../crypto/noble.js';
import { sha256Hasher } from '../crypto/sha256.js';
import { requireAligned, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';
import { VM_SLICE_BYTES, VmSlices } from '../runtime/abi-layouts.js';

/** BLAKE3 (@noble/hashes, loaded on first use) as a {@link StreamingHash}. */
function blake3Hasher(): StreamingHash {
  let hasher: ReturnType<ReturnType<typeof nobleBlake3>['blake3']['create']> | undefined;
  return {
    start: () => void (hasher = nobleBlake3().blake3.create()),
    update: (source, from, to) => void hasher!.update(source.subarray(from, to)),
    finishInto: (out, at) => out.set(hasher!.digest(), at),
  };
}

/**
 * The syscall for `hash`: its slices go from VM memory into the hash where they lie (host offsets,
 * no views or arrays per call), translated and charged one by one in Agave's order.
 */
function hashSyscall(name: string, hash: StreamingHash, log: (line: string) => void, costs: Readonly<ExecutionCosts>) {
  return (ctx: SyscallContext, vals: bigint, count: bigint, result: bigint): bigint => {
    if (count > BigInt(costs.sha256MaxSlices)) {
      log(`${name} Hashing ${count} sequences in one syscall is over the limit ${costs.sha256MaxSlices}`);
      throw new SyscallError('TooManySlices');
    }
    consumeChecked(ctx, costs.sha256BaseCost);
    const memory = ctx.memory;
    const out = memory.sliceAt(result, 32, true);
    hash.start();
    const n = Number(count);
    if (n > 0) {
      const table = new VmSlices(memory.view, memory.sliceAt(vals, n * VM_SLICE_BYTES, false));
      requireAligned(ctx, vals, 8);
      for (let i = 0; i < n; i++) {
        const len = table.len(i);
        const at = memory.sliceAt(table.addr(i), len, false);
        // A translated slice lies inside a region, so its length is a safe integer.
        consumeChecked(ctx, Math.max(costs.memOpBaseCost, costs.sha256ByteCost * Math.floor(Number(len) / 2)));
        if (at >= 0) hash.update(memory.bytes, at, at + Number(len));
      }
    }
    hash.finishInto(memory.bytes, out);
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
    .register('sol_sha256', hashSyscall('Sha256', sha256Hasher, log, costs))
    .register('sol_keccak256', hashSyscall('Keccak256', keccak256Hasher, log, costs));
  if (opts.blake3) registry.register('sol_blake3', hashSyscall('Blake3', blake3Hasher(), log, costs));
  return registry;
}
