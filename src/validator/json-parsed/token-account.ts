/**
 * `jsonParsed` for SPL Token and Token-2022 accounts (agave account-decoder/src/parse_token.rs
 * `parse_token_v3`): token accounts, mints and multisigs as `{ type, info }`, Token-2022 states with
 * their `extensions`.
 */
import { SYSTEM_PROGRAM } from '../../runtime/ids.js';
import { readExtensions, readMint, readMultisig, readTokenAccount, type ExtensionEntry } from '../spl-token.js';
import { tokenAmount, type MintUnits } from '../token-units.js';
import { KNOWN_EXTENSION_TYPES, uiExtensions } from './token-extensions.js';

/** `extensions`, left out when empty (`skip_serializing_if = "Vec::is_empty"`). */
function extensionsField(data: Uint8Array, of: 'mint' | 'account') {
  const entries: ExtensionEntry[] = readExtensions(data, KNOWN_EXTENSION_TYPES) ?? [];
  return entries.length === 0 ? {} : { extensions: uiExtensions(entries, of) };
}

/**
 * The parsed state of a token-program account, or undefined where Agave's parser fails (the caller
 * then encodes base64). `unitsOf` gives a mint's units (decimals, UI-amount config); a token account needs them.
 */
export function parseToken(data: Uint8Array, unitsOf: (mint: string) => MintUnits | undefined): object | undefined {
  const state = readTokenAccount(data);
  if (state) {
    const units = unitsOf(state.mint);
    if (units === undefined) return undefined;
    const amount = (value: bigint) => tokenAmount(value, units);
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
      ...extensionsField(data, 'account'),
    };
    return { type: 'account', info };
  }
  const mint = readMint(data);
  if (mint) {
    const info = {
      mintAuthority: mint.mintAuthority,
      supply: mint.supply.toString(),
      decimals: mint.decimals,
      isInitialized: true,
      freezeAuthority: mint.freezeAuthority,
      ...extensionsField(data, 'mint'),
    };
    return { type: 'mint', info };
  }
  const multisig = readMultisig(data);
  if (!multisig) return undefined;
  // Unused signer slots hold the all-zero key (the System program's address).
  const signers = multisig.signers.filter((s) => s !== SYSTEM_PROGRAM);
  return { type: 'multisig', info: { numRequiredSigners: multisig.m, numValidSigners: multisig.n, isInitialized: true, signers } };
}
