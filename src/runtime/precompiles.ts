/**
 * Signature-verification precompiles (agave `precompiles/src/{ed25519,secp256k1,secp256r1}.rs`):
 * they check signatures described by offsets into the transaction's instruction data, consume no
 * compute units and log nothing; a failure is `Custom(PrecompileError code)`.
 */
import { sha512 } from '../crypto/sha512.js';
import { nobleEd25519, nobleNist } from '../crypto/noble.js';
import { recoverSecp256k1, SECP256K1_N } from '../crypto/secp256k1.js';
import { keccak256 } from '../crypto/keccak256.js';
import { sha256 } from '../crypto/sha256.js';
import { concatBytes, sameBytes } from './bytes.js';
import { ByteReader, bytes, type Codec, decodeOrUndefined, layout, padding, struct, u16, u8, type ValueOf } from './codec.js';
import { InstructionFailure } from './errors.js';
import { ED25519_PROGRAM, SECP256K1_PROGRAM, SECP256R1_PROGRAM } from './ids.js';

/** `PrecompileError` codes. */
export const PrecompileError = {
  InvalidPublicKey: 0,
  InvalidRecoveryId: 1,
  InvalidSignature: 2,
  InvalidDataOffsets: 3,
  InvalidInstructionDataSize: 4,
} as const;

type ErrorName = keyof typeof PrecompileError;
const fail = (name: ErrorName): never => {
  throw new InstructionFailure({ kind: 'Custom', code: PrecompileError[name] });
};

const ED25519_L = 2n ** 252n + 27742317777372353535851937790883648493n;
/** The order of the P-256 group. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const leBig = (b: Uint8Array) => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const beBig = (b: Uint8Array) => b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);

/** `get_data_slice`: `index` u16::MAX (ed25519/secp256r1 only) is the precompile's own data. */
function slice(data: Uint8Array, all: Uint8Array[], index: number, offset: number, size: number, ownIndex: number | undefined): Uint8Array {
  let source: Uint8Array;
  if (index === ownIndex) source = data;
  else {
    if (index >= all.length) fail('InvalidDataOffsets');
    source = all[index];
  }
  if (offset + size > source.length) fail('InvalidDataOffsets');
  return source.subarray(offset, offset + size);
}

/**
 * Where a signature's parts sit: an offset into an instruction's data, and which instruction
 * (`u16::MAX` for the precompile's own). `Ed25519SignatureOffsets` and `Secp256r1SignatureOffsets`.
 */
const SIGNATURE_OFFSETS = struct({
  signatureOffset: u16,
  signatureInstructionIndex: u16,
  publicKeyOffset: u16,
  publicKeyInstructionIndex: u16,
  messageDataOffset: u16,
  messageDataSize: u16,
  messageInstructionIndex: u16,
});
/** `SecpSignatureOffsets`: secp256k1's, with u8 instruction indexes and an Ethereum address for the key. */
const SECP256K1_SIGNATURE_OFFSETS = struct({
  signatureOffset: u16,
  signatureInstructionIndex: u8,
  ethAddressOffset: u16,
  ethAddressInstructionIndex: u8,
  messageDataOffset: u16,
  messageDataSize: u16,
  messageInstructionIndex: u8,
});

/** What the u16-indexed precompiles' data starts with: the signature count, then a padding byte; secp256k1's has the count alone. */
const U16_HEADER = layout({ count: u8, padding: padding(1) });
const SECP256K1_HEADER = layout({ count: u8 });
/** A signature: r, then s (32 bytes each: little-endian for ed25519, big-endian for the ECDSA curves). */
const SIGNATURE = layout({ r: bytes(32), s: bytes(32) });
/** secp256k1's: r, s and the recovery id. */
const RECOVERABLE_SIGNATURE = layout({ signature: SIGNATURE, recoveryId: u8 });
/** Parts of a signature slice, which always has the signature's size. */
const partsOf = (signature: Uint8Array) => decodeOrUndefined(SIGNATURE, signature)!;

/** `count` offsets entries from `start`; a table that does not fit is InvalidInstructionDataSize. */
function offsetsTable<T>(entry: Codec<T>, data: Uint8Array, start: number, count: number): T[] {
  const r = new ByteReader(data.subarray(start), () => fail('InvalidInstructionDataSize'));
  return Array.from({ length: count }, () => entry.read(r));
}

/**
 * Offsets tables of the u16-indexed precompiles: (count, then 14-byte entries from byte 2).
 * ed25519 accepts a bare zero count; secp256r1 (`max` given) wants 1 to `max` signatures.
 */
function offsetsU16(data: Uint8Array, max?: number): ValueOf<typeof SIGNATURE_OFFSETS>[] {
  const { count } = decodeOrUndefined(U16_HEADER, data) ?? fail('InvalidInstructionDataSize');
  if (count === 0 && (data.length > U16_HEADER.fixedSize || max !== undefined)) fail('InvalidInstructionDataSize');
  if (max !== undefined && count > max) fail('InvalidInstructionDataSize');
  return offsetsTable(SIGNATURE_OFFSETS, data, U16_HEADER.fixedSize, count);
}

/** Ed25519 with `verify_strict` (`ed25519_precompile_verify_strict`). */
function verifyEd25519(data: Uint8Array, all: Uint8Array[]): void {
  const { ed25519 } = nobleEd25519();
  for (const o of offsetsU16(data)) {
    const signature = partsOf(slice(data, all, o.signatureInstructionIndex, o.signatureOffset, SIGNATURE.fixedSize, 0xffff));
    // `Signature::from_slice`: the partial scalar check (the top 3 bits of s, little-endian, clear) comes first.
    if ((signature.s[signature.s.length - 1] & 0xe0) !== 0) fail('InvalidSignature');
    const publicKey = slice(data, all, o.publicKeyInstructionIndex, o.publicKeyOffset, 32, 0xffff);
    let A;
    try {
      A = ed25519.Point.fromBytes(publicKey, true);
    } catch {
      fail('InvalidPublicKey');
    }
    const message = slice(data, all, o.messageInstructionIndex, o.messageDataOffset, o.messageDataSize, 0xffff);
    const rBytes = signature.r;
    const s = leBig(signature.s);
    if (s >= ED25519_L) fail('InvalidSignature');
    let R;
    try {
      R = ed25519.Point.fromBytes(rBytes, true);
    } catch {
      fail('InvalidSignature');
    }
    if (A!.isSmallOrder() || R!.isSmallOrder()) fail('InvalidSignature');
    const k = leBig(sha512(concatBytes(rBytes, publicKey, message))) % ED25519_L;
    const check = ed25519.Point.BASE.multiplyUnsafe(s).subtract(A!.multiplyUnsafe(k));
    if (!sameBytes(check.toBytes(), rBytes)) fail('InvalidSignature');
  }
}

/** secp256k1 with Ethereum addresses; instruction indexes are absolute (u8). */
function verifySecp256k1(data: Uint8Array, all: Uint8Array[]): void {
  const { count } = decodeOrUndefined(SECP256K1_HEADER, data) ?? fail('InvalidInstructionDataSize');
  if (count === 0 && data.length > SECP256K1_HEADER.fixedSize) fail('InvalidInstructionDataSize');
  for (const o of offsetsTable(SECP256K1_SIGNATURE_OFFSETS, data, SECP256K1_HEADER.fixedSize, count)) {
    const sigIndex = o.signatureInstructionIndex;
    if (sigIndex >= all.length) fail('InvalidInstructionDataSize');
    const sigData = all[sigIndex];
    const sigStart = o.signatureOffset;
    const { signature, recoveryId: recovery } = decodeOrUndefined(RECOVERABLE_SIGNATURE, sigData.subarray(sigStart)) ?? fail('InvalidSignature');
    const sig = sigData.subarray(sigStart, sigStart + SIGNATURE.fixedSize);
    const r = beBig(signature.r);
    const s = beBig(signature.s);
    if (r >= SECP256K1_N || s >= SECP256K1_N) fail('InvalidSignature');
    if (recovery > 3) fail('InvalidRecoveryId');
    const ethAddress = slice(data, all, o.ethAddressInstructionIndex, o.ethAddressOffset, 20, undefined);
    const message = slice(data, all, o.messageInstructionIndex, o.messageDataOffset, o.messageDataSize, undefined);
    const key = recoverSecp256k1(keccak256(message), recovery, sig) ?? fail('InvalidSignature');
    if (!sameBytes(keccak256(key).subarray(12), ethAddress)) fail('InvalidSignature');
  }
}

/** secp256r1 (P-256, SHA-256), at most 8 signatures, low-s only. */
function verifySecp256r1(data: Uint8Array, all: Uint8Array[]): void {
  const { p256 } = nobleNist();
  for (const o of offsetsU16(data, 8)) {
    const signature = slice(data, all, o.signatureInstructionIndex, o.signatureOffset, SIGNATURE.fixedSize, 0xffff);
    const publicKey = slice(data, all, o.publicKeyInstructionIndex, o.publicKeyOffset, 33, 0xffff);
    const message = slice(data, all, o.messageInstructionIndex, o.messageDataOffset, o.messageDataSize, 0xffff);
    const { r: rBytes, s: sBytes } = partsOf(signature);
    const r = beBig(rBytes);
    const s = beBig(sBytes);
    if (r === 0n || s === 0n || r >= P256_N || s >= P256_N || s > P256_N / 2n) fail('InvalidSignature');
    try {
      p256.Point.fromBytes(publicKey);
    } catch {
      fail('InvalidPublicKey');
    }
    let ok: boolean;
    try {
      ok = p256.verify(signature, sha256(message), publicKey, { prehash: false, lowS: true, format: 'compact' });
    } catch {
      ok = false;
    }
    if (!ok) fail('InvalidSignature');
  }
}

/** The precompile verifiers by program id. */
export const PRECOMPILES: ReadonlyMap<string, (data: Uint8Array, all: Uint8Array[]) => void> = new Map([
  [ED25519_PROGRAM, verifyEd25519],
  [SECP256K1_PROGRAM, verifySecp256k1],
  [SECP256R1_PROGRAM, verifySecp256r1],
]);
