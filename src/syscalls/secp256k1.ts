/**
 * `sol_secp256k1_recover` (agave `SyscallSecp256k1Recover`): recovers the 64-byte uncompressed
 * public key from a message hash, recovery id (0–3) and 64-byte signature; returns 0, or
 * 1 (invalid hash), 2 (invalid recovery id), 3 (invalid signature).
 */
import { nobleSecp256k1 } from '../crypto/noble-curves.js';
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
    let key: Uint8Array;
    try {
      const signature = nobleSecp256k1().secp256k1.Signature.fromBytes(sig, 'compact').addRecoveryBit(Number(recoveryId));
      key = signature.recoverPublicKey(hash).toBytes(false);
    } catch {
      return INVALID_SIGNATURE;
    }
    out.set(key.subarray(1, 65));
    return 0n;
  });
}
