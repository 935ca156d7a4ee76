/**
 * secp256k1 public-key recovery (ECDSA), as libsecp256k1's `recover` and @noble/curves'
 * `recoverPublicKey` compute it, on our WebAssembly curve arithmetic (crypto/short-weierstrass.ts).
 */
import { modInverse, modulo } from './modular.js';
import { ShortWeierstrass } from './short-weierstrass.js';

const P = 2n ** 256n - 2n ** 32n - 977n;
/** The group order n. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const N = SECP256K1_N;
const G = {
  x: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n,
  y: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n,
};
/** secp256k1 on our WebAssembly arithmetic. */
export const SECP256K1_CURVE = new ShortWeierstrass(P, 7n);
const curve = SECP256K1_CURVE;

const bigEndian = (bytes: Uint8Array) => bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
const mod = (v: bigint) => modulo(v, N);

/**
 * The public key (x‖y, 64 bytes big-endian) that signed the 32-byte `hash` with the compact
 * signature r‖s and recovery id 0–3, or undefined when r or s is outside [1, n), r + n (ids 2, 3)
 * is no field element, r is no point's x, or the key would be the point at infinity.
 */
export function recoverSecp256k1(hash: Uint8Array, recoveryId: number, signature: Uint8Array): Uint8Array | undefined {
  const r = bigEndian(signature.subarray(0, 32));
  const s = bigEndian(signature.subarray(32, 64));
  if (r === 0n || r >= N || s === 0n || s >= N || recoveryId < 0 || recoveryId > 3) return undefined;
  const x = recoveryId >= 2 ? r + N : r;
  if (x >= P) return undefined;
  const R = curve.lift(x, (recoveryId & 1) === 1);
  if (!R) return undefined;
  const rInverse = modInverse(r, N);
  const z = mod(bigEndian(hash));
  // Q = r⁻¹·(s·R − z·G)
  const Q = curve.combine(mod(-z * rInverse), G, mod(s * rInverse), R);
  if (!Q) return undefined;
  const out = new Uint8Array(64);
  for (let i = 31, x = Q.x, y = Q.y; i >= 0; i--, x >>= 8n, y >>= 8n) {
    out[i] = Number(x & 0xffn);
    out[32 + i] = Number(y & 0xffn);
  }
  return out;
}
