/**
 * What the API accepts: @solana/kit values, @solana/web3.js v1 values (recognised by shape, so the
 * core does not depend on web3.js), or raw bytes.
 */
import { getTransactionEncoder, type Transaction } from '@solana/kit';
import { WebsvmError } from '../errors.js';
import bs58 from 'bs58';
import { decodeAddress, encodeAddress, type Account } from '../runtime/accounts.js';
import { encodeTransaction, type Instruction as RuntimeInstruction } from '../runtime/message.js';

/** An address: a kit `Address` (base58 string), a web3.js `PublicKey`, or 32 raw bytes. */
export type AddressInput = string | { toBase58(): string } | Uint8Array;

/** A transaction: kit `Transaction`, web3.js `Transaction` or `VersionedTransaction`, or wire bytes. */
export type TransactionInput =
  | Transaction
  | { serialize(config?: { requireAllSignatures?: boolean; verifySignatures?: boolean }): Uint8Array }
  | Uint8Array;

/** How a refused argument's value is shown in the error: strings quoted, numbers as written. */
function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return String(value);
}

/** The base58 form of the argument `address`, checked as {@link toNamedAddress} checks it. */
export function toAddress(a: AddressInput): string {
  return toNamedAddress(a, 'address');
}

/**
 * The base58 form of `a`, refused with a `WebsvmError` of kind `InvalidAddress` naming the
 * argument (`name`) unless it is exactly 32 bytes: bytes of another length, text that is not
 * base58 or does not decode to 32 bytes, or anything else.
 */
export function toNamedAddress(a: AddressInput, name: string): string {
  if (a instanceof Uint8Array) {
    if (a.length !== 32) throw new WebsvmError('InvalidAddress', `${name} must be 32 bytes, got ${a.length}`);
    return encodeAddress(a);
  }
  const text = typeof a === 'string' ? a : typeof a?.toBase58 === 'function' ? a.toBase58() : undefined;
  if (typeof text !== 'string') throw new WebsvmError('InvalidAddress', `${name} must be an address, got ${shown(a)}`);
  try {
    decodeAddress(text); // memoized: cheap for the keys a test keeps using
  } catch {
    const bytes = bs58.decodeUnsafe(text);
    const why = bytes ? `decodes to ${bytes.length} bytes, not 32` : 'is not base58';
    throw new WebsvmError('InvalidAddress', `${name} must be a base58 address of 32 bytes, got ${shown(text)}, which ${why}`);
  }
  return text;
}

/** An unsigned 64-bit integer (lamports, slots, sizes, limits): a bigint, or a number that is an integer. */
export type U64Input = bigint | number;

const U64_END = 1n << 64n;

/**
 * `value` as a bigint, refused with a `WebsvmError` of kind `InvalidArgument` naming the argument
 * (`name`) unless it is an integer from 0 to 2^64 − 1 (Rust's `u64`, which LiteSVM's binding
 * also enforces): negative, fractional, NaN, infinite, too large, or not a number at all.
 */
export function toU64(value: U64Input, name: string): bigint {
  const n = typeof value === 'bigint' ? value : typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : undefined;
  if (n === undefined || n < 0n || n >= U64_END) {
    throw new WebsvmError('InvalidArgument', `${name} must be an unsigned 64-bit integer, got ${shown(value)}`);
  }
  return n;
}

let encoder: ReturnType<typeof getTransactionEncoder> | undefined;
const NO_SIGNATURE = new Uint8Array(64);

/**
 * A kit `Transaction` on the wire, as kit's transaction encoder writes it (the signatures in the
 * order kit keeps them, which is the signers' order in the message, 64 zero bytes for a missing
 * one, then the message) without building kit's codecs on every send. With no signatures at all
 * kit's encoder runs, for its error.
 */
function kitWireBytes(tx: Transaction): Uint8Array {
  const signatures = Object.values(tx.signatures);
  if (signatures.length === 0) return new Uint8Array((encoder ??= getTransactionEncoder()).encode(tx));
  return encodeTransaction(signatures.map((s) => s ?? NO_SIGNATURE), tx.messageBytes);
}

/** The wire bytes of `tx`. */
export function toWireBytes(tx: TransactionInput): Uint8Array {
  if (tx instanceof Uint8Array) return tx;
  if ('messageBytes' in tx && 'signatures' in tx && !('serialize' in tx)) return kitWireBytes(tx as Transaction);
  if ('serialize' in tx && typeof tx.serialize === 'function') {
    // web3.js legacy transactions refuse to serialize unsigned unless told not to check.
    return new Uint8Array(tx.serialize({ requireAllSignatures: false, verifySignatures: false }));
  }
  throw new WebsvmError('InvalidTransaction', 'expected a kit Transaction, a web3.js Transaction/VersionedTransaction or wire bytes');
}

/** An instruction: a kit `Instruction`, a web3.js `TransactionInstruction`, or the plain form. */
export type InstructionInput =
  | { programAddress: string; accounts?: readonly { address: string; role: number }[]; data?: ArrayLike<number> }
  | { programId: AddressInput; keys: readonly { pubkey: AddressInput; isSigner: boolean; isWritable: boolean }[]; data?: ArrayLike<number> };

/** The runtime's form of an instruction. */
export function toInstruction(ix: InstructionInput): RuntimeInstruction {
  if ('programAddress' in ix) {
    // kit AccountRole: bit 0 = writable, bit 1 = signer.
    const accounts = (ix.accounts ?? []).map((a) => ({ pubkey: toNamedAddress(a.address, 'account address'), isSigner: (a.role & 2) !== 0, isWritable: (a.role & 1) !== 0 }));
    return { programId: toNamedAddress(ix.programAddress, 'programAddress'), accounts, data: Uint8Array.from(ix.data ?? []) };
  }
  const accounts = ix.keys.map((k) => ({ pubkey: toNamedAddress(k.pubkey, 'pubkey'), isSigner: k.isSigner, isWritable: k.isWritable }));
  return { programId: toNamedAddress(ix.programId, 'programId'), accounts, data: Uint8Array.from(ix.data ?? []) };
}

/** An account: kit-style (`programAddress`) or web3.js-style (`owner`). */
export type AccountInput =
  | { lamports: U64Input; data?: ArrayLike<number>; programAddress: string; executable?: boolean }
  | { lamports: U64Input; data?: ArrayLike<number>; owner: AddressInput; executable?: boolean; rentEpoch?: U64Input };

/** The runtime's form of an account. */
export function toAccount(a: AccountInput): Account {
  const owner = 'programAddress' in a ? toNamedAddress(a.programAddress, 'programAddress') : toNamedAddress(a.owner, 'owner');
  const rentEpoch = 'rentEpoch' in a && a.rentEpoch !== undefined ? toU64(a.rentEpoch, 'rentEpoch') : 0n;
  return { lamports: toU64(a.lamports, 'lamports'), data: Uint8Array.from(a.data ?? []), owner, executable: a.executable ?? false, rentEpoch };
}
