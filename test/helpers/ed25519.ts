/** Ed25519 arithmetic for crafting signatures in tests (@noble/curves points and BigInt scalars). */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';

export const Point = ed25519.Point;
/** The group order ℓ. */
export const L = Point.CURVE().n;
/** The base point. */
export const B = Point.BASE;
export const littleEndian = (b: Uint8Array) => b.reduceRight((v, byte) => (v << 8n) | BigInt(byte), 0n);
export const scalarBytes = (x: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((x >> BigInt(8 * i)) & 0xffn));
export const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
/** k = SHA-512(R ‖ A ‖ M) mod ℓ. */
export const challenge = (r: Uint8Array, a: Uint8Array, m: Uint8Array) => littleEndian(sha512(Uint8Array.from([...r, ...a, ...m]))) % L;
/** The 64 bytes R ‖ s. */
export const signature = (r: Uint8Array, s: bigint) => Uint8Array.from([...r, ...scalarBytes(s)]);

/** ed25519-dalek's `verify_strict` on @noble/curves points and BigInt: the slow reference of our verifiers. */
export function reference(sig: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  let A, R;
  try {
    A = Point.fromBytes(publicKey, true);
    R = Point.fromBytes(sig.subarray(0, 32), true);
  } catch {
    return false;
  }
  const s = littleEndian(sig.subarray(32));
  if (s >= L || A.isSmallOrder() || R.isSmallOrder()) return false;
  const expected = B.multiplyUnsafe(s)
    .subtract(A.multiplyUnsafe(challenge(sig.subarray(0, 32), publicKey, message)))
    .toBytes();
  return expected.every((b, i) => b === sig[i]);
}
