/**
 * `jsonParsed` for SPL Token and Token-2022 accounts: Agave's `parse_token_v3` for mints and token
 * accounts, as `{ program, parsed: { type, info }, space }`. Multisigs and extensions are not decoded:
 * a multisig falls back to base64, and a Token-2022 state shows its base fields without `extensions`.
 */
import type { Account } from '../runtime/accounts.js';
import { readMint, readTokenAccount, TOKEN_PROGRAM_ID, uiTokenAmount } from './spl-token.js';

/** Agave's `ParsedAccount`. */
export interface ParsedAccount {
  program: 'spl-token' | 'spl-token-2022';
  parsed: { type: 'account' | 'mint'; info: object };
  space: number;
}

/**
 * The parsed form of a token-program account, or undefined where Agave's parser fails (the caller
 * then encodes base64). `decimalsOf` gives a mint's decimals; a token account needs them.
 */
export function parseTokenAccount(account: Account, decimalsOf: (mint: string) => number | undefined): ParsedAccount | undefined {
  const program = account.owner === TOKEN_PROGRAM_ID ? 'spl-token' : 'spl-token-2022';
  const space = account.data.length;
  const state = readTokenAccount(account.data);
  if (state) {
    const decimals = decimalsOf(state.mint);
    if (decimals === undefined) return undefined;
    const amount = (value: bigint) => uiTokenAmount(value, decimals);
    const info = {
      mint: state.mint,
      owner: state.owner,
      tokenAmount: amount(state.amount),
      ...(state.delegate === null ? {} : { delegate: state.delegate }),
      state: state.state,
      isNative: state.nativeReserve !== null,
      ...(state.nativeReserve === null ? {} : { rentExemptReserve: amount(state.nativeReserve) }),
      ...(state.delegate === null ? {} : { delegatedAmount: amount(state.delegatedAmount) }),
      ...(state.closeAuthority === null ? {} : { closeAuthority: state.closeAuthority }),
    };
    return { program, parsed: { type: 'account', info }, space };
  }
  const mint = readMint(account.data);
  if (!mint) return undefined;
  const info = {
    mintAuthority: mint.mintAuthority,
    supply: mint.supply.toString(),
    decimals: mint.decimals,
    isInitialized: true,
    freezeAuthority: mint.freezeAuthority,
  };
  return { program, parsed: { type: 'mint', info }, space };
}
