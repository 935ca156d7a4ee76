/**
 * Stake account state (solana-stake-interface `StakeStateV2`, bincode): Uninitialized,
 * Initialized(Meta), Stake(Meta, Stake, StakeFlags) or RewardsPool, at the start of a 200-byte
 * account. The stake program itself is an sBPF program; websvm only reads this state (RPC).
 */
import { BincodeReader } from './builtins/bincode.js';

/** `Meta`: the reserve, the two authorities and the lockup. */
export interface StakeMeta {
  rentExemptReserve: bigint;
  staker: string;
  withdrawer: string;
  lockup: { unixTimestamp: bigint; epoch: bigint; custodian: string };
}

/** `Stake`: the delegation and the vote credits it last observed. */
export interface StakeDelegation {
  voter: string;
  stake: bigint;
  activationEpoch: bigint;
  deactivationEpoch: bigint;
  warmupCooldownRate: number;
  creditsObserved: bigint;
}

/** `StakeStateV2`. */
export type StakeState =
  | { kind: 'Uninitialized' }
  | { kind: 'Initialized'; meta: StakeMeta }
  | { kind: 'Stake'; meta: StakeMeta; stake: StakeDelegation; flags: number }
  | { kind: 'RewardsPool' };

function meta(r: BincodeReader): StakeMeta {
  return {
    rentExemptReserve: r.u64(),
    staker: r.pubkey(),
    withdrawer: r.pubkey(),
    lockup: { unixTimestamp: r.i64(), epoch: r.u64(), custodian: r.pubkey() },
  };
}

function f64(r: BincodeReader): number {
  const bytes = r.bytes(8);
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true);
}

/** `bincode::deserialize::<StakeStateV2>` (trailing bytes allowed); undefined when it fails. */
export function decodeStakeState(data: Uint8Array): StakeState | undefined {
  try {
    const r = new BincodeReader(data, { error: 'InvalidAccountData', limit: Infinity });
    switch (r.u32()) {
      case 0:
        return { kind: 'Uninitialized' };
      case 1:
        return { kind: 'Initialized', meta: meta(r) };
      case 2: {
        const m = meta(r);
        const stake = {
          voter: r.pubkey(),
          stake: r.u64(),
          activationEpoch: r.u64(),
          deactivationEpoch: r.u64(),
          warmupCooldownRate: f64(r),
          creditsObserved: r.u64(),
        };
        return { kind: 'Stake', meta: m, stake, flags: r.u8() };
      }
      case 3:
        return { kind: 'RewardsPool' };
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}
