/**
 * `preTokenBalances` / `postTokenBalances`: the SPL Token and Token-2022 accounts among a
 * transaction's keys, as `UiTransactionTokenBalance` (Agave's `collect_token_balances`).
 */
import type { Account } from '../runtime/accounts.js';
import { isTokenProgram, mintDecimals, readTokenAccount, uiTokenAmount, type UiTokenAmount } from './spl-token.js';

/** One token balance. */
export interface TokenBalance {
  accountIndex: number;
  mint: string;
  uiTokenAmount: UiTokenAmount;
  owner: string;
  programId: string;
}

/** The token balances of `keys` (indexes into the transaction's keys), read through `get`. */
export function tokenBalances(keys: readonly string[], get: (address: string) => Account | undefined): TokenBalance[] {
  const out: TokenBalance[] = [];
  keys.forEach((key, accountIndex) => {
    const account = get(key);
    if (!account || !isTokenProgram(account.owner)) return;
    const state = readTokenAccount(account.data);
    if (!state) return;
    const decimals = mintDecimals(state.mint, get(state.mint)?.data);
    if (decimals === undefined) return;
    out.push({ accountIndex, mint: state.mint, uiTokenAmount: uiTokenAmount(state.amount, decimals), owner: state.owner, programId: account.owner });
  });
  return out;
}
