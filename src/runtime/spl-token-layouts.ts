/**
 * The base state layouts of SPL Token (and of Token-2022, which extends them after their end):
 * declared once, for the RPC's readers and for the accounts websvm writes itself (wrapped-SOL mints).
 */
import { decodeAddress, encodeAddress } from './accounts.js';
import { bytes, type Codec, f64, i16, i64, layout, pubkey, u64, u8 } from './codec.js';

/** Wrapped SOL's decimals. */
export const NATIVE_MINT_DECIMALS = 9;

/** `COption<T>`: a u32 tag (0 none, 1 some, anything else fails to unpack), then room for the value either way. */
export function coption<T>(inner: Codec<T>): Codec<T | undefined> {
  const size = 4 + (inner.fixedSize as number);
  return {
    size: () => size,
    fixedSize: size,
    write: (w, v) => {
      w.u32(v === undefined ? 0 : 1);
      if (v === undefined) w.raw(new Uint8Array(size - 4));
      else inner.write(w, v);
    },
    read: (r) => {
      const tag = r.u32();
      if (tag > 1) r.malformed('invalid', `${tag} is not an option tag`);
      const value = inner.read(r);
      return tag === 1 ? value : undefined;
    },
  };
}

/** The base token account (`Account`, 165 B); `state` 0 uninitialized, 1 initialized, 2 frozen; `isNative` the rent-exempt reserve of wrapped SOL. */
export const TOKEN_ACCOUNT = layout({
  mint: pubkey,
  owner: pubkey,
  amount: u64,
  delegate: coption(pubkey),
  state: u8,
  isNative: coption(u64),
  delegatedAmount: u64,
  closeAuthority: coption(pubkey),
});
/** The base mint (`Mint`, 82 B). */
export const MINT = layout({ mintAuthority: coption(pubkey), supply: u64, decimals: u8, isInitialized: u8, freezeAuthority: coption(pubkey) });
/** `Multisig` (355 B): `m` of the `n` first of 11 signer slots. */
export const MULTISIG = layout({ m: u8, n: u8, isInitialized: u8, signers: bytes(11 * 32) });

/** Token-2022's `OptionalNonZeroPubkey`: an address, or 32 zero bytes for none. */
export const nonZeroPubkey: Codec<string | undefined> = {
  size: () => 32,
  fixedSize: 32,
  write: (w, v) => w.raw(v === undefined ? new Uint8Array(32) : decodeAddress(v)),
  read: (r) => {
    const raw = r.bytes(32);
    return raw.some((b) => b !== 0) ? encodeAddress(raw) : undefined;
  },
};

/** Token-2022's mint extension `InterestBearingConfig`: rates in basis points a year, times as Unix seconds. */
export const INTEREST_BEARING_CONFIG = layout({
  rateAuthority: nonZeroPubkey,
  initializationTimestamp: i64,
  preUpdateAverageRate: i16,
  lastUpdateTimestamp: i64,
  currentRate: i16,
});
/** Token-2022's mint extension `ScaledUiAmountConfig`: the multiplier, and the one that takes over at a Unix time. */
export const SCALED_UI_AMOUNT_CONFIG = layout({ authority: nonZeroPubkey, multiplier: f64, newMultiplierEffectiveTimestamp: i64, newMultiplier: f64 });
