/**
 * The ristretto255 arithmetic and the transcript protocol the ZK ElGamal proofs share (zk-sdk's
 * `TranscriptProtocol`), and the error the program logs when a proof fails, in Rust's `Debug`
 * notation of zk-sdk's `ProofVerificationError` (`SigmaProof(Equality, AlgebraicRelation)` …).
 */
import { MerlinTranscript } from '../../../crypto/merlin.js';
import { WebsvmError } from '../../../errors.js';
import { nobleCurve, nobleEd25519, nobleSha3 } from '../../../crypto/noble.js';

/** The order of the ristretto255 group. */
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** A ristretto255 point (noble's). */
export type Point = ReturnType<typeof nobleEd25519>['ristretto255']['Point']['BASE'];

/** A proof that failed, with the `Debug` text of its `ProofVerificationError` (kind `ProofVerificationFailed`). */
export class ProofVerificationFailure extends WebsvmError<'ProofVerificationFailed'> {
  constructor(debug: string) {
    super('ProofVerificationFailed', debug);
  }
}

/** Fails with `debug` as the logged error. */
export function reject(debug: string): never {
  throw new ProofVerificationFailure(debug);
}

/** The decoded point, or undefined when the 32 bytes are no canonical ristretto255 encoding. */
export function decompress(bytes: Uint8Array): Point | undefined {
  try {
    return nobleEd25519().ristretto255.Point.fromBytes(bytes);
  } catch {
    return undefined;
  }
}

/** dalek's `CompressedRistretto::is_identity`: the identity encodes as 32 zero bytes. */
export const isIdentityEncoding = (bytes: Uint8Array) => bytes.every((b) => b === 0);

/** A little-endian integer. */
export function leInteger(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return v;
}

/** A scalar as 32 little-endian bytes. */
export function scalarBytes(s: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 0; i < 32; i++) out[i] = Number((s >> BigInt(8 * i)) & 0xffn);
  return out;
}

export const mod = (x: bigint) => ((x % L) + L) % L;

/** G: the ristretto255 base point. */
export const basePoint = (): Point => nobleEd25519().ristretto255.Point.BASE;

let blinding: Point | undefined;
/** H: the Pedersen blinding base, `hash_from_bytes::<Sha3_512>` of G's encoding (RFC 9496's one-way map). */
export function blindingPoint(): Point {
  return (blinding ??= fromUniformBytes(nobleSha3().sha3_512(basePoint().toBytes())));
}

/** RFC 9496's element derivation from 64 uniform bytes (dalek's `from_uniform_bytes`). */
export function fromUniformBytes(bytes: Uint8Array): Point {
  const { ristretto255_hasher } = nobleEd25519();
  return ristretto255_hasher.deriveToCurve!(bytes);
}

/** Σ scalars[i]·points[i] (scalars reduced modulo L), by Pippenger's method. */
export function multiscalarMul(scalars: readonly bigint[], points: readonly Point[]): Point {
  return nobleCurve().pippenger(nobleEd25519().ristretto255.Point, [...points], scalars.map(mod));
}

/** The transcript of a proof instruction: Merlin, under the program's domain and `label`. */
export class ProofTranscript {
  private readonly merlin = new MerlinTranscript('solana-zk-elgamal-proof-program-v1');

  constructor(label: string) {
    this.merlin.appendMessage('dom-sep', new TextEncoder().encode(label));
  }

  appendMessage(label: string, message: Uint8Array): void {
    this.merlin.appendMessage(label, message);
  }

  appendU64(label: string, value: bigint): void {
    this.merlin.appendU64(label, value);
  }

  domainSeparator(name: string, count?: { label: string; value: bigint }): void {
    this.appendMessage('dom-sep', new TextEncoder().encode(name));
    if (count) this.appendU64(count.label, count.value);
  }

  appendScalar(label: string, s: bigint): void {
    this.appendMessage(label, scalarBytes(s));
  }

  /** `validate_and_append_point`: false (nothing appended) when the point is the identity. */
  validateAndAppendPoint(label: string, point: Uint8Array): boolean {
    if (isIdentityEncoding(point)) return false;
    this.appendMessage(label, point);
    return true;
  }

  /** 64 challenge bytes reduced modulo L. */
  challengeScalar(label: string): bigint {
    return leInteger(this.merlin.challengeBytes(label, 64)) % L;
  }
}
