/**
 * Ed25519 for transaction signatures. Node's crypto (a KeyObject cached per signer) where the
 * platform has it, @noble/curves elsewhere (browsers); both check the same RFC 8032 equation.
 */
import { nobleEd25519 } from '../crypto/noble-curves.js';
import { nodeModule } from '../platform.js';

interface NodeCrypto {
  createPublicKey(key: { key: Uint8Array; format: 'der'; type: 'spki' }): unknown;
  createPrivateKey(key: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): unknown;
  verify(algorithm: null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
  sign(algorithm: null, data: Uint8Array, key: unknown): Uint8Array;
}

/** node:crypto when running on Node. */
const nodeCrypto = nodeModule<NodeCrypto>('node:crypto');

const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);
const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const MAX_CACHED_KEYS = 4096;
const keyObjects = new Map<string, unknown>();

const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

function publicKeyObject(publicKey: Uint8Array, cacheKey: string): unknown {
  let key = keyObjects.get(cacheKey);
  if (key === undefined) {
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.clear();
    key = nodeCrypto!.createPublicKey({ key: concat(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' });
    keyObjects.set(cacheKey, key);
  }
  return key;
}

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey` (`cacheKey`: its base58). */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, cacheKey: string): boolean {
  if (nodeCrypto) {
    try {
      return nodeCrypto.verify(null, message, publicKeyObject(publicKey, cacheKey), signature);
    } catch {
      return false;
    }
  }
  try {
    return nobleEd25519().ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** Signs `message` with a 32-byte Ed25519 secret seed. */
export function signMessage(message: Uint8Array, seed: Uint8Array): Uint8Array {
  if (nodeCrypto) {
    const key = nodeCrypto.createPrivateKey({ key: concat(PKCS8_PREFIX, seed), format: 'der', type: 'pkcs8' });
    return new Uint8Array(nodeCrypto.sign(null, message, key));
  }
  return nobleEd25519().ed25519.sign(message, seed);
}

/** The public key of a 32-byte secret seed. */
export const publicKeyOf = (seed: Uint8Array): Uint8Array => nobleEd25519().ed25519.getPublicKey(seed);
