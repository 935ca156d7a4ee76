/**
 * Address lookup table accounts (solana-address-lookup-table-interface `state.rs`): the bincode
 * `ProgramState::LookupTable(LookupTableMeta)` header, zero-padded to 56 bytes, followed by the
 * 32-byte addresses; and a table's activation status, which the program (closing) and transaction
 * loading (v0 lookups) both read from SlotHashes.
 */
import { decodeAddress, encodeAddress } from './accounts.js';
import { SLOT_HASHES_MAX_ENTRIES, type SlotHash } from './sysvars.js';

/** Bytes of the header before the addresses. */
export const LOOKUP_TABLE_META_SIZE = 56;
/** Most addresses a table holds. */
export const LOOKUP_TABLE_MAX_ADDRESSES = 256;
/** `Slot::MAX`: the deactivation slot of a table that was never deactivated. */
export const NOT_DEACTIVATED = 0xffff_ffff_ffff_ffffn;

const LOOKUP_TABLE_TAG = 1;

/** `LookupTableMeta`. */
export interface LookupTableMeta {
  deactivationSlot: bigint;
  /** Addresses added in this slot are not usable before the next one. */
  lastExtendedSlot: bigint;
  /** How many addresses the table had when `lastExtendedSlot` began. */
  lastExtendedSlotStartIndex: number;
  /** Undefined once frozen. */
  authority: string | undefined;
  /** `_padding`, carried over as read (bincode writes it after the authority). */
  padding: number;
}

/** `LookupTableMeta::new`: an active, empty table. */
export const newLookupTableMeta = (authority: string): LookupTableMeta => ({
  deactivationSlot: NOT_DEACTIVATED,
  lastExtendedSlot: 0n,
  lastExtendedSlotStartIndex: 0,
  authority,
  padding: 0,
});

/** A table's header and address count, or the error `AddressLookupTable::deserialize` returns. */
export type DecodedLookupTable = { meta: LookupTableMeta; addressCount: number } | { error: 'InvalidAccountData' | 'UninitializedAccount' };

/** `AddressLookupTable::deserialize`. */
export function decodeLookupTable(data: Uint8Array): DecodedLookupTable {
  const invalid = { error: 'InvalidAccountData' } as const;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 4) return invalid;
  const tag = view.getUint32(0, true);
  if (tag === 0) return { error: 'UninitializedAccount' };
  // Whatever the Option byte, the header fits in 56 bytes: a shorter account is invalid, as are
  // addresses that do not fill whole 32-byte slots.
  if (tag !== LOOKUP_TABLE_TAG || data.length < LOOKUP_TABLE_META_SIZE || data[21] > 1) return invalid;
  if ((data.length - LOOKUP_TABLE_META_SIZE) % 32 !== 0) return invalid;
  const authority = data[21] === 1 ? 22 : undefined;
  const paddingAt = authority === undefined ? 22 : 54;
  return {
    meta: {
      deactivationSlot: view.getBigUint64(4, true),
      lastExtendedSlot: view.getBigUint64(12, true),
      lastExtendedSlotStartIndex: data[20],
      authority: authority === undefined ? undefined : encodeAddress(data.subarray(authority, authority + 32)),
      padding: view.getUint16(paddingAt, true),
    },
    addressCount: (data.length - LOOKUP_TABLE_META_SIZE) / 32,
  };
}

/** The 56 header bytes of `meta` (`overwrite_meta_data`: bincode, then zeros). */
export function encodeLookupTableMeta(meta: LookupTableMeta): Uint8Array {
  const out = new Uint8Array(LOOKUP_TABLE_META_SIZE);
  const view = new DataView(out.buffer);
  view.setUint32(0, LOOKUP_TABLE_TAG, true);
  view.setBigUint64(4, meta.deactivationSlot, true);
  view.setBigUint64(12, meta.lastExtendedSlot, true);
  out[20] = meta.lastExtendedSlotStartIndex;
  let at = 21;
  if (meta.authority === undefined) out[at++] = 0;
  else {
    out[at++] = 1;
    out.set(decodeAddress(meta.authority), at);
    at += 32;
  }
  view.setUint16(at, meta.padding, true);
  return out;
}

/** The address at `index` of a table's data. */
export function lookupTableAddress(data: Uint8Array, index: number): string {
  const at = LOOKUP_TABLE_META_SIZE + 32 * index;
  return encodeAddress(data.subarray(at, at + 32));
}

/** `LookupTableStatus`. */
export type LookupTableStatus = { kind: 'Activated' } | { kind: 'Deactivating'; remainingBlocks: number } | { kind: 'Deactivated' };

/**
 * `LookupTableMeta::status`: a deactivated table cools down while its deactivation slot is still
 * in SlotHashes (newest first, so its position says how many slots remain).
 */
export function lookupTableStatus(deactivationSlot: bigint, currentSlot: bigint, slotHashes: readonly SlotHash[]): LookupTableStatus {
  if (deactivationSlot === NOT_DEACTIVATED) return { kind: 'Activated' };
  if (deactivationSlot === currentSlot) return { kind: 'Deactivating', remainingBlocks: SLOT_HASHES_MAX_ENTRIES + 1 };
  const position = slotHashes.findIndex((h) => h.slot === deactivationSlot);
  if (position < 0) return { kind: 'Deactivated' };
  return { kind: 'Deactivating', remainingBlocks: Math.max(0, SLOT_HASHES_MAX_ENTRIES - position) };
}
