/**
 * Address lookup table accounts (solana-address-lookup-table-interface `state.rs`): the bincode
 * `ProgramState::LookupTable(LookupTableMeta)` header, zero-padded to 56 bytes, followed by the
 * 32-byte addresses; and a table's activation status, which the program (closing) and transaction
 * loading (v0 lookups) both read from SlotHashes.
 */
import { encodeAddress } from './accounts.js';
import { decodeOrUndefined, encode, enumeration, option, pubkey, struct, u16, u64, u8, type ValueOf } from './codec.js';
import { SLOT_HASHES_MAX_ENTRIES, type SlotHash } from './sysvars.js';

/** Bytes of the header before the addresses. */
export const LOOKUP_TABLE_META_SIZE = 56;
/** Most addresses a table holds. */
export const LOOKUP_TABLE_MAX_ADDRESSES = 256;
/** `Slot::MAX`: the deactivation slot of a table that was never deactivated. */
export const NOT_DEACTIVATED = 0xffff_ffff_ffff_ffffn;

/** `LookupTableMeta`. */
const LOOKUP_TABLE_META = struct({
  deactivationSlot: u64,
  /** Addresses added in this slot are not usable before the next one. */
  lastExtendedSlot: u64,
  /** How many addresses the table had when `lastExtendedSlot` began. */
  lastExtendedSlotStartIndex: u8,
  /** Undefined once frozen. */
  authority: option(pubkey),
  /** `_padding`, carried over as read (bincode writes it after the authority). */
  padding: u16,
});
/** `ProgramState`: the header's bincode, zero-padded to {@link LOOKUP_TABLE_META_SIZE}. */
const PROGRAM_STATE = enumeration({ Uninitialized: struct({}), LookupTable: struct({ meta: LOOKUP_TABLE_META }) });

export type LookupTableMeta = ValueOf<typeof LOOKUP_TABLE_META>;

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
  const state = decodeOrUndefined(PROGRAM_STATE, data);
  if (!state) return invalid;
  if (state.kind === 'Uninitialized') return { error: 'UninitializedAccount' };
  // Whatever the Option byte, the header fits in 56 bytes: a shorter account is invalid, as are
  // addresses that do not fill whole 32-byte slots.
  if (data.length < LOOKUP_TABLE_META_SIZE || (data.length - LOOKUP_TABLE_META_SIZE) % 32 !== 0) return invalid;
  return { meta: state.meta, addressCount: (data.length - LOOKUP_TABLE_META_SIZE) / 32 };
}

/** The 56 header bytes of `meta` (`overwrite_meta_data`: bincode, then zeros). */
export const encodeLookupTableMeta = (meta: LookupTableMeta): Uint8Array => encode(PROGRAM_STATE, { kind: 'LookupTable', meta }, LOOKUP_TABLE_META_SIZE);

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
