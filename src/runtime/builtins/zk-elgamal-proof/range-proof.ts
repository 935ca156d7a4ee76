/**
 * The batched range proofs (zk-sdk's `range_proof`: aggregated Bulletproofs with an inner-product
 * argument): up to 8 Pedersen commitments whose bit lengths add up to 64, 128 or 256, each
 * committing to an amount below 2^bit_length. Failures carry zk-sdk's `ProofVerificationError`
 * (`ProofContext`, `IllegalCommitmentLength`, `IllegalAmountBitLength`, `RangeProof(…)`).
 */
import { nobleSha3 } from '../../../crypto/noble.js';
import {
  basePoint,
  blindingPoint,
  decompress,
  fromUniformBytes,
  isIdentityEncoding,
  L,
  leInteger,
  mod,
  multiscalarMul,
  ProofTranscript,
  reject,
  type Point,
} from './ristretto.js';

const MAX_COMMITMENTS = 8;
const MAX_SINGLE_BIT_LENGTH = 64;
/** Context: 8 commitments, then 8 bit lengths. */
const CONTEXT_LENGTH = 32 * MAX_COMMITMENTS + MAX_COMMITMENTS;

/** Modular inverse by Fermat (x ≠ 0). */
function invert(x: bigint): bigint {
  let result = 1n;
  let base = mod(x);
  for (let e = L - 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % L;
    base = (base * base) % L;
  }
  return result;
}

/** The Bulletproofs generators G_i and H_i (`GeneratorsChain`: SHAKE256 streams mapped to points), grown on demand. */
const generators = { G: [] as Point[], H: [] as Point[] };

function generatorChain(label: 'G' | 'H', count: number): Point[] {
  const have = generators[label];
  if (have.length < count) {
    const shake = nobleSha3().shake256.create({ dkLen: 64 * count });
    shake.update(new TextEncoder().encode(`GeneratorsChain${label}`));
    const stream = shake.xof(64 * count);
    for (let i = have.length; i < count; i++) have.push(fromUniformBytes(stream.subarray(64 * i, 64 * i + 64)));
  }
  return have.slice(0, count);
}

/** Σ_{i<n} x^i. */
function sumOfPowers(x: bigint, n: number): bigint {
  let sum = 0n;
  let power = 1n;
  for (let i = 0; i < n; i++) {
    sum = (sum + power) % L;
    power = (power * x) % L;
  }
  return sum;
}

/** `verify_batched_range_proof_context`: the commitments before the first zero one and their bit lengths. */
function readContext(context: Uint8Array): { commitments: Point[]; bitLengths: number[] } {
  const commitments: Point[] = [];
  for (let i = 0; i < MAX_COMMITMENTS; i++) {
    const bytes = context.subarray(32 * i, 32 * i + 32);
    if (isIdentityEncoding(bytes)) break;
    commitments.push(decompress(bytes) ?? reject('ProofContext'));
  }
  const bitLengths = [...context.subarray(32 * MAX_COMMITMENTS, CONTEXT_LENGTH)];
  if (commitments.length === 0) reject('IllegalCommitmentLength');
  const used = bitLengths.slice(0, commitments.length);
  if (used.some((n) => n === 0 || n > MAX_SINGLE_BIT_LENGTH)) reject('IllegalAmountBitLength');
  const paddingZero = context.subarray(32 * commitments.length, 32 * MAX_COMMITMENTS).every((b) => b === 0);
  if (!paddingZero || bitLengths.slice(commitments.length).some((n) => n !== 0)) reject('ProofContext');
  return { commitments, bitLengths: used };
}

/** A range proof failure (`RangeProofVerificationError`). */
const rangeFailure = (error: string): never => reject(`RangeProof(${error})`);

/** The proof's units: A, S, T_1, T_2, t_x, t_x_blinding, e_blinding, then the inner-product proof's L/R pairs, a and b. */
function decodeProof(proof: Uint8Array) {
  const unit = (i: number) => proof.subarray(32 * i, 32 * i + 32);
  const scalar = (i: number) => {
    const s = leInteger(unit(i));
    return s < L ? s : rangeFailure('Deserialization');
  };
  const [A, S, T_1, T_2] = [0, 1, 2, 3].map(unit);
  const [t_x, t_x_blinding, e_blinding] = [4, 5, 6].map(scalar);
  const rounds = (proof.length / 32 - 9) / 2;
  const Ls = Array.from({ length: rounds }, (_, i) => unit(7 + 2 * i));
  const Rs = Array.from({ length: rounds }, (_, i) => unit(8 + 2 * i));
  const [a, b] = [7 + 2 * rounds, 8 + 2 * rounds].map(scalar);
  return { A, S, T_1, T_2, t_x, t_x_blinding, e_blinding, Ls, Rs, a, b };
}

/** Verifies a batched range proof whose bit lengths must add up to `totalBits`. */
export function verifyBatchedRangeProof(data: Uint8Array, totalBits: 64 | 128 | 256): void {
  const context = data.subarray(0, CONTEXT_LENGTH);
  const { commitments, bitLengths } = readContext(context);
  const nm = bitLengths.reduce((a, b) => a + b, 0);
  if (nm !== totalBits) reject('IllegalCommitmentLength');
  const t = new ProofTranscript('batched-range-proof-instruction');
  t.appendMessage('commitments', context.subarray(0, 32 * MAX_COMMITMENTS));
  t.appendMessage('bit-lengths', context.subarray(32 * MAX_COMMITMENTS));
  const p = decodeProof(data.subarray(CONTEXT_LENGTH));
  const validate = (label: string, point: Uint8Array) => t.validateAndAppendPoint(label, point) || rangeFailure('Transcript(ValidationError)');

  t.domainSeparator('range-proof', { label: 'n', value: BigInt(nm) });
  validate('A', p.A);
  validate('S', p.S);
  const y = t.challengeScalar('y');
  const z = t.challengeScalar('z');
  validate('T_1', p.T_1);
  validate('T_2', p.T_2);
  const x = t.challengeScalar('x');
  t.appendScalar('t_x', p.t_x);
  t.appendScalar('t_x_blinding', p.t_x_blinding);
  t.appendScalar('e_blinding', p.e_blinding);
  const w = t.challengeScalar('w');
  t.challengeScalar('c');

  // The inner-product proof's verification scalars.
  t.domainSeparator('inner-product', { label: 'n', value: BigInt(nm) });
  const u = p.Ls.map((Lp, i) => {
    validate('L', Lp);
    validate('R', p.Rs[i]);
    return t.challengeScalar('u');
  });
  const uInv = u.map(invert);
  const uSq = u.map((v) => (v * v) % L);
  const uInvSq = uInv.map((v) => (v * v) % L);
  const s = [uInv.reduce((acc, v) => (acc * v) % L, 1n)];
  for (let i = 1; i < nm; i++) {
    const lgI = 31 - Math.clz32(i);
    s.push((s[i - (1 << lgI)] * uSq[u.length - 1 - lgI]) % L);
  }
  t.appendScalar('ipp_a', p.a);
  t.appendScalar('ipp_b', p.b);
  const d = t.challengeScalar('d');

  const zz = (z * z) % L;
  const zAnd2: bigint[] = [];
  let zPower = 1n;
  for (const n of bitLengths) {
    for (let k = 0; k < n; k++) zAnd2.push((zPower << BigInt(k)) % L);
    zPower = (zPower * z) % L;
  }
  let delta = ((z - zz) * sumOfPowers(y, nm)) % L;
  let zExp = (zz * z) % L;
  for (const n of bitLengths) {
    delta -= zExp * ((1n << BigInt(n)) - 1n);
    zExp = (zExp * z) % L;
  }
  const yInv = invert(y);
  const gs: bigint[] = [];
  const hs: bigint[] = [];
  let yInvPower = 1n;
  for (let i = 0; i < nm; i++) {
    gs.push(-z - p.a * s[i]);
    hs.push(z + yInvPower * (zz * zAnd2[i] - p.b * s[nm - 1 - i]));
    yInvPower = (yInvPower * yInv) % L;
  }
  const commitmentScalars: bigint[] = [];
  zExp = 1n;
  for (let j = 0; j < commitments.length; j++) {
    commitmentScalars.push(d * zz * zExp);
    zExp = (zExp * z) % L;
  }
  const proofPoints = [p.A, p.S, p.T_1, p.T_2, ...p.Ls, ...p.Rs].map((bytes) => decompress(bytes) ?? rangeFailure('MultiscalarMul'));
  const [A, S, T_1, T_2] = proofPoints;
  const check = multiscalarMul(
    [
      1n,
      x,
      d * x,
      d * x * x,
      -p.e_blinding - d * p.t_x_blinding,
      w * (p.t_x - p.a * p.b) + d * (delta - p.t_x),
      ...uSq,
      ...uInvSq,
      ...gs,
      ...hs,
      ...commitmentScalars,
    ],
    [A, S, T_1, T_2, blindingPoint(), basePoint(), ...proofPoints.slice(4), ...generatorChain('G', nm), ...generatorChain('H', nm), ...commitments],
  );
  if (!check.is0()) rangeFailure('AlgebraicRelation');
}
