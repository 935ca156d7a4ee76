/**
 * Address ranges of DWARF entries: `DW_AT_low_pc`/`DW_AT_high_pc` pairs, and range lists in
 * `.debug_ranges` (DWARF 2–4) or `.debug_rnglists` (DWARF 5) — read by walkers that location
 * lists (./locations.ts), which share their shape, use too.
 */
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';
import type { StringSections, UnitBases } from './strings.js';

/** A half-open address range [start, end). */
export type AddressRange = [start: number, end: number];

/** What reading a unit's range lists needs. */
export interface RangeContext extends UnitBases {
  version: number;
  /** The unit's base address (its `DW_AT_low_pc`, 0 when it has none). */
  base: number;
  /** `DW_AT_rnglists_base`, for `DW_FORM_rnglistx` indices. */
  rnglistsBase?: number;
  ranges: Uint8Array;
  rnglists: Uint8Array;
  strings: StringSections;
}

/** The ranges of the list at `offset` (DWARF 5: an offset in `.debug_rnglists`, or an index when `isIndex`). */
export function readRangeList(ctx: RangeContext, offset: number, isIndex: boolean): AddressRange[] {
  const out: AddressRange[] = [];
  const add = (start: number, end: number) => void out.push([start, end]);
  if (ctx.version < 5) walkAddressPairs('.debug_ranges', ctx.ranges, offset, ctx, add);
  else walkListEntries('.debug_rnglists', ctx.rnglists, listStart('.debug_rnglists', ctx.rnglists, ctx.rnglistsBase, offset, isIndex, ctx), ctx, false, add);
  return out;
}

/** Where a DWARF 5 list starts: `offset`, or where the offset table after the header at `base` points for an index. */
export function listStart(name: string, section: Uint8Array, base: number | undefined, offset: number, isIndex: boolean, unit: UnitBases): number {
  if (!isIndex) return offset;
  const at = base ?? (unit.is64 ? 20 : 12);
  return at + new Cursor(name, section, at + offset * (unit.is64 ? 8 : 4)).offset(unit.is64);
}

/**
 * Walks a DWARF 2–4 list (`.debug_ranges`, `.debug_loc`): address pairs relative to the base,
 * base-address selections, ended by a pair of zeros; `entry` is called on each range with the
 * cursor after its pair (a location list's expression follows there).
 */
export function walkAddressPairs(
  name: string,
  bytes: Uint8Array,
  offset: number,
  ctx: RangeContext,
  entry: (start: number, end: number, c: Cursor) => void,
): void {
  const c = new Cursor(name, bytes, offset);
  const size = ctx.addressSize;
  const max = size === 8 ? 2 ** 64 - 1 : 2 ** (8 * size) - 1;
  let base = ctx.base;
  for (;;) {
    const start = c.uint(size);
    const end = c.uint(size);
    if (start === 0 && end === 0) return;
    if (start === max) base = end;
    else entry(base + start, base + end, c);
  }
}

/**
 * Walks a DWARF 5 list (`.debug_rnglists`, or `.debug_loclists` when `locations`: the same entry
 * kinds with `default_location` among them), calling `entry` on each range with the cursor after it.
 */
export function walkListEntries(
  name: string,
  bytes: Uint8Array,
  offset: number,
  ctx: RangeContext,
  locations: boolean,
  entry: (start: number, end: number, c: Cursor) => void,
): void {
  const c = new Cursor(name, bytes, offset);
  const addr = (index: number) => ctx.strings.address({ kind: 'addressIndex', value: index }, ctx)!;
  let base = ctx.base;
  for (;;) {
    const code = c.u8();
    // Location lists number their kinds as range lists do, with default_location (5) put in.
    if (locations && code === 5) {
      entry(0, Number.MAX_SAFE_INTEGER, c);
      continue;
    }
    const kind = locations && code > 5 ? code - 1 : code;
    switch (kind) {
      case 0: // end_of_list
        return;
      case 1: // base_addressx
        base = addr(c.uleb());
        break;
      case 2: {
        // startx_endx
        const start = addr(c.uleb());
        entry(start, addr(c.uleb()), c);
        break;
      }
      case 3: {
        // startx_length
        const start = addr(c.uleb());
        entry(start, start + c.uleb(), c);
        break;
      }
      case 4: {
        // offset_pair
        const start = base + c.uleb();
        entry(start, base + c.uleb(), c);
        break;
      }
      case 5: // base_address
        base = c.uint(ctx.addressSize);
        break;
      case 6: {
        // start_end
        const start = c.uint(ctx.addressSize);
        entry(start, c.uint(ctx.addressSize), c);
        break;
      }
      case 7: {
        // start_length
        const start = c.uint(ctx.addressSize);
        entry(start, start + c.uleb(), c);
        break;
      }
      default:
        throw malformed(name, `unknown list entry ${code} at ${c.at - 1}`);
    }
  }
}
