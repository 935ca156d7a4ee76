/**
 * Transaction wire format (legacy and v0 messages) and Agave's sanitize rules
 * (solana-message `legacy.rs`/`v0/mod.rs` `sanitize`, solana-transaction `versioned/sanitized.rs`).
 */
import { WebsvmError } from '../errors.js';
import { decodeAddress as decodeKey, encodeAddress } from './accounts.js';
import { TransactionFailure, txError } from './errors.js';

/** One compiled instruction: indexes into the message's account keys. */
export interface CompiledInstruction {
  programIdIndex: number;
  accounts: Uint8Array;
  data: Uint8Array;
}

/** A v0 address-table lookup. */
export interface AddressTableLookup {
  accountKey: string;
  writableIndexes: Uint8Array;
  readonlyIndexes: Uint8Array;
}

/** A decoded message (legacy when `version` is 'legacy'). */
export interface Message {
  version: 'legacy' | 0;
  numRequiredSignatures: number;
  numReadonlySigned: number;
  numReadonlyUnsigned: number;
  staticKeys: string[];
  recentBlockhash: string;
  instructions: CompiledInstruction[];
  lookups: AddressTableLookup[];
}

/** A decoded transaction with the exact bytes its signatures cover. */
export interface WireTransaction {
  signatures: Uint8Array[];
  message: Message;
  messageBytes: Uint8Array;
}

/** Largest serialized transaction (IPv6 MTU minus headers). */
export const PACKET_DATA_SIZE = 1232;

class Cursor {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}
  need(n: number): void {
    if (this.at + n > this.bytes.length) throw malformed('unexpected end of transaction bytes');
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.at++];
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  /** Solana's compact-u16. */
  shortVec(): number {
    return readCompactU16(() => this.u8(), malformed);
  }
}

/**
 * Solana's compact-u16 (`short_vec` lengths): 1–3 bytes, canonical, at most u16::MAX. `next`
 * reads a byte; `invalid` builds the caller's error for an encoding that breaks a rule.
 */
export function readCompactU16(next: () => number, invalid: (why: string) => Error): number {
  let value = 0;
  for (let i = 0; i < 3; i++) {
    const b = next();
    value |= (b & 0x7f) << (7 * i);
    if ((b & 0x80) === 0) {
      if (i > 0 && b === 0) throw invalid('non-canonical compact-u16');
      if (value > 0xffff) throw invalid('compact-u16 overflow');
      return value;
    }
  }
  throw invalid('compact-u16 longer than 3 bytes');
}

const malformed = (why: string) => new WebsvmError('MalformedTransaction', `Malformed transaction: ${why}`);

/**
 * Refuses bytes beyond {@link PACKET_DATA_SIZE} with `WebsvmError` kind `TransactionTooLarge`, as
 * Agave's packet intake and RPC do before decoding them.
 */
export function checkPacketSize(bytes: Uint8Array): void {
  if (bytes.length > PACKET_DATA_SIZE) {
    throw new WebsvmError('TransactionTooLarge', `Transaction too large: ${bytes.length} bytes (max: ${PACKET_DATA_SIZE} bytes)`);
  }
}

/** Decodes a serialized transaction. Throws `WebsvmError` kind `MalformedTransaction`. */
export function decodeTransaction(bytes: Uint8Array): WireTransaction {
  const c = new Cursor(bytes);
  const nsig = c.shortVec();
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < nsig; i++) signatures.push(c.take(64));
  const start = c.at;
  const message = decodeMessageAt(c);
  if (c.at !== bytes.length) throw malformed(`${bytes.length - c.at} trailing bytes`);
  return { signatures, message, messageBytes: bytes.subarray(start, c.at) };
}

function decodeMessageAt(c: Cursor): Message {
  let version: 'legacy' | 0 = 'legacy';
  if (c.bytes[c.at] & 0x80) {
    const v = c.u8() & 0x7f;
    if (v !== 0) throw malformed(`unsupported message version ${v}`);
    version = 0;
  }
  const numRequiredSignatures = c.u8();
  const numReadonlySigned = c.u8();
  const numReadonlyUnsigned = c.u8();
  const nkeys = c.shortVec();
  const staticKeys: string[] = [];
  for (let i = 0; i < nkeys; i++) staticKeys.push(encodeAddress(c.take(32)));
  const recentBlockhash = encodeAddress(c.take(32));
  const nix = c.shortVec();
  const instructions: CompiledInstruction[] = [];
  for (let i = 0; i < nix; i++) {
    const programIdIndex = c.u8();
    const accounts = c.take(c.shortVec());
    const data = c.take(c.shortVec());
    instructions.push({ programIdIndex, accounts, data });
  }
  const lookups: AddressTableLookup[] = [];
  if (version === 0) {
    const n = c.shortVec();
    for (let i = 0; i < n; i++) {
      const accountKey = encodeAddress(c.take(32));
      const writableIndexes = c.take(c.shortVec());
      const readonlyIndexes = c.take(c.shortVec());
      lookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  return { version, numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned, staticKeys, recentBlockhash, instructions, lookups };
}

/** `VersionedTransaction::sanitize`: failures are `SanitizeFailure`. */
export function sanitizeTransaction(tx: WireTransaction): void {
  const m = tx.message;
  const fail = () => {
    throw new TransactionFailure(txError('SanitizeFailure'));
  };
  const nStatic = m.staticKeys.length;
  if (m.numRequiredSignatures + m.numReadonlyUnsigned > nStatic) fail();
  if (m.numReadonlySigned >= m.numRequiredSignatures) fail();
  let nDynamic = 0;
  for (const l of m.lookups) {
    if (l.writableIndexes.length === 0 && l.readonlyIndexes.length === 0) fail();
    nDynamic += l.writableIndexes.length + l.readonlyIndexes.length;
  }
  const total = nStatic + nDynamic;
  if (total > 256) fail();
  for (const ix of m.instructions) {
    if (ix.programIdIndex >= nStatic || ix.programIdIndex === 0) fail();
    for (const a of ix.accounts) if (a >= total) fail();
  }
  if (m.numRequiredSignatures !== tx.signatures.length) fail();
  if (tx.signatures.length > nStatic) fail();
}

/** An instruction with its accounts spelled out (what a client builds). */
export interface Instruction {
  programId: string;
  accounts: { pubkey: string; isSigner: boolean; isWritable: boolean }[];
  data: Uint8Array;
}

function shortVec(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if (n === 0) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

/**
 * Compiles instructions into legacy message bytes the way solana-message orders keys: the payer,
 * then writable signers, read-only signers, writable non-signers, read-only non-signers.
 */
export function compileLegacyMessage(payer: string, instructions: Instruction[], recentBlockhash: string): Uint8Array {
  const metas = new Map<string, { signer: boolean; writable: boolean }>();
  const note = (key: string, signer: boolean, writable: boolean) => {
    const m = metas.get(key) ?? { signer: false, writable: false };
    metas.set(key, { signer: m.signer || signer, writable: m.writable || writable });
  };
  note(payer, true, true);
  for (const ix of instructions) {
    for (const a of ix.accounts) note(a.pubkey, a.isSigner, a.isWritable);
    note(ix.programId, false, false);
  }
  const all = [...metas.entries()];
  const group = (signer: boolean, writable: boolean) =>
    all.filter(([k, m]) => k !== payer && m.signer === signer && m.writable === writable).map(([k]) => k);
  const keys = [payer, ...group(true, true), ...group(true, false), ...group(false, true), ...group(false, false)];
  const numSigners = 1 + group(true, true).length + group(true, false).length;
  const index = new Map(keys.map((k, i) => [k, i]));
  const bytes: number[] = [numSigners, group(true, false).length, group(false, false).length, ...shortVec(keys.length)];
  for (const k of keys) bytes.push(...decodeKey(k));
  bytes.push(...decodeKey(recentBlockhash), ...shortVec(instructions.length));
  for (const ix of instructions) {
    bytes.push(index.get(ix.programId)!, ...shortVec(ix.accounts.length), ...ix.accounts.map((a) => index.get(a.pubkey)!));
    bytes.push(...shortVec(ix.data.length), ...ix.data);
  }
  return Uint8Array.from(bytes);
}

/** Wire bytes of a transaction: its signatures, then the message. */
export function encodeTransaction(signatures: readonly ArrayLike<number>[], messageBytes: ArrayLike<number>): Uint8Array {
  const head = shortVec(signatures.length);
  const out = new Uint8Array(head.length + 64 * signatures.length + messageBytes.length);
  out.set(head);
  signatures.forEach((s, i) => out.set(s, head.length + 64 * i));
  out.set(messageBytes, head.length + 64 * signatures.length);
  return out;
}
