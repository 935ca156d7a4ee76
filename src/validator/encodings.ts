/**
 * How Agave's RPC writes values: accounts as `UiAccount` (binary, base58, base64; jsonParsed falls
 * back to base64 as Agave does for an account it has no parser for), transaction errors in serde's
 * externally tagged form, and byte strings.
 */
import bs58 from 'bs58';
import type { Account } from '../runtime/accounts.js';
import type { TransactionError } from '../runtime/errors.js';
import { bytesToBase64 } from '../platform.js';
import { invalidParams, invalidRequest, type Json } from './json-rpc.js';
import { config, u64, variant } from './params.js';

/**
 * `UiAccountEncoding` without `base64+zstd`: no zstd library is installed here (Node 20 has none),
 * so that encoding is refused as a node built without it would refuse it.
 */
const ACCOUNT_ENCODINGS = ['binary', 'base58', 'base64', 'jsonParsed'] as const;
export type AccountEncoding = (typeof ACCOUNT_ENCODINGS)[number];

/** Largest account data Agave encodes in base58. */
const MAX_BASE58_BYTES = 128;

/** `dataSlice`: a window of the account data. */
export interface DataSlice {
  offset: number;
  length: number;
}

/**
 * The `encoding` and `dataSlice` fields of an account config, checked as `check_slice_and_encoding` does
 * (the token-account lists do not check: there `jsonParsed` ignores the slice).
 */
export function accountEncoding(
  cfg: { [key: string]: Json },
  fallback: AccountEncoding,
  refuseSlicedJson = true,
): { encoding: AccountEncoding; dataSlice?: DataSlice } {
  const encoding = variant(cfg.encoding, ACCOUNT_ENCODINGS) ?? fallback;
  if (cfg.dataSlice === undefined || cfg.dataSlice === null) return { encoding };
  const slice = config(cfg.dataSlice);
  const field = (name: string) => {
    if (slice[name] === undefined) throw invalidParams(`Invalid params: missing field \`${name}\`.`);
    return Number(u64(slice[name], 'usize'));
  };
  const dataSlice = { offset: field('offset'), length: field('length') };
  if (encoding === 'jsonParsed' && refuseSlicedJson) throw invalidRequest('Sliced account data can only be encoded using binary (base 58) or base64 encoding.');
  return { encoding, dataSlice };
}

function sliced(data: Uint8Array, slice: DataSlice | undefined): Uint8Array {
  if (!slice) return data;
  const start = Math.min(slice.offset, data.length);
  return data.subarray(start, Math.min(data.length, start + slice.length));
}

/**
 * An account as `UiAccount` (`encode_account`: base58 refused above 128 bytes). With `jsonParsed`,
 * `parsed` is the data when a parser read it; without, the data is base64 as Agave falls back.
 */
export function uiAccount(account: Account, encoding: AccountEncoding, dataSlice?: DataSlice, parsed?: object): object {
  if (encoding === 'jsonParsed' && parsed) return { ...uiAccount(account, 'base64'), data: parsed };
  const bytes = sliced(account.data, dataSlice);
  if ((encoding === 'binary' || encoding === 'base58') && bytes.length > MAX_BASE58_BYTES) {
    throw invalidRequest(`Encoded binary (base 58) data should be less than ${MAX_BASE58_BYTES} bytes, please use Base64 encoding.`);
  }
  const data = encoding === 'binary' ? bs58.encode(bytes) : encoding === 'base58' ? [bs58.encode(bytes), 'base58'] : [bytesToBase64(bytes), 'base64'];
  return { lamports: account.lamports, data, owner: account.owner, executable: account.executable, rentEpoch: account.rentEpoch, space: account.data.length };
}

/** A transaction error as serde writes Agave's enum: `"BlockhashNotFound"`, `{ "InstructionError": [0, { "Custom": 1 }] }` … */
export function transactionErrorJson(e: TransactionError): Json {
  switch (e.kind) {
    case 'InstructionError':
      return { InstructionError: [e.index, e.error.kind === 'Custom' ? { Custom: e.error.code } : e.error.kind] };
    case 'DuplicateInstruction':
      return { DuplicateInstruction: e.index };
    case 'InsufficientFundsForRent':
    case 'ProgramExecutionTemporarilyRestricted':
      return { [e.kind]: { account_index: e.accountIndex } };
    default:
      return e.kind;
  }
}

/** `Result<(), TransactionError>` as serde writes it: `{ Ok: null }` or `{ Err: … }`. */
export const statusJson = (e: TransactionError | undefined) => (e ? { Err: transactionErrorJson(e) } : { Ok: null });

/** Return data as `UiTransactionReturnData`. */
export const returnDataJson = (r: { programId: string; data: Uint8Array }) => ({ programId: r.programId, data: [bytesToBase64(r.data), 'base64'] });
