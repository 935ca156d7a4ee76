/** Account reads: getBalance, getAccountInfo, getMultipleAccounts, getProgramAccounts (memcmp / dataSize filters). */
import bs58 from 'bs58';
import type { Account } from '../../runtime/accounts.js';
import { base64ToBytes } from '../../platform.js';
import { accountEncoding, uiAccount } from '../encodings.js';
import { isTokenProgram } from '../spl-token.js';
import { invalidParams, type Json } from '../json-rpc.js';
import { bool, boundedList, config, positional, pubkey, string, u64, variant, wrongType } from '../params.js';
import { checkContextConfig, live, withContext, type MethodGroup } from './context.js';
import { encodedAccount, keyedAccounts } from './tokens.js';

/** Agave's `MAX_MULTIPLE_ACCOUNTS`. */
const MAX_MULTIPLE_ACCOUNTS = 100;
/** Agave's `MAX_GET_PROGRAM_ACCOUNT_FILTERS`. */
const MAX_FILTERS = 4;
/** Longest base58 memcmp `bytes` (`MAX_DATA_BASE58_SIZE`) and decoded size (`MAX_DATA_SIZE`). */
const MAX_MEMCMP_BASE58 = 175;
const MAX_MEMCMP_BYTES = 128;

type Filter = (data: Uint8Array) => boolean;

/** One `RpcFilterType`, checked as `verify_filter` checks it. */
function filter(v: Json): Filter {
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

export const accountMethods: MethodGroup = (ctx) => ({
  getBalance: (p) => {
    const [key, cfg] = positional(p, 1, 2);
    const address = pubkey(key);
    checkContextConfig(ctx, config(cfg));
    return withContext(ctx, live(ctx, address)?.lamports ?? 0n);
  },
  getAccountInfo: (p) => {
    const [key, raw] = positional(p, 1, 2);
    const address = pubkey(key);
    const cfg = config(raw);
    checkContextConfig(ctx, cfg);
    const { encoding, dataSlice } = accountEncoding(cfg, 'binary');
    const account = live(ctx, address);
    return withContext(ctx, account ? encodedAccount(ctx, account, encoding, dataSlice) : null);
  },
  getMultipleAccounts: (p) => {
    const [keys, raw] = positional(p, 1, 2);
    const addresses = boundedList(keys, MAX_MULTIPLE_ACCOUNTS).map(pubkey);
    const cfg = config(raw);
    checkContextConfig(ctx, cfg);
    const { encoding, dataSlice } = accountEncoding(cfg, 'base64');
    return withContext(
      ctx,
      addresses.map((a) => {
        const account = live(ctx, a);
        return account ? encodedAccount(ctx, account, encoding, dataSlice) : null;
      }),
    );
  },
  getProgramAccounts: (p) => {
    const [key, raw] = positional(p, 1, 2);
    const owner = pubkey(key);
    const cfg = config(raw);
    checkContextConfig(ctx, cfg);
    const { encoding, dataSlice } = accountEncoding(cfg, 'binary');
    const filters = cfg.filters === undefined || cfg.filters === null ? [] : cfg.filters;
    if (!Array.isArray(filters)) throw wrongType(filters, 'a sequence');
    if (filters.length > MAX_FILTERS) throw invalidParams(`Too many filters provided; max ${MAX_FILTERS}`);
    const checks = filters.map(filter);
    const found: [string, Account][] = [];
    for (const [address, account] of ctx.svm.runtime.accounts.entries()) {
      if (account.owner === owner && account.lamports > 0n && checks.every((c) => c(account.data))) found.push([address, account]);
    }
    const matches =
      isTokenProgram(owner) && encoding === 'jsonParsed'
        ? keyedAccounts(ctx, found, encoding, dataSlice)
        : found.map(([address, account]) => ({ pubkey: address, account: uiAccount(account, encoding, dataSlice) }));
    const withCtx = cfg.withContext === undefined || cfg.withContext === null ? false : bool(cfg.withContext);
    return withCtx ? withContext(ctx, matches) : matches;
  },
});
