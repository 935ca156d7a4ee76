/** Ids the `sol_curve_*` syscall family takes (agave `curve_syscall_traits`, SIMD-0388). */

export const CURVE25519_EDWARDS = 0n;
export const CURVE25519_RISTRETTO = 1n;
/** BLS12-381 ids; the 0x80 bit selects big-endian. The pairing id names the curve as a whole. */
export const BLS12_381_LE = 4n;
export const BLS12_381_BE = 0x84n;
export const BLS12_381_G1_LE = 5n;
export const BLS12_381_G1_BE = 0x85n;
export const BLS12_381_G2_LE = 6n;
export const BLS12_381_G2_BE = 0x86n;

/** `sol_curve_group_op` operations. */
export const GROUP_OP_ADD = 0n;
export const GROUP_OP_SUB = 1n;
export const GROUP_OP_MUL = 2n;
