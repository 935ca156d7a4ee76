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
import { countMainThreadChecks, postToWorker, Verdict, type SignatureJob } from './signature-worker/index.js';

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

const idOf = (signature: Uint8Array) => String.fromCharCode.apply(null, signature as unknown as number[]);

function isRemembered(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  const known = verified.get(idOf(signature));
  return known !== undefined && sameBytes(known.message, message) && sameBytes(known.publicKey, publicKey);
}

function remember(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): void {
  if (verified.size >= MAX_REMEMBERED) verified.delete(verified.keys().next().value!);
  verified.set(idOf(signature), { message, publicKey: publicKey.slice() });
}

/** Whether `signature` is a valid Ed25519 signature of `message` by `publicKey`, as Agave decides it. */
export function verifySignature(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (isRemembered(signature, message, publicKey)) return true;
  countMainThreadChecks(1);
  if (!verifyStrict(signature, message, publicKey)) return false;
  remember(signature, message.slice(), publicKey);
  return true;
}

/** A transaction's signature check, begun: `passed()` gives (waiting for it if need be) whether every signature holds. */
export interface SignatureCheck {
  passed(): boolean;
}

const PASSED: SignatureCheck = { passed: () => true };
const FAILED: SignatureCheck = { passed: () => false };

/**
 * Checks each of `keys[i]`'s `signatures[i]` of `message`, the way {@link verifySignature} does
 * one. With `inParallel`, the signatures not remembered may go to the signature worker
 * (./signature-worker) and the caller goes on while it checks them; otherwise, and whenever no
 * worker is ready, they are checked here and now, stopping at the first that fails.
 */
export function checkSignatures(job: SignatureJob, inParallel: boolean): SignatureCheck {
  const { signatures, message, keys } = job;
  const pending: number[] = [];
  for (let i = 0; i < signatures.length; i++) if (!isRemembered(signatures[i]!, message, keys[i]!)) pending.push(i);
  if (pending.length === 0) return PASSED;
  const left: SignatureJob = { message, signatures: pending.map((i) => signatures[i]!), keys: pending.map((i) => keys[i]!) };
  const verdict = inParallel ? postToWorker(left) : undefined;
  if (!verdict) return checkHere(left) ? PASSED : FAILED;
  let passed: boolean | undefined;
  return {
    passed: () => {
      if (passed === undefined) {
        const v = verdict();
        passed = v === Verdict.WorkerFailed || v === 'taken back' ? checkHere(left) : v === Verdict.Valid;
        if (v === Verdict.Valid) {
          const kept = message.slice();
          for (let i = 0; i < left.signatures.length; i++) remember(left.signatures[i]!, kept, left.keys[i]!);
        }
      }
      return passed;
    },
  };
}

/** Checks `job`'s signatures on this thread, in order, stopping at the first that fails. */
function checkHere({ signatures, message, keys }: SignatureJob): boolean {
  for (let i = 0; i < signatures.length; i++) if (!verifySignature(signatures[i]!, message, keys[i]!)) return false;
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
