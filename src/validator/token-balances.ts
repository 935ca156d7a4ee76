/**
 * `preTokenBalances` / `postTokenBalances`: the SPL Token and Token-2022 accounts among a
 * transaction's keys, as `UiTransactionTokenBalance` (Agave's `collect_token_balances`).
 */
import type { Account } from '../runtime/accounts.js';
import { encodeAddress } from '../runtime/accounts.js';

const TOKEN_PROGRAMS = new Set(['TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA', 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb']);
/** Size of a token account without extensions; a longer one says it is an account at this offset. */
const ACCOUNT_LEN = 165;
const ACCOUNT_TYPE_ACCOUNT = 2;
const MINT_LEN = 82;
const MINT_DECIMALS_OFFSET = 44;

/** One token balance. */
export interface TokenBalance {
  accountIndex: number;
  mint: string;
  uiTokenAmount: { uiAmount: number | null; decimals: number; amount: string; uiAmountString: string };
  owner: string;
  programId: string;
}

/** `amount` with `decimals` as a decimal string without trailing zeros (`real_number_string_trimmed`). */
function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, '0');
  const text = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** The token balances of `keys` (indexes into the transaction's keys), read through `get`. */
export function tokenBalances(keys: readonly string[], get: (address: string) => Account | undefined): TokenBalance[] {
  const out: TokenBalance[] = [];
  keys.forEach((key, accountIndex) => {
    const account = get(key);
    if (!account || !TOKEN_PROGRAMS.has(account.owner) || account.data.length < ACCOUNT_LEN) return;
    const d = account.data;
    if (d.length > ACCOUNT_LEN && d[ACCOUNT_LEN] !== ACCOUNT_TYPE_ACCOUNT) return;
    if (d[108] === 0) return; // uninitialized
    const mint = encodeAddress(d.subarray(0, 32));
    const mintAccount = get(mint);
    if (!mintAccount || mintAccount.data.length < MINT_LEN) return;
    const decimals = mintAccount.data[MINT_DECIMALS_OFFSET];
    const amount = new DataView(d.buffer, d.byteOffset).getBigUint64(64, true);
    const text = uiAmountString(amount, decimals);
    out.push({
      accountIndex,
      mint,
      uiTokenAmount: { uiAmount: Number(text), decimals, amount: amount.toString(), uiAmountString: text },
      owner: encodeAddress(d.subarray(32, 64)),
      programId: account.owner,
    });
  });
  return out;
}
