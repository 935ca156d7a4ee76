/**
 * Signatures by the platform's Ed25519 (OpenSSL, through node:crypto) where it answers as
 * `verify_strict` does, until ours runs (./verify.ts): it needs no set-up (ours builds a
 * WebAssembly module and tables, which costs milliseconds a short test file would pay for a
 * handful of signatures). Keys are read from JWK, not DER: Node's DER reader costs twice the
 * verification (162 µs per new key in all).
 *
 * OpenSSL's verification is cofactorless like `verify_strict` and hashes the key's bytes as given,
 * but it accepts what `verify_strict` refuses up front: an s of ℓ or more, an R or a key of small
 * order, and a key whose y is not reduced below p (dalek reduces it). So the platform decides only
 * when none of those holds (a key's small order shows in its y alone: rules.ts) and our verifier
 * decides everything else.
 */
import { bytesToBase64, nodeModule } from '../../platform.js';
import { bytesKey } from '../bytes.js';
import { hasReducedY, hasSmallOrderY, isCanonicalScalar, isSmallOrderEncoding } from './rules.js';

interface NodeCrypto {
  createPublicKey(key: { key: { kty: 'OKP'; crv: 'Ed25519'; x: string }; format: 'jwk' }): unknown;
  verify(algorithm: null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
}

const nodeCrypto = nodeModule<NodeCrypto>('node:crypto');

/** A key OpenSSL has read, and the signatures by it the platform has verified. */
interface PlatformKey {
  object: unknown;
  uses: number;
}

/** Keys read lately, by their bytes (a signer in regular use saves its reading, 8 µs); the oldest goes first. */
const keys = new Map<string, PlatformKey>();
const MAX_KEYS = 1024;

/** OpenSSL's reading of `publicKey` (throws when OpenSSL will not read it). */
function platformKey(crypto: NodeCrypto, publicKey: Uint8Array): PlatformKey {
  const id = bytesKey(publicKey);
  let key = keys.get(id);
  if (key === undefined) {
    const x = bytesToBase64(publicKey).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    key = { object: crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }), uses: 0 };
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(id, key);
  }
  return key;
}

/**
 * The keys whose signatures the platform has verified at least `minimum` times lately, with their
 * counts (by {@link bytesKey}), for our verifier to take over when it starts.
 */
export function platformKeyUses(minimum: number): Map<string, number> {
  const uses = new Map<string, number>();
  for (const [id, key] of keys) if (key.uses >= minimum) uses.set(id, key.uses);
  return uses;
}

/** How many signatures by `publicKey` the platform has verified lately. */
export function platformUses(publicKey: Uint8Array): number {
  return keys.size === 0 ? 0 : (keys.get(bytesKey(publicKey))?.uses ?? 0);
}

/** Whether the platform's answer is `verify_strict`'s for these bytes. */
function platformDecides(signature: Uint8Array, publicKey: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    publicKey.length === 32 &&
    isCanonicalScalar(signature.subarray(32)) &&
    !isSmallOrderEncoding(signature.subarray(0, 32)) &&
    !hasSmallOrderY(publicKey) &&
    hasReducedY(publicKey)
  );
}

/** `verify_strict`'s answer by the platform, or undefined when it must come from our verifier. */
export function platformVerdict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean | undefined {
  if (!nodeCrypto || !platformDecides(signature, publicKey)) return undefined;
  try {
    const key = platformKey(nodeCrypto, publicKey);
    key.uses++;
    return nodeCrypto.verify(null, message, key.object, signature);
  } catch {
    return undefined; // a key OpenSSL will not read: ours decides
  }
}
