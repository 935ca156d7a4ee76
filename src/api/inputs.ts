/**
 * What the API accepts: @solana/kit values, @solana/web3.js v1 values (recognised by shape, so the
 * core does not depend on web3.js), or raw bytes.
 */
import type { Transaction } from '@solana/kit';
import { WebsvmError } from '../errors.js';
import bs58 from 'bs58';
import { decodeAddress, encodeAddress, type Account } from '../runtime/accounts.js';
import { type Instruction as RuntimeInstruction, type SignedMessage } from '../runtime/message.js';
import { refused, shown, toArray, toBoolean, toByteValues, toEach, toFields, toU64, type U64Input } from '../arguments.js';

/** An address: a kit `Address` (base58 string), a web3.js `PublicKey`, or 32 raw bytes. */
export type AddressInput = string | { toBase58(): string } | Uint8Array;

/** A transaction: kit `Transaction`, web3.js `Transaction` or `VersionedTransaction`, or wire bytes. */
export type TransactionInput = Transaction | { serialize(config?: { requireAllSignatures?: boolean; verifySignatures?: boolean }): Uint8Array } | Uint8Array;

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
  return base58Key(a, name, 'InvalidAddress', 'address');
}

/** A 32-byte hash (a blockhash) in base58, checked as {@link toNamedAddress} checks addresses but refused with kind `InvalidArgument`. */
export function toHash(h: unknown, name: string): string {
  return base58Key(h as AddressInput, name, 'InvalidArgument', 'hash');
}

/** `a` in base58 if it is 32 bytes (raw, base58 text, or a `PublicKey`), else refused with `kind`; `noun` says what it is. */
function base58Key(a: AddressInput, name: string, kind: 'InvalidAddress' | 'InvalidArgument', noun: 'address' | 'hash'): string {
  if (a instanceof Uint8Array) {
    if (a.length !== 32) throw new WebsvmError(kind, `${name} must be 32 bytes, got ${a.length}`, { argument: name, expected: `a 32-byte ${noun}`, value: a });
    return encodeAddress(a);
  }
  const text = typeof a === 'string' ? a : typeof a?.toBase58 === 'function' ? a.toBase58() : undefined;
  if (typeof text !== 'string') {
    throw new WebsvmError(kind, `${name} must be ${noun === 'address' ? 'an' : 'a'} ${noun}, got ${shown(a)}`, {
      argument: name,
      expected: `a 32-byte ${noun}`,
      value: a,
    });
  }
  try {
    decodeAddress(text); // memoized: cheap for the keys a test keeps using
  } catch {
    const bytes = bs58.decodeUnsafe(text);
    const why = bytes ? `decodes to ${bytes.length} bytes, not 32` : 'is not base58';
    throw new WebsvmError(kind, `${name} must be a base58 ${noun} of 32 bytes, got ${shown(text)}, which ${why}`, {
      argument: name,
      expected: `a 32-byte ${noun}`,
      value: a,
    });
  }
  return text;
}

const NO_SIGNATURE = new Uint8Array(64);

const TRANSACTION_FORMS = 'a kit Transaction, a web3.js Transaction or VersionedTransaction, or wire bytes';

/** Refuses a transaction argument that cannot be put on the wire: kind `InvalidTransaction`. */
const unencodable = (why: string) => new WebsvmError('InvalidTransaction', `transaction ${why}`);

/**
 * A kit `Transaction` as its signatures and message bytes, the parts its wire form is made of
 * (the signatures in the order kit keeps them, which is the signers' order in the message, 64
 * zero bytes for a missing one). One with no signatures at all is refused as kit's encoder refuses
 * it, without loading kit.
 */
function kitTransaction(tx: { messageBytes: unknown; signatures: unknown }): Uint8Array | SignedMessage {
  if (!(tx.messageBytes instanceof Uint8Array)) throw unencodable(`messageBytes must be bytes (a Uint8Array), got ${shown(tx.messageBytes)}`);
  if (typeof tx.signatures !== 'object' || tx.signatures === null)
    throw unencodable(`signatures must be an object of signer address to signature, got ${shown(tx.signatures)}`);
  const signatures = Object.values(tx.signatures) as unknown[];
  // As kit's encoder refuses it: a transaction has at least its fee payer's signature.
  if (signatures.length === 0) throw unencodable('cannot be encoded: Transaction has no expected signers therefore it cannot be encoded');
  for (let i = 0; i < signatures.length; i++) {
    const s = signatures[i];
    if (s == null) signatures[i] = NO_SIGNATURE;
    else if (!(s instanceof Uint8Array && s.length === 64)) throw unencodable(`signatures must be 64 bytes each (or null), got ${shown(s)}`);
  }
  return { signatures: signatures as Uint8Array[], messageBytes: tx.messageBytes };
}

/**
 * `tx` as the runtime takes it: wire bytes, or a kit transaction's parts; refused with kind
 * `InvalidTransaction` when it is none of the accepted forms or cannot be encoded.
 */
export function toTransaction(tx: TransactionInput): Uint8Array | SignedMessage {
  if (tx instanceof Uint8Array) return tx;
  if (typeof tx === 'object' && tx !== null) {
    if ('messageBytes' in tx && 'signatures' in tx && !('serialize' in tx)) return kitTransaction(tx);
    if ('serialize' in tx && typeof tx.serialize === 'function') {
      try {
        // web3.js legacy transactions refuse to serialize unsigned unless told not to check.
        return new Uint8Array(tx.serialize({ requireAllSignatures: false, verifySignatures: false }));
      } catch (e) {
        throw unencodable(`cannot be serialized by web3.js: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  throw unencodable(`must be ${TRANSACTION_FORMS}, got ${shown(tx)}`);
}

/** An instruction: a kit `Instruction`, a web3.js `TransactionInstruction`, or the plain form. */
export type InstructionInput =
  | { programAddress: string; accounts?: readonly { address: string; role: number }[]; data?: ArrayLike<number> }
  | { programId: AddressInput; keys: readonly { pubkey: AddressInput; isSigner: boolean; isWritable: boolean }[]; data?: ArrayLike<number> };

/** A kit `AccountRole` (bit 0: writable, bit 1: signer). */
function toRole(value: unknown, name: string): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 3)) throw refused(name, 'an AccountRole (0 to 3)', value);
  return value;
}

/** The runtime's form of an instruction (`name`: the argument, for refusals of kind `InvalidArgument` or `InvalidAddress`). */
export function toInstruction(ix: InstructionInput, name = 'instruction'): RuntimeInstruction {
  const fields = toFields(ix, name, 'a kit Instruction, a web3.js TransactionInstruction or { programId, keys, data }');
  const data = toByteValues(fields.data, `${name}.data`);
  if ('programAddress' in fields) {
    const accounts = toEach(fields.accounts ?? [], `${name}.accounts`, 'an array of { address, role }', (a, at) => {
      const meta = toFields(a, at, 'an account meta { address, role }');
      const role = toRole(meta.role, `${at}.role`);
      return { pubkey: toNamedAddress(meta.address as AddressInput, 'account address'), isSigner: (role & 2) !== 0, isWritable: (role & 1) !== 0 };
    });
    return { programId: toNamedAddress(fields.programAddress as AddressInput, 'programAddress'), accounts, data };
  }
  const accounts = toEach(fields.keys, `${name}.keys`, 'an array of { pubkey, isSigner, isWritable }', (k, at) => {
    const meta = toFields(k, at, 'an account meta { pubkey, isSigner, isWritable }');
    return {
      pubkey: toNamedAddress(meta.pubkey as AddressInput, 'pubkey'),
      isSigner: toBoolean(meta.isSigner, `${at}.isSigner`),
      isWritable: toBoolean(meta.isWritable, `${at}.isWritable`),
    };
  });
  return { programId: toNamedAddress(fields.programId as AddressInput, 'programId'), accounts, data };
}

/** An account: kit-style (`programAddress`) or web3.js-style (`owner`). */
export type AccountInput =
  | { lamports: U64Input; data?: ArrayLike<number>; programAddress: string; executable?: boolean }
  | { lamports: U64Input; data?: ArrayLike<number>; owner: AddressInput; executable?: boolean; rentEpoch?: U64Input };

/** The runtime's form of an account (`name`: the argument, for refusals of kind `InvalidArgument` or `InvalidAddress`). */
export function toAccount(a: AccountInput, name = 'account'): Account {
  const fields = toFields(a, name, 'an account { lamports, data, owner | programAddress, executable }');
  const owner =
    'programAddress' in fields
      ? toNamedAddress(fields.programAddress as AddressInput, 'programAddress')
      : toNamedAddress(fields.owner as AddressInput, 'owner');
  const rentEpoch = fields.rentEpoch !== undefined ? toU64(fields.rentEpoch, 'rentEpoch') : 0n;
  const executable = fields.executable === undefined ? false : toBoolean(fields.executable, `${name}.executable`);
  return { lamports: toU64(fields.lamports, 'lamports'), data: toByteValues(fields.data, `${name}.data`), owner, executable, rentEpoch };
}

/** `[address, account]` pairs (the harness's accounts), refused unless each is one. */
export function toAccountPairs(value: unknown, name: string): [string, Account][] {
  return toEach(value, name, 'an array of [address, account] pairs', (pair, at) => {
    const [address, account] = toArray(pair, at, 'an [address, account] pair');
    return [toNamedAddress(address as AddressInput, 'address'), toAccount(account as AccountInput, `${at}[1]`)];
  });
}
