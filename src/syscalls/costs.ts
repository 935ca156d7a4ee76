import { DEFAULT_COMPUTE_BUDGET } from '../runtime/litesvm-release.js';

/**
 * The compute-unit price list of syscalls and runtime charges: Agave's `SVMTransactionExecutionCost`
 * (agave `compute-budget/src/compute_budget.rs`) with its default values. Field names follow
 * LiteSVM's `ComputeBudget`, so a budget configured there carries over one to one. Syscalls read the
 * table they were registered with at call time, so a runtime can re-price them without re-registering.
 */
export interface ExecutionCosts {
  /** `sol_log_64_`. */
  log64Units: number;
  /** Each `sol_create_program_address` attempt (and each bump `sol_try_find_program_address` tries). */
  createProgramAddressUnits: number;
  /** A cross-program invocation, before its per-byte charges. */
  invokeUnits: number;
  /** Base of `sol_sha256`, `sol_keccak256`, `sol_blake3` and the BN254 pairing. */
  sha256BaseCost: number;
  /** Per two hashed bytes. */
  sha256ByteCost: number;
  /** Most slices one hashing syscall accepts. */
  sha256MaxSlices: number;
  /** `sol_log_pubkey`. */
  logPubkeyUnits: number;
  /** Bytes per unit for copied data (CPI, memory ops, return data, sysvars). */
  cpiBytesPerUnit: number;
  /** Base of the sysvar getters. */
  sysvarBaseCost: number;
  /** `sol_secp256k1_recover`. */
  secp256K1RecoverCost: number;
  /** The base charge of most syscalls. */
  syscallBaseCost: number;
  curve25519EdwardsValidatePointCost: number;
  curve25519EdwardsAddCost: number;
  curve25519EdwardsSubtractCost: number;
  curve25519EdwardsMultiplyCost: number;
  curve25519EdwardsMsmBaseCost: number;
  curve25519EdwardsMsmIncrementalCost: number;
  curve25519RistrettoValidatePointCost: number;
  curve25519RistrettoAddCost: number;
  curve25519RistrettoSubtractCost: number;
  curve25519RistrettoMultiplyCost: number;
  curve25519RistrettoMsmBaseCost: number;
  curve25519RistrettoMsmIncrementalCost: number;
  /** Per 32 KiB of heap beyond the first, charged once per program invocation. */
  heapCost: number;
  /** Floor of every memory-copying charge. */
  memOpBaseCost: number;
  altBn128AdditionCost: number;
  altBn128MultiplicationCost: number;
  altBn128G2AdditionCost: number;
  altBn128G2MultiplicationCost: number;
  altBn128PairingOnePairCostFirst: number;
  altBn128PairingOnePairCostOther: number;
  /** `sol_poseidon` costs a·n² + c for n inputs. */
  poseidonCostCoefficientA: number;
  poseidonCostCoefficientC: number;
  /** `sol_remaining_compute_units`. */
  getRemainingComputeUnitsCost: number;
  altBn128G1Compress: number;
  altBn128G1Decompress: number;
  altBn128G2Compress: number;
  altBn128G2Decompress: number;
  bls12381G1AddCost: number;
  bls12381G2AddCost: number;
  bls12381G1SubtractCost: number;
  bls12381G2SubtractCost: number;
  bls12381G1MultiplyCost: number;
  bls12381G2MultiplyCost: number;
  bls12381G1DecompressCost: number;
  bls12381G2DecompressCost: number;
  bls12381G1ValidateCost: number;
  bls12381G2ValidateCost: number;
  /** `sol_curve_pairing_map` costs one-pair + additional-pair · (n − 1). */
  bls12381OnePairCost: number;
  bls12381AdditionalPairCost: number;
}

// The budget's limits, which are not prices.
const { computeUnitLimit, heapSize, maxInstructionStackDepth, maxInstructionTraceLength, maxCallDepth, stackFrameSize, ...releasePrices } =
  DEFAULT_COMPUTE_BUDGET;

/** The prices LiteSVM's `ComputeBudget` carries, with its release's defaults. */
const LITESVM_PRICES = Object.fromEntries(Object.entries(releasePrices).map(([name, units]) => [name, Number(units)])) as {
  [K in keyof typeof releasePrices]: number;
};

/** Prices LiteSVM's `ComputeBudget` does not carry: Agave's constants. */
const AGAVE_ONLY_PRICES = {
  altBn128G2AdditionCost: 535,
  altBn128G2MultiplicationCost: 15_670,
  bls12381G1AddCost: 128,
  bls12381G2AddCost: 203,
  bls12381G1SubtractCost: 129,
  bls12381G2SubtractCost: 204,
  bls12381G1MultiplyCost: 4627,
  bls12381G2MultiplyCost: 8255,
  bls12381G1DecompressCost: 2100,
  bls12381G2DecompressCost: 3050,
  bls12381G1ValidateCost: 1565,
  bls12381G2ValidateCost: 1968,
  bls12381OnePairCost: 25_445,
  bls12381AdditionalPairCost: 13_023,
};

/** A fresh, mutable copy of Agave's default prices. */
export function defaultExecutionCosts(): ExecutionCosts {
  return { ...LITESVM_PRICES, ...AGAVE_ONLY_PRICES };
}

/** The defaults, for syscalls registered without a runtime's table. */
export const DEFAULT_EXECUTION_COSTS: Readonly<ExecutionCosts> = Object.freeze(defaultExecutionCosts());

/**
 * Units for moving `bytes`: one per `cpiBytesPerUnit`. Agave divides with `checked_div(…)
 * .unwrap_or(u64::MAX)`, so a zero divisor charges more than any budget holds.
 */
export function bytesCost(costs: Readonly<ExecutionCosts>, bytes: number): number {
  return costs.cpiBytesPerUnit === 0 ? Number.MAX_SAFE_INTEGER : Math.floor(bytes / costs.cpiBytesPerUnit);
}

/** Agave's memory-op charge for copying `bytes`: {@link bytesCost}, at least `memOpBaseCost`. */
export function memOpCost(costs: Readonly<ExecutionCosts>, bytes: number): number {
  return Math.max(costs.memOpBaseCost, bytesCost(costs, bytes));
}
