/**
 * Transaction wire format (legacy, v0 and SIMD-0385 v1 messages) and Agave's sanitize rules
 * (solana-message `legacy.rs`/`v0/mod.rs` `sanitize`, `v1/message.rs` `validate`, solana-transaction
 * `versioned/sanitized.rs`).
 */
import { WebsvmError } from '../errors.js';
import { decodeAddress as decodeKey, encodeAddressAt } from './accounts.js';
import { isValidHeapFrame } from './compute-budget.js';
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

/**
 * What a v1 message requests in place of Compute Budget instructions (SIMD-0385); a request it
 * leaves out takes the smallest value (no units, no loaded data, the minimum heap, no priority fee).
 */
export interface TransactionConfig {
  /** Lamports, not a price per unit. */
  priorityFee?: bigint;
  computeUnitLimit?: number;
  loadedAccountsDataSizeLimit?: number;
  heapSize?: number;
}

/** A decoded message (legacy when `version` is 'legacy'). */
export interface Message {
  version: 'legacy' | 0 | 1;
  numRequiredSignatures: number;
  numReadonlySigned: number;
  numReadonlyUnsigned: number;
  staticKeys: string[];
  /** The static keys' bytes, 32 each (a view of the message bytes). */
  staticKeyBytes: Uint8Array;
  recentBlockhash: string;
  instructions: CompiledInstruction[];
  lookups: AddressTableLookup[];
  /** A v1 message's requests (empty for legacy and v0). */
  config: TransactionConfig;
}

/** A transaction's signatures and the message bytes they cover, not yet decoded (kit keeps transactions so). */
export interface SignedMessage {
  signatures: Uint8Array[];
  messageBytes: Uint8Array;
}

/** A decoded transaction with the exact bytes its signatures cover. */
export interface WireTransaction extends SignedMessage {
  message: Message;
}

/** Largest serialized legacy or v0 transaction (IPv6 MTU minus headers). */
export const PACKET_DATA_SIZE = 1232;
/** Largest serialized v1 transaction. */
export const V1_TRANSACTION_SIZE = 4096;
/** The first byte of a v1 transaction: its message, version 1, comes first. */
const V1_PREFIX = 0x81;
const V1_MAX_SIGNATURES = 12;
const V1_MAX_ADDRESSES = 64;
const V1_MAX_INSTRUCTIONS = 64;
/** Config mask bits: the priority fee takes two (eight bytes), each other request one. */
const CONFIG_PRIORITY_FEE = 0b11;
const CONFIG_COMPUTE_UNIT_LIMIT = 0b100;
const CONFIG_LOADED_ACCOUNTS_DATA_SIZE = 0b1000;
const CONFIG_HEAP_SIZE = 0b10000;
const CONFIG_KNOWN_BITS = 0b11111;

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
  /**
   * The base58 text of the next 32 bytes (an address or a blockhash), not remembered for decoding:
   * a key's bytes are taken from the message (`staticKeyBytes`), a blockhash's are not needed.
   */
  address(): string {
    this.need(32);
    const text = encodeAddressAt(this.bytes, this.at, false);
    this.at += 32;
    return text;
  }
  /** A little-endian unsigned integer of `n` bytes. */
  uint(n: 2 | 4 | 8): bigint {
    return this.take(n).reduceRight((v, b) => (v << 8n) | BigInt(b), 0n);
  }
  /** Solana's compact-u16. */
  shortVec(): number {
    // One byte below 0x80 is a whole canonical value (nearly every length): no reader closure.
    const b = this.bytes[this.at];
    if (b < 0x80) {
      this.at++;
      return b;
    }
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
 * Refuses bytes beyond {@link PACKET_DATA_SIZE} ({@link V1_TRANSACTION_SIZE} for a v1 transaction)
 * with `WebsvmError` kind `TransactionTooLarge`, as Agave's packet intake and RPC do before
 * decoding them.
 */
export function checkPacketSize(tx: Uint8Array | SignedMessage): void {
  const v1 = tx instanceof Uint8Array ? tx[0] === V1_PREFIX : tx.messageBytes[0] === V1_PREFIX;
  const length = tx instanceof Uint8Array ? tx.length : wireLength(tx);
  const max = v1 ? V1_TRANSACTION_SIZE : PACKET_DATA_SIZE;
  if (length > max) {
    throw new WebsvmError('TransactionTooLarge', `Transaction too large: ${length} bytes (max: ${max} bytes)`);
  }
}

/** Decodes a serialized transaction. Throws `WebsvmError` kind `MalformedTransaction`. */
export function decodeTransaction(bytes: Uint8Array): WireTransaction {
  const c = new Cursor(bytes);
  if (bytes[0] === V1_PREFIX) return decodeV1Transaction(c);
  // Legacy and v0 transactions start with a signature count below 128.
  if (bytes.length > 0 && bytes[0] & 0x80) throw malformed('invalid transaction discriminator');
  const nsig = c.shortVec();
  const signatures: Uint8Array[] = [];
  for (let i = 0; i < nsig; i++) signatures.push(c.take(64));
  const start = c.at;
  const message = decodeMessageAt(c);
  if (c.at !== bytes.length) throw malformed(`${bytes.length - c.at} trailing bytes`);
  return { signatures, message, messageBytes: bytes.subarray(start, c.at) };
}

/**
 * Decodes a transaction given as its parts, as {@link decodeTransaction} decodes their wire form
 * (legacy and v0 messages; a v1 message is decoded from its wire form). Saves building the wire
 * bytes only to take them apart again.
 */
export function decodeSignedMessage(tx: SignedMessage): WireTransaction {
  if (tx.messageBytes[0] === V1_PREFIX) return decodeTransaction(encodeTransaction(tx.signatures, tx.messageBytes));
  const c = new Cursor(tx.messageBytes);
  const message = decodeMessageAt(c);
  if (c.at !== tx.messageBytes.length) throw malformed(`${tx.messageBytes.length - c.at} trailing bytes`);
  return { signatures: tx.signatures, message, messageBytes: tx.messageBytes };
}

/** The length of `tx` on the wire. */
export function wireLength(tx: SignedMessage): number {
  if (tx.messageBytes[0] === V1_PREFIX) return tx.messageBytes.length + 64 * tx.signatures.length;
  const count = tx.signatures.length;
  return (count < 0x80 ? 1 : shortVec(count).length) + 64 * count + tx.messageBytes.length;
}

/** The next `n` addresses: their texts, and their bytes (a view). */
function staticKeysOf(c: Cursor, n: number): Pick<Message, 'staticKeys' | 'staticKeyBytes'> {
  const at = c.at;
  const staticKeys: string[] = [];
  for (let i = 0; i < n; i++) staticKeys.push(c.address());
  return { staticKeys, staticKeyBytes: c.bytes.subarray(at, c.at) };
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
  const keys = staticKeysOf(c, c.shortVec());
  const recentBlockhash = c.address();
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
      const accountKey = c.address();
      const writableIndexes = c.take(c.shortVec());
      const readonlyIndexes = c.take(c.shortVec());
      lookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  return { version, numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned, ...keys, recentBlockhash, instructions, lookups, config: {} };
}

/**
 * A v1 transaction: the message (version byte, header, config mask, lifetime, counts, addresses,
 * config values, instruction headers, then each instruction's accounts and data), then one
 * signature per required signer, with no length prefix.
 */
function decodeV1Transaction(c: Cursor): WireTransaction {
  c.u8();
  const [numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned] = c.take(3);
  const mask = Number(c.uint(4));
  const priorityBits = mask & CONFIG_PRIORITY_FEE;
  if ((mask & ~CONFIG_KNOWN_BITS) !== 0 || (priorityBits !== 0 && priorityBits !== CONFIG_PRIORITY_FEE)) throw malformed('invalid transaction config mask');
  const recentBlockhash = c.address();
  const nix = c.u8();
  const keys = staticKeysOf(c, c.u8());
  const config: TransactionConfig = {};
  if (priorityBits) config.priorityFee = c.uint(8);
  if (mask & CONFIG_COMPUTE_UNIT_LIMIT) config.computeUnitLimit = Number(c.uint(4));
  if (mask & CONFIG_LOADED_ACCOUNTS_DATA_SIZE) config.loadedAccountsDataSizeLimit = Number(c.uint(4));
  if (mask & CONFIG_HEAP_SIZE) config.heapSize = Number(c.uint(4));
  const headers = Array.from({ length: nix }, () => ({ programIdIndex: c.u8(), accounts: c.u8(), data: Number(c.uint(2)) }));
  const instructions = headers.map((h) => ({ programIdIndex: h.programIdIndex, accounts: c.take(h.accounts), data: c.take(h.data) }));
  const messageBytes = c.bytes.subarray(0, c.at);
  const signatures = Array.from({ length: numRequiredSignatures }, () => c.take(64));
  if (c.at !== c.bytes.length) throw malformed(`${c.bytes.length - c.at} trailing bytes`);
  const message: Message = {
    version: 1,
    numRequiredSignatures,
    numReadonlySigned,
    numReadonlyUnsigned,
    ...keys,
    recentBlockhash,
    instructions,
    lookups: [],
    config,
  };
  return { signatures, message, messageBytes };
}

const sanitizeFailure = (): never => {
  throw new TransactionFailure(txError('SanitizeFailure'));
};

/** `VersionedTransaction::sanitize`: failures are `SanitizeFailure`. */
export function sanitizeTransaction(tx: WireTransaction): void {
  const m = tx.message;
  if (m.version === 1) return validateV1Message(m);
  const fail = sanitizeFailure;
  const nStatic = m.staticKeys.length;
  if (m.numRequiredSignatures + m.numReadonlyUnsigned > nStatic) fail();
  if (m.numReadonlySigned >= m.numRequiredSignatures) fail();
  // Indexed loops: this runs once per transaction, mostly before V8 has optimised it (a for-of
  // makes an iterator and a result per element there).
  let nDynamic = 0;
  for (let i = 0; i < m.lookups.length; i++) {
    const l = m.lookups[i];
    if (l.writableIndexes.length === 0 && l.readonlyIndexes.length === 0) fail();
    nDynamic += l.writableIndexes.length + l.readonlyIndexes.length;
  }
  const total = nStatic + nDynamic;
  if (total > 256) fail();
  for (let i = 0; i < m.instructions.length; i++) {
    const ix = m.instructions[i];
    if (ix.programIdIndex >= nStatic || ix.programIdIndex === 0) fail();
    for (let j = 0; j < ix.accounts.length; j++) if (ix.accounts[j] >= total) fail();
  }
  if (m.numRequiredSignatures !== tx.signatures.length) fail();
  if (tx.signatures.length > nStatic) fail();
}

/**
 * `v1::Message::validate`: at most 12 signers, 64 instructions and 64 distinct addresses, room for
 * the signers and read-only accounts, a writable fee payer, a valid heap request, and instructions
 * that only name addresses the message holds (never the fee payer as program). A v1 transaction
 * always carries exactly its signers' signatures.
 */
function validateV1Message(m: Message): void {
  const nkeys = m.staticKeys.length;
  if (m.numRequiredSignatures > V1_MAX_SIGNATURES || m.instructions.length > V1_MAX_INSTRUCTIONS || nkeys > V1_MAX_ADDRESSES) sanitizeFailure();
  if (nkeys < m.numRequiredSignatures + m.numReadonlyUnsigned || m.numReadonlySigned >= m.numRequiredSignatures) sanitizeFailure();
  if (new Set(m.staticKeys).size !== nkeys) sanitizeFailure();
  const heap = m.config.heapSize;
  if (heap !== undefined && !isValidHeapFrame(heap)) sanitizeFailure();
  for (const ix of m.instructions) {
    if (ix.programIdIndex >= nkeys || ix.programIdIndex === 0) sanitizeFailure();
    for (const a of ix.accounts) if (a >= nkeys) sanitizeFailure();
  }
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
  const group = (signer: boolean, writable: boolean) => all.filter(([k, m]) => k !== payer && m.signer === signer && m.writable === writable).map(([k]) => k);
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

/**
 * Wire bytes of a transaction: its signatures (counted), then the message; a v1 message comes
 * first, then its signatures (uncounted).
 */
export function encodeTransaction(signatures: readonly ArrayLike<number>[], messageBytes: ArrayLike<number>): Uint8Array {
  if (messageBytes[0] === V1_PREFIX) {
    const out = new Uint8Array(messageBytes.length + 64 * signatures.length);
    out.set(messageBytes);
    signatures.forEach((s, i) => out.set(s, messageBytes.length + 64 * i));
    return out;
  }
  const head = shortVec(signatures.length);
  const out = new Uint8Array(head.length + 64 * signatures.length + messageBytes.length);
  out.set(head);
  signatures.forEach((s, i) => out.set(s, head.length + 64 * i));
  out.set(messageBytes, head.length + 64 * signatures.length);
  return out;
}
