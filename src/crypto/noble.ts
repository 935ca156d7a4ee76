/**
 * The @noble/curves and @noble/hashes modules websvm uses, as getters: on Node none of them is
 * loaded until its getter is first called, so importing websvm loads no curve or hash code (see
 * noble-modules.ts; browser bundles load them with the rest, see noble-modules.browser.ts). Call
 * the getters where the maths happens, never at a module's top level.
 */
import { nobleModule, preload } from './noble-modules.js';

const ED25519 = '@noble/curves/ed25519.js';
const NIST = '@noble/curves/nist.js';
const BN254 = '@noble/curves/bn254.js';
const BLS12_381 = '@noble/curves/bls12-381.js';
const SHA2 = '@noble/hashes/sha2.js';
const BLAKE3 = '@noble/hashes/blake3.js';
const SHA3 = '@noble/hashes/sha3.js';
const CURVE = '@noble/curves/abstract/curve.js';
preload([ED25519, NIST, BN254, BLS12_381, SHA2, BLAKE3, SHA3, CURVE]);

export const nobleEd25519 = () => nobleModule(ED25519) as typeof import('@noble/curves/ed25519.js');
export const nobleNist = () => nobleModule(NIST) as typeof import('@noble/curves/nist.js');
export const nobleBn254 = () => nobleModule(BN254) as typeof import('@noble/curves/bn254.js');
export const nobleBls12381 = () => nobleModule(BLS12_381) as typeof import('@noble/curves/bls12-381.js');
export const nobleSha2 = () => nobleModule(SHA2) as typeof import('@noble/hashes/sha2.js');
export const nobleBlake3 = () => nobleModule(BLAKE3) as typeof import('@noble/hashes/blake3.js');
export const nobleSha3 = () => nobleModule(SHA3) as typeof import('@noble/hashes/sha3.js');
/** Generic curve algorithms (Pippenger's multiscalar multiplication). */
export const nobleCurve = () => nobleModule(CURVE) as typeof import('@noble/curves/abstract/curve.js');
