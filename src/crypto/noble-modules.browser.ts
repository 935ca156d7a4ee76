/**
 * noble-modules.ts for browser bundles (chosen by package.json's `browser` field): a browser
 * cannot load a module synchronously, so the bundle carries the @noble modules websvm uses
 * and they are ready from the start.
 */
import * as ed25519 from '@noble/curves/ed25519.js';
import * as nist from '@noble/curves/nist.js';
import * as bn254 from '@noble/curves/bn254.js';
import { assertInternal } from '../errors.js';
import * as bls12381 from '@noble/curves/bls12-381.js';
import * as sha2 from '@noble/hashes/sha2.js';
import * as blake3 from '@noble/hashes/blake3.js';
import * as sha3 from '@noble/hashes/sha3.js';
import * as curve from '@noble/curves/abstract/curve.js';

const MODULES = new Map<string, unknown>([
  ['@noble/curves/ed25519.js', ed25519],
  ['@noble/curves/nist.js', nist],
  ['@noble/curves/bn254.js', bn254],
  ['@noble/curves/bls12-381.js', bls12381],
  ['@noble/hashes/sha2.js', sha2],
  ['@noble/hashes/blake3.js', blake3],
  ['@noble/hashes/sha3.js', sha3],
  ['@noble/curves/abstract/curve.js', curve],
]);

/** Nothing to do: the modules are part of the bundle. */
export function preload(): void {}

/** The bundled module `specifier`. */
export function nobleModule(specifier: string): unknown {
  const found = MODULES.get(specifier);
  assertInternal(found !== undefined, `${specifier} is not bundled`);
  return found;
}
