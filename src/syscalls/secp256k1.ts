/**
 * `sol_secp256k1_recover` (agave `SyscallSecp256k1Recover`): recovers the 64-byte uncompressed
 * public key from a message hash, recovery id (0–3) and 64-byte signature; returns 0, or
 * 1 (invalid hash), 2 (invalid recovery id), 3 (invalid signature).
 */
import { recoverSecp256k1 } from '../crypto/secp256k1.js';
import type { SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';

const INVALID_RECOVERY_ID = 2n;
const INVALID_SIGNATURE = 3n;

export function registerSecp256k1Syscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  return registry.register('sol_secp256k1_recover', (ctx, hashAddr, recoveryId, sigAddr, resultAddr) => {
    consumeChecked(ctx, costs.secp256K1RecoverCost);
    // The result is translated first, then the hash and the signature.
    const out = ctx.memory.slice(resultAddr, 64, true);
    const hash = ctx.memory.slice(hashAddr, 32, false);
    const sig = ctx.memory.slice(sigAddr, 64, false);
    if (recoveryId > 3n) return INVALID_RECOVERY_ID;
    const key = recoverSecp256k1(hash, Number(recoveryId), sig);
    if (!key) return INVALID_SIGNATURE;
    out.set(key);
    return 0n;
  });
}
