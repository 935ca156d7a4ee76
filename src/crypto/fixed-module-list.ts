/**
 * Every fixed WebAssembly module by the name its users ask `fixedModule` for: what
 * `npm run build` emits into the bundles (see fixed-modules.ts). Only the build and its test
 * import this list; the library itself reaches each emitter through its user.
 */
import { emitEd25519 } from '../runtime/ed25519/module.js';
import { G1 as BN254_G1 } from '../syscalls/alt-bn128.js';
import { emitBn254Pairing } from './bn254-pairing.js';
import { emitBls12381 } from './bls12-381.js';
import { emitEdwardsY } from './edwards-y.js';
import type { EmittedModule } from './fixed-modules.js';
import { emitKeccak256 } from './keccak256.js';
import { emitPoseidonBn254 } from './poseidon-bn254.js';
import { SECP256K1_CURVE } from './secp256k1.js';
import { emitSha256 } from './sha256.js';
import { emitInterpreter } from '../jit/interpreter-module.js';
import { emitShortWeierstrass } from './short-weierstrass.js';

export const FIXED_MODULES: Readonly<Record<string, () => EmittedModule<unknown>>> = {
  sha256: emitSha256,
  keccak256: emitKeccak256,
  'edwards-y': emitEdwardsY,
  'poseidon-bn254': () => emitPoseidonBn254(true),
  ed25519: emitEd25519,
  [SECP256K1_CURVE.moduleName]: () => emitShortWeierstrass(SECP256K1_CURVE.p),
  [BN254_G1.moduleName]: () => emitShortWeierstrass(BN254_G1.p),
  'bn254-pairing': emitBn254Pairing,
  'bls12-381': emitBls12381,
  'sbpf-interpreter': emitInterpreter,
};
