/**
 * What the API accepts: @solana/kit values, @solana/web3.js v1 values (recognised by shape, so the
 * core does not depend on web3.js), or raw bytes.
 */
import { getTransactionEncoder, type Transaction } from '@solana/kit';
import { WebsvmError } from '../errors.js';
import { encodeAddress, type Account } from '../runtime/accounts.js';
import { encodeTransaction, type Instruction as RuntimeInstruction } from '../runtime/message.js';

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
    const accounts = (ix.accounts ?? []).map((a) => ({ pubkey: a.address, isSigner: (a.role & 2) !== 0, isWritable: (a.role & 1) !== 0 }));
    return { programId: ix.programAddress, accounts, data: Uint8Array.from(ix.data ?? []) };
  }
  const accounts = ix.keys.map((k) => ({ pubkey: toAddress(k.pubkey), isSigner: k.isSigner, isWritable: k.isWritable }));
  return { programId: toAddress(ix.programId), accounts, data: Uint8Array.from(ix.data ?? []) };
}

/** An account: kit-style (`programAddress`) or web3.js-style (`owner`). */
export type AccountInput =
  | { lamports: bigint | number; data?: ArrayLike<number>; programAddress: string; executable?: boolean }
  | { lamports: bigint | number; data?: ArrayLike<number>; owner: AddressInput; executable?: boolean; rentEpoch?: bigint | number };

/** The runtime's form of an account. */
export function toAccount(a: AccountInput): Account {
  const owner = 'programAddress' in a ? a.programAddress : toAddress(a.owner);
  const rentEpoch = 'rentEpoch' in a && a.rentEpoch !== undefined ? BigInt(a.rentEpoch) : 0n;
  return { lamports: BigInt(a.lamports), data: Uint8Array.from(a.data ?? []), owner, executable: a.executable ?? false, rentEpoch };
}
