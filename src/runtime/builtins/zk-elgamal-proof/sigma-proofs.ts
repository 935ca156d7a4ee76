/**
 * The verifiers of the ZK ElGamal program's sigma proofs (zk-sdk's `sigma_proofs`), each run on
 * an instruction's proof data (its context, then its proof). Each check fails in the order
 * zk-sdk makes it, with the same `ProofVerificationError`: the context's points first
 * (`ElGamal(…Deserialization)`), the proof's encoding (`Deserialization`), the context's identity
 * points (`IdentityPoint`), identity commitments appended to the transcript
 * (`Transcript(ValidationError)`), then the proof's points and the algebraic relation.
 */
import { InternalError } from '../../../errors.js';
import { bytes, decode, layout, u64 } from '../../codec.js';
import { basePoint, blindingPoint, decompress, L, leInteger, multiscalarMul, ProofTranscript, reject, type Point } from './ristretto.js';

/** A public value of a proof's context, as stored (its encoding) and decoded (its points). */
interface ContextValue {
  bytes: Uint8Array;
  points: Point[];
}

/**
 * Reads `count` 32-byte points of an ElGamal public key (`pubkey`) or of a ciphertext, commitment
 * or grouped ciphertext (`ciphertext`) at `offset`.
 */
function contextValue(data: Uint8Array, offset: number, count: number, kind: 'pubkey' | 'ciphertext'): ContextValue {
  const bytes = data.subarray(offset, offset + 32 * count);
  const points: Point[] = [];
  for (let i = 0; i < count; i++) {
    const p = decompress(bytes.subarray(32 * i, 32 * i + 32));
    if (!p) reject(kind === 'pubkey' ? 'ElGamal(PubkeyDeserialization)' : 'ElGamal(CiphertextDeserialization)');
    points.push(p);
  }
  return { bytes, points };
}

/** Reads context values laid out one after another, `[kind, points]` each. */
function readContext(data: Uint8Array, layout: readonly (readonly ['pubkey' | 'ciphertext', number])[]): ContextValue[] {
  let offset = 0;
  return layout.map(([kind, count]) => {
    const value = contextValue(data, offset, count, kind);
    offset += 32 * count;
    return value;
  });
}

/** The sigma proof kinds of zk-sdk's `SigmaProofType`. */
type SigmaProofType = 'ZeroCiphertext' | 'Equality' | 'PubkeyValidity' | 'PercentageWithCap' | 'ValidityProof';

/** One sigma proof being verified: its transcript and its failures, named as zk-sdk names them. */
class SigmaVerification {
  readonly transcript: ProofTranscript;

  constructor(
    readonly type: SigmaProofType,
    instructionLabel: string,
  ) {
    this.transcript = new ProofTranscript(instructionLabel);
  }

  fail(error: string): never {
    reject(`SigmaProof(${this.type}, ${error})`);
  }

  /** The proof's 32-byte units: points kept encoded ('P'), scalars required canonical ('S'). */
  decodeProof(proof: Uint8Array, layout: string): { points: Uint8Array[]; scalars: bigint[] } {
    const points: Uint8Array[] = [];
    const scalars: bigint[] = [];
    [...layout].forEach((unit, i) => {
      const bytes = proof.subarray(32 * i, 32 * i + 32);
      if (unit === 'P') points.push(bytes);
      else {
        const s = leInteger(bytes);
        if (s >= L) this.fail('Deserialization');
        scalars.push(s);
      }
    });
    return { points, scalars };
  }

  /** `hash_context_into_transcript`: each public value's encoding under its label. */
  hashContext(values: readonly (readonly [string, ContextValue])[]): void {
    for (const [label, value] of values) this.transcript.appendMessage(label, value.bytes);
  }

  requireNoIdentity(points: readonly Point[]): void {
    if (points.some((p) => p.is0())) this.fail('IdentityPoint');
  }

  validateAndAppend(label: string, point: Uint8Array): void {
    if (!this.transcript.validateAndAppendPoint(label, point)) this.fail('Transcript(ValidationError)');
  }

  decompress(point: Uint8Array): Point {
    return decompress(point) ?? this.fail('Deserialization');
  }

  /** Requires Σ scalars[i]·points[i] to be the identity. */
  requireRelation(scalars: readonly bigint[], points: readonly Point[]): void {
    if (!multiscalarMul(scalars, points).is0()) this.fail('AlgebraicRelation');
  }
}

/** The public key validity proof: knowledge of the secret key s of P = s⁻¹·H. */
export function verifyPubkeyValidity(data: Uint8Array): void {
  const [pubkey] = readContext(data, [['pubkey', 1]]);
  const v = new SigmaVerification('PubkeyValidity', 'pubkey-validity-instruction');
  const { points, scalars } = v.decodeProof(data.subarray(32), 'PS');
  const [[Y], [z]] = [points, scalars];
  v.hashContext([['pubkey', pubkey]]);
  v.transcript.domainSeparator('pubkey-proof');
  v.requireNoIdentity(pubkey.points);
  v.validateAndAppend('Y', Y);
  const c = v.transcript.challengeScalar('c');
  v.requireRelation([z, -c, -1n], [blindingPoint(), pubkey.points[0], v.decompress(Y)]);
}

/** The zero-ciphertext proof: the ciphertext under the key encrypts 0. */
export function verifyZeroCiphertext(data: Uint8Array): void {
  const [pubkey, ciphertext] = readContext(data, [
    ['pubkey', 1],
    ['ciphertext', 2],
  ]);
  const v = new SigmaVerification('ZeroCiphertext', 'zero-ciphertext-instruction');
  const { points, scalars } = v.decodeProof(data.subarray(96), 'PPS');
  const [[Y_P, Y_D], [z]] = [points, scalars];
  const [P, [C, D]] = [pubkey.points[0], ciphertext.points];
  v.requireNoIdentity([P, C, D]);
  v.hashContext([
    ['pubkey', pubkey],
    ['ciphertext', ciphertext],
  ]);
  v.transcript.domainSeparator('zero-ciphertext-proof');
  v.validateAndAppend('Y_P', Y_P);
  v.transcript.appendMessage('Y_D', Y_D);
  const c = v.transcript.challengeScalar('c');
  v.transcript.appendScalar('z', z);
  const w = v.transcript.challengeScalar('w');
  v.requireRelation([z, -c, -1n, w * z, -w * c, -w], [P, blindingPoint(), v.decompress(Y_P), D, C, v.decompress(Y_D)]);
}

/** The ciphertext-ciphertext equality proof: two ciphertexts under two keys encrypt the same amount. */
export function verifyCiphertextCiphertextEquality(data: Uint8Array): void {
  const [firstPubkey, secondPubkey, firstCiphertext, secondCiphertext] = readContext(data, [
    ['pubkey', 1],
    ['pubkey', 1],
    ['ciphertext', 2],
    ['ciphertext', 2],
  ]);
  const v = new SigmaVerification('Equality', 'ciphertext-ciphertext-equality-instruction');
  const { points, scalars } = v.decodeProof(data.subarray(192), 'PPPPSSS');
  const [P1, P2] = [firstPubkey.points[0], secondPubkey.points[0]];
  const [[C1, D1], [C2, D2]] = [firstCiphertext.points, secondCiphertext.points];
  v.requireNoIdentity([P1, P2, C1, D1]);
  v.hashContext([
    ['first-pubkey', firstPubkey],
    ['second-pubkey', secondPubkey],
    ['first-ciphertext', firstCiphertext],
    ['second-ciphertext', secondCiphertext],
  ]);
  v.transcript.domainSeparator('ciphertext-ciphertext-equality-proof');
  const [z_s, z_x, z_r] = scalars;
  const [w, Y] = equalityChallenges(v, points, scalars);
  const [G, H] = [basePoint(), blindingPoint()];
  const [ww, www] = [w * w, w * w * w];
  v.requireRelation(
    [z_s, -Y.c, -1n, w * z_x, w * z_s, -w * Y.c, -w, ww * z_x, ww * z_r, -ww * Y.c, -ww, www * z_r, -www * Y.c, -www],
    [P1, H, Y.points[0], G, D1, C1, Y.points[1], G, H, C2, Y.points[2], P2, D2, Y.points[3]],
  );
}

/** The ciphertext-commitment equality proof: a ciphertext and a Pedersen commitment hold the same amount. */
export function verifyCiphertextCommitmentEquality(data: Uint8Array): void {
  const [pubkey, ciphertext, commitment] = readContext(data, [
    ['pubkey', 1],
    ['ciphertext', 2],
    ['ciphertext', 1],
  ]);
  const v = new SigmaVerification('Equality', 'ciphertext-commitment-equality-instruction');
  const { points, scalars } = v.decodeProof(data.subarray(128), 'PPPSSS');
  const [P, [C, D], C_commitment] = [pubkey.points[0], ciphertext.points, commitment.points[0]];
  v.requireNoIdentity([P, C, D, C_commitment]);
  v.hashContext([
    ['pubkey', pubkey],
    ['ciphertext', ciphertext],
    ['commitment', commitment],
  ]);
  v.transcript.domainSeparator('ciphertext-commitment-equality-proof');
  const [z_s, z_x, z_r] = scalars;
  const [w, Y] = equalityChallenges(v, points, scalars);
  const [G, H] = [basePoint(), blindingPoint()];
  const ww = w * w;
  v.requireRelation(
    [z_s, -Y.c, -1n, w * z_x, w * z_s, -w * Y.c, -w, ww * z_x, ww * z_r, -ww * Y.c, -ww],
    [P, H, Y.points[0], G, D, C, Y.points[1], G, H, C_commitment, Y.points[2]],
  );
}

/**
 * The equality proofs' transcript steps: every commitment Y_i validated, challenge c, the
 * responses z_s, z_x, z_r, challenge w; then the commitments decoded.
 */
function equalityChallenges(v: SigmaVerification, points: Uint8Array[], scalars: bigint[]): [bigint, { c: bigint; points: Point[] }] {
  points.forEach((Y, i) => v.validateAndAppend(`Y_${i}`, Y));
  const c = v.transcript.challengeScalar('c');
  ['z_s', 'z_x', 'z_r'].forEach((label, i) => v.transcript.appendScalar(label, scalars[i]));
  const w = v.transcript.challengeScalar('w');
  return [w, { c, points: points.map((Y) => v.decompress(Y)) }];
}

/** The percentage-with-cap context: three ciphertexts' commitments, then the cap; the proof follows. */
const PERCENTAGE_WITH_CAP_CONTEXT = layout({ percentage: bytes(32), delta: bytes(32), claimed: bytes(32), maxValue: u64 });

/** The percentage-with-cap proof: the percentage commits to the cap, or delta and claimed commit to the same amount. */
export function verifyPercentageWithCap(data: Uint8Array): void {
  const [percentage, delta, claimed] = readContext(data, [
    ['ciphertext', 1],
    ['ciphertext', 1],
    ['ciphertext', 1],
  ]);
  // The instruction's data was checked to be exactly the context and proof long.
  const { maxValue } = decode(PERCENTAGE_WITH_CAP_CONTEXT, data, () => {
    throw new InternalError('percentage-with-cap data shorter than its context');
  });
  const v = new SigmaVerification('PercentageWithCap', 'percentage-with-cap-instruction');
  const { points, scalars } = v.decodeProof(data.subarray(PERCENTAGE_WITH_CAP_CONTEXT.fixedSize), 'PSSPPSSS');
  const [[Y_max, Y_delta, Y_claimed], [z_max, c_max, z_x, z_delta, z_claimed]] = [points, scalars];
  const [C_max, C_delta, C_claimed] = [percentage.points[0], delta.points[0], claimed.points[0]];
  v.requireNoIdentity([C_max, C_delta, C_claimed]);
  v.hashContext([
    ['percentage-commitment', percentage],
    ['delta-commitment', delta],
    ['claimed-commitment', claimed],
  ]);
  v.transcript.appendU64('max-value', maxValue);
  v.transcript.domainSeparator('percentage-with-cap-proof');
  v.validateAndAppend('Y_max_proof', Y_max);
  v.validateAndAppend('Y_delta', Y_delta);
  v.validateAndAppend('Y_claimed', Y_claimed);
  const Y = [Y_max, Y_delta, Y_claimed].map((p) => v.decompress(p));
  const c = v.transcript.challengeScalar('c');
  const c_equality = c - c_max;
  v.transcript.appendScalar('z_max', z_max);
  v.transcript.appendScalar('c_max_proof', c_max);
  v.transcript.appendScalar('z_x', z_x);
  v.transcript.appendScalar('z_delta_real', z_delta);
  v.transcript.appendScalar('z_claimed', z_claimed);
  const w = v.transcript.challengeScalar('w');
  const ww = w * w;
  const [G, H] = [basePoint(), blindingPoint()];
  v.requireRelation(
    [c_max, -c_max * maxValue, -z_max, 1n, w * z_x, w * z_delta, -w * c_equality, -w, ww * z_x, ww * z_claimed, -ww * c_equality, -ww],
    [C_max, G, H, Y[0], G, H, C_delta, Y[1], G, H, C_claimed, Y[2]],
  );
}

/** Grouped ciphertexts: a commitment and one decrypt handle per public key. */
interface GroupedCiphertext {
  commitment: Point;
  handles: Point[];
}

const grouped = (value: ContextValue): GroupedCiphertext => ({ commitment: value.points[0], handles: value.points.slice(1) });

/**
 * The grouped-ciphertext validity proof with `handles` decrypt handles (2 or 3): the ciphertext
 * is well formed for its public keys. A batched proof checks lo + t·hi of two ciphertexts.
 */
export function verifyGroupedCiphertextValidity(data: Uint8Array, handles: 2 | 3, batched: boolean): void {
  const ciphertexts = batched ? 2 : 1;
  const context = readContext(data, [
    ...Array.from({ length: handles }, () => ['pubkey', 1] as const),
    ...Array.from({ length: ciphertexts }, () => ['ciphertext', handles + 1] as const),
  ]);
  const pubkeys = context.slice(0, handles);
  const values = context.slice(handles);
  const name = `${batched ? 'batched-' : ''}grouped-ciphertext-validity-${handles}-handles-instruction`;
  const v = new SigmaVerification('ValidityProof', name);
  const proofOffset = 32 * (handles + ciphertexts * (handles + 1));
  const { points, scalars } = v.decodeProof(data.subarray(proofOffset), `${'P'.repeat(handles + 1)}SS`);
  // Only the keys before the last may not be the identity (the last may be absent: zero).
  v.requireNoIdentity([...pubkeys.slice(0, handles - 1).map((k) => k.points[0]), ...values.map((c) => c.points[0])]);
  const ordinals = ['first', 'second', 'third'];
  v.hashContext(pubkeys.map((k, i) => [`${ordinals[i]}-pubkey`, k] as const));
  let ciphertext = grouped(values[0]);
  if (batched) {
    v.hashContext([
      ['grouped-ciphertext-lo', values[0]],
      ['grouped-ciphertext-hi', values[1]],
    ]);
    v.transcript.domainSeparator('batched-validity-proof', { label: 'handles', value: BigInt(handles) });
    const t = v.transcript.challengeScalar('t');
    const [lo, hi] = [grouped(values[0]), grouped(values[1])];
    const combine = (a: Point, b: Point) => a.add(b.multiplyUnsafe(t));
    ciphertext = { commitment: combine(lo.commitment, hi.commitment), handles: lo.handles.map((h, i) => combine(h, hi.handles[i])) };
  } else {
    v.hashContext([['grouped-ciphertext', values[0]]]);
  }
  v.transcript.domainSeparator('validity-proof', { label: 'handles', value: BigInt(handles) });
  points.forEach((Y, i) => (i < handles ? v.validateAndAppend(`Y_${i}`, Y) : v.transcript.appendMessage(`Y_${i}`, Y)));
  const c = v.transcript.challengeScalar('c');
  const [z_r, z_x] = scalars;
  v.transcript.appendScalar('z_r', z_r);
  v.transcript.appendScalar('z_x', z_x);
  const w = v.transcript.challengeScalar('w');
  const Y = points.map((p) => v.decompress(p));
  const scalarsOut = [z_r, z_x, -c, -1n];
  const pointsOut = [blindingPoint(), basePoint(), ciphertext.commitment, Y[0]];
  let wi = 1n;
  for (let i = 0; i < handles; i++) {
    wi = (wi * w) % L;
    scalarsOut.push(wi * z_r, -wi * c, -wi);
    pointsOut.push(pubkeys[i].points[0], ciphertext.handles[i], Y[i + 1]);
  }
  v.requireRelation(scalarsOut, pointsOut);
}
