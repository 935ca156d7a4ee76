/**
 * The @noble/curves modules websvm uses, each loaded on its first use (see lazy-module.ts):
 * importing websvm loads none of them. Call the getters where the maths happens, never at a
 * module's top level.
 */
import { lazyModule } from '../lazy-module.js';

export const nobleEd25519 = lazyModule('@noble/curves/ed25519.js', () => require('@noble/curves/ed25519.js'), () => import('@noble/curves/ed25519.js'));
export const nobleSecp256k1 = lazyModule('@noble/curves/secp256k1.js', () => require('@noble/curves/secp256k1.js'), () => import('@noble/curves/secp256k1.js'));
export const nobleNist = lazyModule('@noble/curves/nist.js', () => require('@noble/curves/nist.js'), () => import('@noble/curves/nist.js'));
export const nobleBn254 = lazyModule('@noble/curves/bn254.js', () => require('@noble/curves/bn254.js'), () => import('@noble/curves/bn254.js'));
export const nobleBls12381 = lazyModule('@noble/curves/bls12-381.js', () => require('@noble/curves/bls12-381.js'), () => import('@noble/curves/bls12-381.js'));
export const noblePoseidon = lazyModule('@noble/curves/abstract/poseidon.js', () => require('@noble/curves/abstract/poseidon.js'), () => import('@noble/curves/abstract/poseidon.js'));
