/**
 * A process's first signatures by the platform's Ed25519 (OpenSSL, through node:crypto) instead of
 * ours, whose WebAssembly module and tables cost milliseconds to set up: a short test file checks
 * a handful of signatures and would pay mostly for the setup.
 *
 * OpenSSL's verification is cofactorless like `verify_strict` and hashes the key's bytes as given,
 * but it accepts what `verify_strict` refuses up front: an s of ℓ or more, an R or a key of small
 * order, and a key whose y is not reduced below p (dalek reduces it). So the platform decides only
 * when none of those holds — every small-order key encoding is one of the eight canonical ones, or
 * x = 0 with its sign bit set (the identity and the point of order 2, which dalek reads as x = -0)
 * — and our verifier decides everything else.
 */
import { nodeModule } from '../../platform.js';
import { concatBytes, sameBytes } from '../bytes.js';
import { isCanonicalScalar, isSmallOrderEncoding } from './rules.js';

interface NodeCrypto {
  createPublicKey(key: { key: Uint8Array; format: 'der'; type: 'spki' }): unknown;
  verify(algorithm: null, data: Uint8Array, key: unknown, signature: Uint8Array): boolean;
}

const nodeCrypto = nodeModule<NodeCrypto>('node:crypto');

/** Signatures a process checks this way before our verifier takes over (building it then costs less than the checks left would lose to OpenSSL's speed). */
const PLATFORM_CHECKS = 32;
let checks = 0;

/** The DER prefix of an Ed25519 SubjectPublicKeyInfo: the raw key follows. */
const SPKI_PREFIX = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

/** Small-order key encodings beyond the eight canonical ones: x = 0 with the sign bit set, for y = 1 and y = -1. */
const SIGNED_ZERO_X = [
  Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0x01 : i === 31 ? 0x80 : 0)),
  Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 0xec : 0xff)),
];

/** Whether the key's y (its 255 low bits, little-endian) is below p = 2^255 - 19. */
function hasReducedY(key: Uint8Array): boolean {
  if ((key[31]! & 0x7f) !== 0x7f) return true;
  for (let i = 30; i >= 1; i--) if (key[i] !== 0xff) return true;
  return key[0]! < 0xed;
}

/** Whether the platform's answer is `verify_strict`'s for these bytes. */
function platformDecides(signature: Uint8Array, publicKey: Uint8Array): boolean {
  return (
    signature.length === 64 &&
    publicKey.length === 32 &&
    isCanonicalScalar(signature.subarray(32)) &&
    !isSmallOrderEncoding(signature.subarray(0, 32)) &&
    !isSmallOrderEncoding(publicKey) &&
    !SIGNED_ZERO_X.some((e) => sameBytes(e, publicKey)) &&
    hasReducedY(publicKey)
  );
}

/** `verify_strict`'s answer by the platform, or undefined when it must come from our verifier. */
export function platformVerdict(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean | undefined {
  if (!nodeCrypto || !platformDecides(signature, publicKey)) return undefined;
  try {
    const key = nodeCrypto.createPublicKey({ key: concatBytes(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' });
    return nodeCrypto.verify(null, message, key, signature);
  } catch {
    return undefined; // a key OpenSSL will not read: ours decides
  }
}

/** {@link platformVerdict} for a process's first {@link PLATFORM_CHECKS} signatures it decides; undefined after. */
export function platformVerify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean | undefined {
  if (checks >= PLATFORM_CHECKS) return undefined;
  const verdict = platformVerdict(signature, message, publicKey);
  if (verdict !== undefined) checks++;
  return verdict;
}
