/** `RpcFilterType`s (memcmp / dataSize) as getProgramAccounts and programSubscribe take them, checked as `verify_filter` checks them. */
import bs58 from 'bs58';
import { base64ToBytes } from '../platform.js';
import { invalidParams, type Json } from './json-rpc.js';
import { config, string, u64, variant, wrongType } from './params.js';

/** Agave's `MAX_GET_PROGRAM_ACCOUNT_FILTERS`. */
const MAX_FILTERS = 4;
/** Longest base58 memcmp `bytes` (`MAX_DATA_BASE58_SIZE`) and decoded size (`MAX_DATA_SIZE`). */
const MAX_MEMCMP_BASE58 = 175;
const MAX_MEMCMP_BYTES = 128;

/** A check of an account's data. */
export type AccountFilter = (data: Uint8Array) => boolean;

/** One `RpcFilterType`, checked as `verify_filter` checks it. */
function filter(v: Json): AccountFilter {
  const f = config(v);
  if (f.dataSize !== undefined) {
    const size = u64(f.dataSize);
    return (data) => BigInt(data.length) === size;
  }
  if (f.memcmp !== undefined) {
    const m = config(f.memcmp);
    const offset = Number(u64(m.offset ?? null, 'usize'));
    const text = string(m.bytes ?? null);
    const encoding = variant(m.encoding, ['base58', 'base64'] as const) ?? 'base58';
    let bytes: Uint8Array;
    if (encoding === 'base58') {
      if (text.length > MAX_MEMCMP_BASE58) throw invalidParams('Invalid param: DataTooLarge');
      const decoded = bs58.decodeUnsafe(text);
      if (!decoded) throw invalidParams('Invalid param: Base58DecodeError');
      bytes = decoded;
    } else {
      const decoded = base64ToBytes(text);
      if (!decoded) throw invalidParams('Invalid param: Base64DecodeError');
      bytes = decoded;
    }
    if (bytes.length > MAX_MEMCMP_BYTES) throw invalidParams('Invalid param: DataTooLarge');
    return (data) => offset + bytes.length <= data.length && bytes.every((b, i) => data[offset + i] === b);
  }
  throw invalidParams('Invalid params: expected `dataSize` or `memcmp` filter.');
}

/** The `filters` field of a config (absent or null: none). */
export function accountFilters(v: Json | undefined): AccountFilter[] {
  const filters = v === undefined || v === null ? [] : v;
  if (!Array.isArray(filters)) throw wrongType(filters, 'a sequence');
  if (filters.length > MAX_FILTERS) throw invalidParams(`Too many filters provided; max ${MAX_FILTERS}`);
  return filters.map(filter);
}
