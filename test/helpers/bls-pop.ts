/** Valid BLS proofs of possession for vote accounts, made with the tag and payload Agave verifies. */
import { bls12_381 } from '@noble/curves/bls12-381.js';
import { POP_DST, popPayload } from '../../src/runtime/bls-proof-of-possession.js';

/** The compressed public key of `secretKey` (a 32-byte big-endian scalar) and its proof bound to `voteAccount`. */
export function signBlsProofOfPossession(secretKey: Uint8Array, voteAccount: Uint8Array): { pubkey: Uint8Array; proof: Uint8Array } {
  const sigs = bls12_381.longSignatures;
  const pubkey = sigs.getPublicKey(secretKey).toBytes(true);
  const proof = sigs.Signature.toBytes(sigs.sign(sigs.hash(popPayload(voteAccount, pubkey), POP_DST), secretKey));
  return { pubkey, proof };
}
