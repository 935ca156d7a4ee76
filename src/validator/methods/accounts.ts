/** Account reads: getBalance, getAccountInfo, getMultipleAccounts, getProgramAccounts. */
import type { Account } from '../../runtime/accounts.js';
import { accountFilters } from '../account-filters.js';
import { accountEncoding } from '../encodings.js';
import { isTokenProgram } from '../spl-token.js';
import { boundedList, config, optionalBool, positional, pubkey } from '../params.js';
import { checkContextConfig, live, reach, withContext, type MethodGroup } from './context.js';
import { encodedAccount, keyedAccounts } from './tokens.js';

/** Agave's `MAX_MULTIPLE_ACCOUNTS`. */
const MAX_MULTIPLE_ACCOUNTS = 100;

export const accountMethods: MethodGroup = (ctx) => ({
  getBalance: async (p) => {
    const [key, cfg] = positional(p, 1, 2);
    const address = pubkey(key);
    checkContextConfig(ctx, config(cfg));
    await reach(ctx, [address]);
    return withContext(ctx, live(ctx, address)?.lamports ?? 0n);
  },
  getAccountInfo: async (p) => {
    const [key, raw] = positional(p, 1, 2);
    const address = pubkey(key);
    const cfg = config(raw);
    checkContextConfig(ctx, cfg);
    const { encoding, dataSlice } = accountEncoding(cfg, 'binary');
    await reach(ctx, [address]);
    const account = live(ctx, address);
    return withContext(ctx, account ? encodedAccount(ctx, address, account, encoding, dataSlice) : null);
  },
  getMultipleAccounts: async (p) => {
    const [keys, raw] = positional(p, 1, 2);
    const addresses = boundedList(keys, MAX_MULTIPLE_ACCOUNTS).map(pubkey);
    const cfg = config(raw);
    checkContextConfig(ctx, cfg);
    const { encoding, dataSlice } = accountEncoding(cfg, 'base64');
    await reach(ctx, addresses);
    return withContext(
      ctx,
      addresses.map((a) => {
        const account = live(ctx, a);
        return account ? encodedAccount(ctx, a, account, encoding, dataSlice) : null;
      }),
    );
  },
  getProgramAccounts: (p) => {
    const [key, raw] = positional(p, 1, 2);
    const owner = pubkey(key);
    const cfg = config(raw);
    checkContextConfig(ctx, cfg);
    const { encoding, dataSlice } = accountEncoding(cfg, 'binary');
    const checks = accountFilters(cfg.filters);
    const found: [string, Account][] = [];
    for (const [address, account] of ctx.svm.runtime.accounts.entries()) {
      if (account.owner === owner && account.lamports > 0n && checks.every((c) => c(account.data))) found.push([address, account]);
    }
    const matches =
      isTokenProgram(owner) && encoding === 'jsonParsed'
        ? keyedAccounts(ctx, found, encoding, dataSlice)
        : found.map(([address, account]) => ({ pubkey: address, account: encodedAccount(ctx, address, account, encoding, dataSlice) }));
    return optionalBool(cfg.withContext) ? withContext(ctx, matches) : matches;
  },
});
