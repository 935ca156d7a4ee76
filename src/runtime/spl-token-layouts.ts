/**
 * The base state layouts of SPL Token (and of Token-2022, which extends them after their end):
 * declared once, for the RPC's readers and for the accounts websvm writes itself (wrapped-SOL mints).
 */
import { bytes, type Codec, layout, pubkey, u64, u8 } from './codec.js';

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
