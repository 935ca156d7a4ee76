/**
 * Ed25519 for transaction signatures: verification with Agave's rules (./ed25519/verify.ts), a
 * memo of the latest verified signatures (a simulated transaction sent next, or sent again, is
 * not checked twice: verification is a pure function of signature, message and key), and signing
 * for the built-in airdrop account.
 */
import { nobleEd25519 } from '../crypto/noble.js';
import { nodeModule } from '../platform.js';
import { concatBytes, sameBytes, sameBytesAt } from './bytes.js';
import { verifyStrict } from './ed25519/verify.js';

interface NodeCrypto {
  createPrivateKey(key: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): unknown;
  createPublicKey(key: unknown): { export(options: { format: 'der'; type: 'spki' }): Uint8Array };
  sign(algorithm: null, data: Uint8Array, key: unknown): Uint8Array;
}

/** node:crypto when running on Node. */
const nodeCrypto = nodeModule<NodeCrypto>('node:crypto');

const PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/**
 * Signatures verified lately, with the exact message and key each holds for: direct-mapped by the
 * signature's first byte (R's encoding, uniform), so a lookup makes no string and no map entry,
 * and a slot's message buffer is reused by the next signature that fits in it.
 */
const MEMO_SLOTS = 256;
const memoSignatures = new Uint8Array(64 * MEMO_SLOTS);
const memoKeys = new Uint8Array(32 * MEMO_SLOTS);
/** Per slot: the message's length, -1 while the slot is empty. */
const memoLengths = new Int32Array(MEMO_SLOTS).fill(-1);
const memoMessages: Uint8Array[] = Array.from({ length: MEMO_SLOTS }, () => new Uint8Array(0));

/** A signature's slot: its first byte (MEMO_SLOTS is 256). */
const memoSlot = (signature: Uint8Array) => signature[0]!;

/** Whether the memo holds `signature` as valid for `message` and `publicKey`. */
function remembered(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const slot = memoSlot(signature);
  return (
    memoLengths[slot] === message.length &&
    sameBytesAt(memoSignatures, 64 * slot, signature) &&
    sameBytesAt(memoKeys, 32 * slot, publicKey) &&
    sameBytesAt(memoMessages[slot]!, 0, message)
  );
}

/** Remembers that `signature` is valid for `message` and `publicKey` (copies: the caller may reuse its buffers). */
function remember(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): void {
  const slot = memoSlot(signature);
  memoSignatures.set(signature, 64 * slot);
  memoKeys.set(publicKey, 32 * slot);
  if (memoMessages[slot]!.length < message.length) memoMessages[slot] = new Uint8Array(message.length);
  memoMessages[slot]!.set(message);
  memoLengths[slot] = message.length;
}

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`, as Agave decides it. */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return verifyStrict(signature, message, publicKey);
  if (remembered(signature, message, publicKey)) return true;
  if (!verifyStrict(signature, message, publicKey)) return false;
  remember(signature, message, publicKey);
  return true;
}

/** The encoding of the identity point: the only small-order R a signer's nonce can give (r ≡ 0 mod ℓ). */
const IDENTITY = Uint8Array.from({ length: 32 }, (_, i) => (i === 0 ? 1 : 0));

/**
 * A keypair the runtime signs with itself (the airdrop faucet), from a 32-byte secret seed. Its
 * signatures pass `verify_strict` by construction (s is reduced, the key and R = [r]B lie in the
 * prime-order group, R is not the identity unless r ≡ 0), so each is remembered as verified and
 * the transaction carrying it is not checked again; on Node the key object is made once.
 */
export class LocalSigner {
  readonly publicKey: Uint8Array;
  private readonly keyObject: unknown;

  constructor(readonly seed: Uint8Array) {
    if (nodeCrypto) {
      this.keyObject = nodeCrypto.createPrivateKey({ key: concatBytes(PKCS8_PREFIX, seed), format: 'der', type: 'pkcs8' });
      this.publicKey = new Uint8Array(nodeCrypto.createPublicKey(this.keyObject).export({ format: 'der', type: 'spki' }).subarray(-32));
    } else this.publicKey = nobleEd25519().ed25519.getPublicKey(seed);
  }

  /** The signature of `message`. */
  sign(message: Uint8Array): Uint8Array {
    const signature = nodeCrypto ? new Uint8Array(nodeCrypto.sign(null, message, this.keyObject)) : nobleEd25519().ed25519.sign(message, this.seed);
    if (!sameBytes(signature.subarray(0, 32), IDENTITY)) remember(signature, message, this.publicKey);
    return signature;
  }
}
