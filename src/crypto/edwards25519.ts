/** Constants of Curve25519's twisted Edwards form, shared by the curve check and the Ed25519 verifier. */
import { modInverse, modPow, modulo } from './modular.js';

/** The field's prime, p = 2^255 − 19. */
export const P25519 = 2n ** 255n - 19n;
// Computed on call: only the emitters of the fixed modules need these, and a bundle, which carries
// those modules emitted, then neither holds nor computes them.
/** The curve constant d = −121665/121666 of −x² + y² = 1 + d·x²·y². */
export const edwardsD = (): bigint => modulo(-121665n * modInverse(121666n, P25519), P25519);
/** A square root of −1 mod p. */
export const sqrtM1 = (): bigint => modPow(2n, (P25519 - 1n) / 4n, P25519);
