/**
 * What the API accepts: @solana/kit values, @solana/web3.js v1 values (recognised by shape, so the
 * core does not depend on web3.js), or raw bytes.
 */
import { getTransactionEncoder, type Transaction } from '@solana/kit';
import { WebsvmError } from '../errors.js';
import { encodeAddress } from '../runtime/accounts.js';

/** An address: a kit `Address` (base58 string), a web3.js `PublicKey`, or 32 raw bytes. */
export type AddressInput = string | { toBase58(): string } | Uint8Array;

/** A transaction: kit `Transaction`, web3.js `Transaction` or `VersionedTransaction`, or wire bytes. */
export type TransactionInput =
  | Transaction
  | { serialize(config?: { requireAllSignatures?: boolean; verifySignatures?: boolean }): Uint8Array }
  | Uint8Array;

/** The base58 form of `a`. */
export function toAddress(a: AddressInput): string {
  if (typeof a === 'string') return a;
  if (a instanceof Uint8Array) {
    if (a.length !== 32) throw new WebsvmError('InvalidAddress', `an address is 32 bytes, got ${a.length}`);
    return encodeAddress(a);
  }
  if (typeof a?.toBase58 === 'function') return a.toBase58();
  throw new WebsvmError('InvalidAddress', `not an address: ${String(a)}`);
}

const encoder = getTransactionEncoder();

/** The wire bytes of `tx`. */
export function toWireBytes(tx: TransactionInput): Uint8Array {
  if (tx instanceof Uint8Array) return tx;
  if ('messageBytes' in tx && 'signatures' in tx && !('serialize' in tx)) return new Uint8Array(encoder.encode(tx as Transaction));
  if ('serialize' in tx && typeof tx.serialize === 'function') {
    // web3.js legacy transactions refuse to serialize unsigned unless told not to check.
    return new Uint8Array(tx.serialize({ requireAllSignatures: false, verifySignatures: false }));
  }
  throw new WebsvmError('InvalidTransaction', 'expected a kit Transaction, a web3.js Transaction/VersionedTransaction or wire bytes');
}
