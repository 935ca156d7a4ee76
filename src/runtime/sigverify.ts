/**
 * Ed25519 for transaction signatures: verification with Agave's rules (./ed25519/verify.ts), a
 * memo of the latest verified signatures (a simulated transaction sent next, or sent again, is
 * not checked twice: verification is a pure function of signature, message and key), and signing
 * for the built-in airdrop account.
 */
import { nobleEd25519 } from '../crypto/noble.js';
import { nodeModule } from '../platform.js';
import { concatBytes, sameBytes } from './bytes.js';
import { verifyStrict } from './ed25519/verify.js';

interface NodeCrypto {
  createPrivateKey(key: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): unknown;
  createPublicKey(key: unknown): { export(options: { format: 'der'; type: 'spki' }): Uint8Array };
  sign(algorithm: null, data: Uint8Array, key: unknown): Uint8Array;
}

/** node:crypto when running on Node. */
const nodeCrypto = nodeModule<NodeCrypto>('node:crypto');

const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** Signatures verified lately, by their bytes, with the exact message and key they hold for. */
const MAX_REMEMBERED = 256;
const verified = new Map<string, { message: Uint8Array; publicKey: Uint8Array }>();

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`, as Agave decides it. */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const id = String.fromCharCode.apply(null, signature as unknown as number[]);
  const known = verified.get(id);
  if (known && sameBytes(known.message, message) && sameBytes(known.publicKey, publicKey)) return true;
  if (!verifyStrict(signature, message, publicKey)) return false;
  if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
  verified.set(id, { message: message.slice(), publicKey: publicKey.slice() });
  return true;
}

/** Signs `message` with a 32-byte Ed25519 secret seed. */
export function signMessage(message: Uint8Array, seed: Uint8Array): Uint8Array {
  if (nodeCrypto) {
    const key = nodeCrypto.createPrivateKey({ key: concatBytes(PKCS8_PREFIX, seed), format: 'der', type: 'pkcs8' });
    return new Uint8Array(nodeCrypto.sign(null, message, key));
  }
  return nobleEd25519().ed25519.sign(message, seed);
}

/** The public key of a 32-byte secret seed. */
export function publicKeyOf(seed: Uint8Array): Uint8Array {
  if (nodeCrypto) {
    const secret = nodeCrypto.createPrivateKey({ key: concatBytes(PKCS8_PREFIX, seed), format: 'der', type: 'pkcs8' });
    return new Uint8Array(nodeCrypto.createPublicKey(secret).export({ format: 'der', type: 'spki' }).subarray(-32));
  }
  return nobleEd25519().ed25519.getPublicKey(seed);
}
