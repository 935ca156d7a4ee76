/**
 * SPL Token and Token-2022 state as Agave's RPC reads it (`StateWithExtensions::unpack` on the base
 * layouts, `token_amount_to_ui_amount_v3`, `real_number_string_trimmed`), multisigs, and Token-2022's
 * extension entries (their fields are read by the jsonParsed writer, json-parsed/token-extensions.ts).
 */
import { decodeAddress, encodeAddress } from '../runtime/accounts.js';
import { decodeOrUndefined, encode, layout, u16 } from '../runtime/codec.js';
import { MINT, MULTISIG, NATIVE_MINT_DECIMALS, TOKEN_ACCOUNT } from '../runtime/spl-token-layouts.js';

export const TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const TOKEN_2022_PROGRAM_ID = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
/** Wrapped SOL: Agave answers for it without reading its account. */
export const NATIVE_MINT = 'So11111111111111111111111111111111111111112';

/** `is_known_spl_token_id`. */
export const isTokenProgram = (id: string) => id === TOKEN_PROGRAM_ID || id === TOKEN_2022_PROGRAM_ID;

const MINT_LEN = MINT.fixedSize;
const ACCOUNT_LEN = TOKEN_ACCOUNT.fixedSize;
const MULTISIG_LEN = MULTISIG.fixedSize;
/** Token-2022's `AccountType` byte, right after the base account length. */
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;
const STATE_OFFSET = TOKEN_ACCOUNT.offsets.state;
/** Byte offsets Agave's token-account filters compare at (the delegate's: its option tag). */
export const MINT_OFFSET = TOKEN_ACCOUNT.offsets.mint;
export const OWNER_OFFSET = TOKEN_ACCOUNT.offsets.owner;
export const DELEGATE_OFFSET = TOKEN_ACCOUNT.offsets.delegate;

/** `UiTokenAmount`, fields in Agave's order. */
export interface UiTokenAmount {
  uiAmount: number | null;
  decimals: number;
  amount: string;
  uiAmountString: string;
}

/** `amount` with `decimals` as a decimal string without trailing zeros (`real_number_string_trimmed`). */
function uiAmountString(amount: bigint, decimals: number): string {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, '0');
  const text = `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return text.replace(/0+$/, '').replace(/\.$/, '');
}

/** Largest power of ten a 64-bit `usize` holds: beyond it Agave's `checked_pow` gives no `uiAmount`. */
const MAX_UI_AMOUNT_DECIMALS = 19;

/** `token_amount_to_ui_amount_v3` for a mint without interest-bearing or scaled-amount configs. */
export function uiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
  const uiAmount = decimals > MAX_UI_AMOUNT_DECIMALS ? null : Number(amount) / 10 ** decimals;
  return { uiAmount, decimals, amount: amount.toString(), uiAmountString: uiAmountString(amount, decimals) };
}

/** Whether `data` is a base state of `baseLen` bytes, alone or followed by Token-2022's type byte `type` and extensions. */
function hasLayout(data: Uint8Array, baseLen: number, type: number): boolean {
  if (data.length === MULTISIG_LEN || data.length < baseLen) return false;
  if (data.length === baseLen) return true;
  // Longer: zero padding up to the account length, then the account-type byte and at least one byte of extensions.
  if (data.length <= ACCOUNT_LEN + 1 || data[ACCOUNT_LEN] !== type) return false;
  return data.subarray(baseLen, ACCOUNT_LEN).every((b) => b === 0);
}

const view = (data: Uint8Array) => new DataView(data.buffer, data.byteOffset, data.byteLength);

/** A token account's base state. */
export interface TokenAccount {
  mint: string;
  owner: string;
  amount: bigint;
  delegate: string | null;
  state: 'initialized' | 'frozen';
  /** The rent-exempt reserve of a wrapped-SOL account; null for any other. */
  nativeReserve: bigint | null;
  delegatedAmount: bigint;
  closeAuthority: string | null;
}

/** `GenericTokenAccount::valid_account_data`: an initialized token account, with or without extensions. */
export const isTokenAccountData = (data: Uint8Array) => hasLayout(data, ACCOUNT_LEN, ACCOUNT_TYPE_ACCOUNT) && data[STATE_OFFSET] !== 0;

/** `StateWithExtensions::<Account>::unpack`: the base state, or undefined when it does not unpack. */
export function readTokenAccount(data: Uint8Array): TokenAccount | undefined {
  if (!hasLayout(data, ACCOUNT_LEN, ACCOUNT_TYPE_ACCOUNT)) return undefined;
  const a = decodeOrUndefined(TOKEN_ACCOUNT, data);
  if (!a || (a.state !== STATE_BYTES.initialized && a.state !== STATE_BYTES.frozen)) return undefined;
  return {
    mint: a.mint,
    owner: a.owner,
    amount: a.amount,
    delegate: a.delegate ?? null,
    state: a.state === STATE_BYTES.initialized ? 'initialized' : 'frozen',
    nativeReserve: a.isNative ?? null,
    delegatedAmount: a.delegatedAmount,
    closeAuthority: a.closeAuthority ?? null,
  };
}

/** A token account's state byte: 0 uninitialized, 1 initialized, 2 frozen. */
export type TokenAccountState = 'uninitialized' | TokenAccount['state'];
const STATE_BYTES: Record<TokenAccountState, number> = { uninitialized: 0, initialized: 1, frozen: 2 };

/** The base layout's length (what `Account::LEN` is for both token programs). */
export const TOKEN_ACCOUNT_LEN = ACCOUNT_LEN;

/**
 * Writes a token account's base state over the first {@link TOKEN_ACCOUNT_LEN} bytes of `data` (`Pack::pack_into_slice`);
 * Token-2022 extensions after them are left as they are.
 */
export function writeTokenAccount(data: Uint8Array, a: Omit<TokenAccount, 'state'> & { state: TokenAccountState }): void {
  data.set(
    encode(TOKEN_ACCOUNT, {
      mint: a.mint,
      owner: a.owner,
      amount: a.amount,
      delegate: a.delegate ?? undefined,
      state: STATE_BYTES[a.state],
      isNative: a.nativeReserve ?? undefined,
      delegatedAmount: a.delegatedAmount,
      closeAuthority: a.closeAuthority ?? undefined,
    }),
  );
}

/** A mint's base state. */
export interface Mint {
  mintAuthority: string | null;
  supply: bigint;
  decimals: number;
  freezeAuthority: string | null;
}

/** `StateWithExtensions::<Mint>::unpack`: the base state of an initialized mint, or undefined. */
export function readMint(data: Uint8Array): Mint | undefined {
  if (!hasLayout(data, MINT_LEN, ACCOUNT_TYPE_MINT)) return undefined;
  const m = decodeOrUndefined(MINT, data);
  if (!m || m.isInitialized !== 1) return undefined;
  return { mintAuthority: m.mintAuthority ?? null, supply: m.supply, decimals: m.decimals, freezeAuthority: m.freezeAuthority ?? null };
}

/** A multisig authority: `m` of the `n` first signers. */
export interface Multisig {
  m: number;
  n: number;
  signers: string[];
}

/** `Multisig::unpack`: an initialized multisig of exactly its length, or undefined. */
export function readMultisig(data: Uint8Array): Multisig | undefined {
  const multisig = data.length === MULTISIG_LEN ? decodeOrUndefined(MULTISIG, data) : undefined;
  if (multisig?.isInitialized !== 1) return undefined;
  const signers = Array.from({ length: 11 }, (_, i) => encodeAddress(multisig.signers.subarray(32 * i, 32 * i + 32)));
  return { m: multisig.m, n: multisig.n, signers };
}

/** Where Token-2022's type-length-value extensions start: after the padded base and the account-type byte. */
const TLV_OFFSET = ACCOUNT_LEN + 1;

/** One Token-2022 extension entry: its `ExtensionType` number and value bytes. */
export interface ExtensionEntry {
  type: number;
  value: Uint8Array;
}

/** A Token-2022 extension entry's header: its `ExtensionType`, then the length of its value. */
const TLV_HEADER = layout({ type: u16, length: u16 });
const { type: TLV_TYPE, length: TLV_LENGTH } = TLV_HEADER.offsets;

/**
 * The extension entries of a Token-2022 state (`get_tlv_data_info`): read until the data ends or
 * an `Uninitialized` type; undefined where an entry overruns the data or names no known type
 * (Agave then shows no extensions).
 */
export function readExtensions(data: Uint8Array, knownTypes: number): ExtensionEntry[] | undefined {
  const entries: ExtensionEntry[] = [];
  const v = view(data);
  let at = TLV_OFFSET;
  while (at < data.length) {
    if (data.length < at + TLV_LENGTH) break;
    const type = v.getUint16(at + TLV_TYPE, true);
    if (type >= knownTypes) return undefined;
    if (type === 0) break;
    if (data.length < at + TLV_HEADER.fixedSize) return undefined;
    const end = at + TLV_HEADER.fixedSize + v.getUint16(at + TLV_LENGTH, true);
    if (end > data.length) return undefined;
    entries.push({ type, value: data.subarray(at + TLV_HEADER.fixedSize, end) });
    at = end;
  }
  return entries;
}

/** The mint's decimals as `get_mint_owner_and_additional_data` finds them (wrapped SOL without a read). */
export function mintDecimals(mint: string, data: Uint8Array | undefined): number | undefined {
  if (mint === NATIVE_MINT) return NATIVE_MINT_DECIMALS;
  return data && readMint(data)?.decimals;
}

/** Pubkey order (by bytes), as Agave's sorted scans and `getTokenLargestAccounts` ties use. */
export function compareAddresses(a: string, b: string): number {
  const [x, y] = [decodeAddress(a), decodeAddress(b)];
  for (let i = 0; i < 32; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
