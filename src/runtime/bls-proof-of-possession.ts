/**
 * BLS12-381 proof of possession for vote accounts (SIMD-0387), as Agave's Vote program checks it
 * in `verify_bls_proof_of_possession` through the `solana-bls-signatures` crate.
 *
 * Scheme (min-pubkey-size: public key in G1, proof in G2):
 * - hashed payload: `"ALPENGLOW"` (9 bytes) || vote account address (32) || compressed BLS public
 *   key (48), 89 bytes in all; Agave passes the first 41 bytes and the crate appends the key;
 * - hash-to-curve onto G2 with the IETF proof-of-possession tag
 *   `BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_` (RFC 9380 `expand_message_xmd`, SHA-256, SSWU);
 * - accept when e(pubkey, H(payload)) == e(G1 generator, proof).
 *
 * Both points must be canonical compressed (ZCash) encodings of points in the prime-order subgroup,
 * as blst/blstrs decode them; the identity public key is refused. Decoding and the pairing run on
 * our WebAssembly module (crypto/bls12-381.ts); hashing onto G2 is @noble/curves'.
 */
import { BLS12_381 } from '../crypto/bls12-381.js';
import { nobleBls12381 } from '../crypto/noble.js';

/** The proof-of-possession domain separation tag found in LiteSVM's Agave build. */
export const POP_DST = 'BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_';
/** The label the Vote program puts before the vote account address. */
const LABEL = new TextEncoder().encode('ALPENGLOW');

const BLS_PUBKEY_COMPRESSED_SIZE = 48;
const BLS_PROOF_COMPRESSED_SIZE = 96;
const GT_BYTES = 576;

/** `"ALPENGLOW" || vote account || BLS public key`: the bytes that get hashed onto G2. */
export function popPayload(voteAccount: Uint8Array, blsPubkeyCompressed: Uint8Array): Uint8Array {
  const out = new Uint8Array(LABEL.length + 32 + BLS_PUBKEY_COMPRESSED_SIZE);
  out.set(LABEL, 0);
  out.set(voteAccount, LABEL.length);
  out.set(blsPubkeyCompressed, LABEL.length + 32);
  return out;
}

/**
 * True only if Agave would accept `proof` as a proof of possession of `blsPubkey` bound to
 * `voteAccount`; every decoding failure (bad length, flags, x ≥ p, not on the curve, outside the
 * subgroup), an identity public key and a failed pairing check give false. Never throws.
 */
export function verifyBlsProofOfPossession(voteAccount: Uint8Array, blsPubkey: Uint8Array, proof: Uint8Array): boolean {
  try {
    if (voteAccount.length !== 32 || blsPubkey.length !== BLS_PUBKEY_COMPRESSED_SIZE || proof.length !== BLS_PROOF_COMPRESSED_SIZE) return false;
    // Only the compressed form is accepted here (Agave takes fixed 48/96-byte compressed arrays).
    if ((blsPubkey[0]! & 0x80) === 0 || (proof[0]! & 0x80) === 0) return false;
    // Flags, canonical x, a point on the curve, in the subgroup; the uncompressed form's 0x40 flag
    // marks infinity: the crate refuses the identity key before pairing, and an identity proof can
    // never satisfy the equation with a non-identity key.
    const pk = new Uint8Array(2 * BLS_PUBKEY_COMPRESSED_SIZE);
    const sig = new Uint8Array(2 * BLS_PROOF_COMPRESSED_SIZE);
    if (!BLS12_381.decompressInto(1, blsPubkey, false, pk) || pk[0]! & 0x40) return false;
    if (!BLS12_381.decompressInto(2, proof, false, sig) || sig[0]! & 0x40) return false;
    const { bls12_381 } = nobleBls12381();
    const hashed = bls12_381.longSignatures.hash(popPayload(voteAccount, blsPubkey), POP_DST).toBytes(false);
    // e(pk, H(m))·e(−G1, proof) = 1
    const g1s = new Uint8Array(2 * pk.length);
    g1s.set(pk);
    g1s.set(bls12_381.G1.Point.BASE.negate().toBytes(false), pk.length);
    const g2s = new Uint8Array(2 * sig.length);
    g2s.set(hashed);
    g2s.set(sig, sig.length);
    const gt = new Uint8Array(GT_BYTES);
    // One in GT, big-endian (the little-endian form reversed): its last byte 1, every other 0.
    return BLS12_381.pairing(g1s, g2s, 2, false, gt) && gt[GT_BYTES - 1] === 1 && gt.subarray(0, GT_BYTES - 1).every((b) => b === 0);
  } catch {
    return false;
  }
}
