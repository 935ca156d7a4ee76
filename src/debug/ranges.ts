/**
 * Address ranges of DWARF entries: `DW_AT_low_pc`/`DW_AT_high_pc` pairs, and range lists in
 * `.debug_ranges` (DWARF 2–4) or `.debug_rnglists` (DWARF 5).
 */
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';
import type { StringSections, UnitBases } from './strings.js';

/** A half-open address range [start, end). */
export type AddressRange = [start: number, end: number];

const DW_RLE_end_of_list = 0;
const DW_RLE_base_addressx = 1;
const DW_RLE_startx_endx = 2;
const DW_RLE_startx_length = 3;
const DW_RLE_offset_pair = 4;
const DW_RLE_base_address = 5;
const DW_RLE_start_end = 6;
const DW_RLE_start_length = 7;

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
  if (ctx.version < 5) return readRanges(ctx, offset);
  let at = offset;
  if (isIndex) {
    const base = ctx.rnglistsBase ?? (ctx.is64 ? 20 : 12);
    at = base + new Cursor('.debug_rnglists', ctx.rnglists, base + offset * (ctx.is64 ? 8 : 4)).offset(ctx.is64);
  }
  return readRnglist(ctx, at);
}

/** A `.debug_ranges` list: address pairs, base-address selections, ended by a pair of zeros. */
function readRanges(ctx: RangeContext, offset: number): AddressRange[] {
  const c = new Cursor('.debug_ranges', ctx.ranges, offset);
  const size = ctx.addressSize;
  const max = size === 8 ? 2 ** 64 - 1 : 2 ** (8 * size) - 1;
  const out: AddressRange[] = [];
  let base = ctx.base;
  for (;;) {
    const start = c.uint(size);
    const end = c.uint(size);
    if (start === 0 && end === 0) return out;
    if (start === max) base = end;
    else out.push([base + start, base + end]);
  }
}

/** A `.debug_rnglists` list (DWARF 5 range list entries). */
function readRnglist(ctx: RangeContext, offset: number): AddressRange[] {
  const c = new Cursor('.debug_rnglists', ctx.rnglists, offset);
  const addr = (index: number) => ctx.strings.address({ kind: 'addressIndex', value: index }, ctx)!;
  const out: AddressRange[] = [];
  let base = ctx.base;
  for (;;) {
    const kind = c.u8();
    switch (kind) {
      case DW_RLE_end_of_list:
        return out;
      case DW_RLE_base_addressx:
        base = addr(c.uleb());
        break;
      case DW_RLE_startx_endx: {
        const start = addr(c.uleb());
        out.push([start, addr(c.uleb())]);
        break;
      }
      case DW_RLE_startx_length: {
        const start = addr(c.uleb());
        out.push([start, start + c.uleb()]);
        break;
      }
      case DW_RLE_offset_pair: {
        const start = base + c.uleb();
        out.push([start, base + c.uleb()]);
        break;
      }
      case DW_RLE_base_address:
        base = c.uint(ctx.addressSize);
        break;
      case DW_RLE_start_end: {
        const start = c.uint(ctx.addressSize);
        out.push([start, c.uint(ctx.addressSize)]);
        break;
      }
      case DW_RLE_start_length: {
        const start = c.uint(ctx.addressSize);
        out.push([start, start + c.uleb()]);
        break;
      }
      default:
        throw malformed('.debug_rnglists', `unknown range list entry ${kind} at ${c.at - 1}`);
    }
  }
}
