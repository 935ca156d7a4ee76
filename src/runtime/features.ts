/**
 * The feature set: which Agave feature gates are active, from which slot. The default is
 * LiteSVM's (mainnet's, litesvm-release.ts); the gates websvm implements both ways are named in
 * {@link FEATURES}.
 */
import { ALL_FEATURES, MAINNET_FEATURES } from './litesvm-release.js';
import { encode, option, struct, u64 } from './codec.js';

/** A feature account's data (the feature program's `Feature`): the slot it was activated at, if it was. */
const FEATURE_STATE = struct({ activatedAt: option(u64) });

/** The data of a feature account activated at `slot`. */
export const featureAccountData = (slot: bigint): Uint8Array => encode(FEATURE_STATE, { activatedAt: slot });

/** Feature ids of the gates the runtime switches on. */
export const FEATURES = {
  /** SIMD-0339: CPI costs 946 units plus per-meta and per-account-info charges; 255 account infos. */
  increaseCpiAccountInfoLimit: 'H6iVbVaDZgDphcPbcZwc5LoznMPWQfnJ1AM7L1xzqvt5',
  /** SIMD-0182: a VM failure consumes the rest of the budget. */
  depleteCuMeterOnVmFailure: 'B7H2caeia4ZFcpE3QcgMqbiWiBtWrdBRBSJ1DY6Ktxbq',
  /** SIMD-0321: r2 holds the address of the instruction data at entry. */
  provideInstructionDataOffsetInVmR2: '5xXZc66h4UdB6Yq7FzdBxBiRAFMMScMLwHxk2QZDaNZL',
  /** SIMD-0075: the secp256r1 precompile. */
  enableSecp256r1Precompile: 'srremy31J5Y25FrAApwVb9kZcfXbusYMMsvTK9aWv5q',
  /** SIMD-0268: nine nested instruction levels instead of five. */
  raiseCpiNestingLimitTo8: '6TkHkRmP7JZy1fdM6fg5uXn76wChQBWGokHBJzrLB3mj',
  /** The System program's CreateAccountAllowPrefund instruction. */
  createAccountAllowPrefund: '6sPDzwyARRExKH52LECxcGoqziH8G7SZofwuxi8Ja331',
  /** The `sol_blake3` syscall. */
  blake3SyscallEnabled: 'HTW2pSyErTj4BV6KBM9NZ9VBUJVxt7sacNWcf76wtzb3',
  enableBls12381Syscall: 'b1sgUiJ3qu7hYm3tNDyyqZNQd6gLGJmJppnLNa93PCQ',
  /** CreateLookupTable accepts an allocated table and an authority that does not sign. */
  relaxAuthoritySignerCheckForLookupTableCreation: 'FKAcEvNgSY79RpqsPNUV5gDyumopH4cEHqUxyfm8b8Ap',
  /** SIMD-0387: a BLS key with a proof of possession may come with a new authorized voter. */
  blsPubkeyManagementInVoteAccount: 'AnAP9zPV4KL7czAPQbFhpDKV2tx7g4UGNbK9wvXwjaRo',
  /** SIMD-0249: commission changes apply an epoch later, so UpdateCommission may raise it at any time. */
  delayCommissionUpdates: '76dHtohc2s5dR3ahJyBxs7eJJVipFkaPdih9CLgTTb4B',
  /** SIMD-0291: the Vote program's UpdateCommissionBps instruction. */
  commissionRateInBasisPoints: 'Eg7tXEwMZzS98xaZ1YHUbdRHsaYZiCsSaR6sKgxreoaj',
  /** SIMD-0232: commission collectors other than the vote account and the node. */
  customCommissionCollector: '3HcSrCTGXTUnrTueHi4DAwNuMxZSsm5xui2Ax3mgxHqf',
  /** SIMD-0459: syscall outputs and CPI account pointers may not point into the input region. */
  syscallParameterAddressRestrictions: 'EDGMC5kxFxGk4ixsNkGt8bW7QL5hDMXnbwaZvYMwNfzF',
  /** The Vote program refuses Vote, UpdateVoteState and their variants (TowerSync stays). */
  deprecateLegacyVoteIxs: 'depVvnQ2UysGrhwdiwU42tCadZL8GcBb1i2GYhMopQv',
  /** SIMD-0392: an account that keeps its size and owner need only keep the lower of its starting balance and the rent-exempt minimum. */
  relaxPostExecMinBalanceCheck: 'BY4JhHLahVzS9ynfDz4exzGPbVXhFmJvEyMWsXbDBqME',
  /** SIMD-0194: the Rent sysvar holds lamports per byte with threshold 1.0 (else per byte-year for 2 years). */
  deprecateRentExemptionThreshold: 'rent6iVy6PDoViPBeJ6k5EJQrkj62h7DPyLbWGHwjrC',
  /** SIMD-0128: the Address Lookup Table program budgets as an sBPF program. */
  migrateAddressLookupTableProgramToCoreBpf: 'C97eKZygrkU4JxJsZdjgbUY7iQR7rKTr4NyDWo2E5pRm',
  /** The ZK ElGamal Proof program is among the builtins (its account is created with them). */
  zkElGamalProofProgramEnabled: 'zkhiy5oLowR7HY4zogXjCjeMXyruLqBwSWH21qcFtnv',
  /** Every ZK ElGamal Proof instruction fails (unless the re-enabling gate is active too). */
  disableZkElGamalProofProgram: 'zkdoVwnSFnSLtGJG7irJPEYUpmb4i7sGMGcnN6T9rnC',
  reenableZkElGamalProofProgram: 'zkexuyPRdyTVbZqEAREueqL2xvvoBhRgth9xGSc1tMN',
} as const;

/**
 * Active features with their activation slots, and inactive ones. As Agave's `FeatureSet`, the two
 * sets are kept apart: every known feature starts inactive unless active, and activating or
 * deactivating an id (known or not) moves it from one set to the other.
 */
export class FeatureSet {
  private readonly active = new Map<string, bigint>();
  private readonly inactiveIds: Set<string>;

  /** The `active` features, every other known feature inactive (all of them by default, as Agave's `FeatureSet::default()`). */
  constructor(active?: Iterable<readonly [string, bigint]>, inactive?: Iterable<string>) {
    for (const [id, slot] of active ?? []) this.active.set(id, slot);
    this.inactiveIds = new Set(inactive ?? ALL_FEATURES.filter((id) => !this.active.has(id)));
  }

  /** LiteSVM's default: the features active on mainnet. */
  static mainnet(): FeatureSet {
    return new FeatureSet(MAINNET_FEATURES);
  }

  /** Every known feature active from slot 0. */
  static allEnabled(): FeatureSet {
    return new FeatureSet(ALL_FEATURES.map((id) => [id, 0n] as const));
  }

  isActive(id: string): boolean {
    return this.active.has(id);
  }

  activatedSlot(id: string): bigint | undefined {
    return this.active.get(id);
  }

  activate(id: string, slot: bigint): void {
    this.inactiveIds.delete(id);
    this.active.set(id, slot);
  }

  deactivate(id: string): void {
    this.active.delete(id);
    this.inactiveIds.add(id);
  }

  /** Active ids with their slots. */
  entries(): [string, bigint][] {
    return [...this.active.entries()];
  }

  /** Inactive ids. */
  inactive(): string[] {
    return [...this.inactiveIds];
  }

  clone(): FeatureSet {
    return new FeatureSet(this.active, this.inactiveIds);
  }
}
