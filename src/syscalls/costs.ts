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

/** A fresh, mutable copy of Agave's default prices. */
export function defaultExecutionCosts(): ExecutionCosts {
  return {
    log64Units: 100,
    createProgramAddressUnits: 1500,
    invokeUnits: 946,
    sha256BaseCost: 85,
    sha256ByteCost: 1,
    sha256MaxSlices: 20_000,
    logPubkeyUnits: 100,
    cpiBytesPerUnit: 250,
    sysvarBaseCost: 100,
    secp256K1RecoverCost: 25_000,
    syscallBaseCost: 100,
    curve25519EdwardsValidatePointCost: 159,
    curve25519EdwardsAddCost: 473,
    curve25519EdwardsSubtractCost: 475,
    curve25519EdwardsMultiplyCost: 2177,
    curve25519EdwardsMsmBaseCost: 2273,
    curve25519EdwardsMsmIncrementalCost: 758,
    curve25519RistrettoValidatePointCost: 169,
    curve25519RistrettoAddCost: 521,
    curve25519RistrettoSubtractCost: 519,
    curve25519RistrettoMultiplyCost: 2208,
    curve25519RistrettoMsmBaseCost: 2303,
    curve25519RistrettoMsmIncrementalCost: 788,
    heapCost: 8,
    memOpBaseCost: 10,
    altBn128AdditionCost: 334,
    altBn128MultiplicationCost: 3840,
    altBn128G2AdditionCost: 535,
    altBn128G2MultiplicationCost: 15_670,
    altBn128PairingOnePairCostFirst: 36_364,
    altBn128PairingOnePairCostOther: 12_121,
    poseidonCostCoefficientA: 61,
    poseidonCostCoefficientC: 542,
    getRemainingComputeUnitsCost: 100,
    altBn128G1Compress: 30,
    altBn128G1Decompress: 398,
    altBn128G2Compress: 86,
    altBn128G2Decompress: 13_610,
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
