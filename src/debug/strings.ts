/**
 * The sections attribute values point into: strings (`.debug_str`, `.debug_line_str`, and by
 * index through `.debug_str_offsets`) and addresses by index (`.debug_addr`), with the bases a
 * DWARF 5 unit declares.
 */
import { Cursor, stringAt } from './cursor.js';
import { malformed } from './errors.js';
import type { RawValue } from './forms.js';

/** A unit's bases into the indexed sections. */
export interface UnitBases {
  is64: boolean;
  addressSize: number;
  /** `DW_AT_str_offsets_base` (default: just past the first header, 8 bytes in 32-bit DWARF). */
  strOffsetsBase?: number;
  /** `DW_AT_addr_base` (default 8: just past the first header). */
  addrBase?: number;
}

const empty = new Uint8Array(0);

export class StringSections {
  constructor(
    private readonly str: Uint8Array = empty,
    private readonly lineStr: Uint8Array = empty,
    private readonly strOffsets: Uint8Array = empty,
    private readonly addr: Uint8Array = empty,
  ) {}

  /** The string a value holds or points at; undefined for a value of another class. */
  text(v: RawValue, unit: UnitBases): string | undefined {
    switch (v.kind) {
      case 'string':
        return v.text;
      case 'strp':
        return stringAt('.debug_str', this.str, v.value);
      case 'lineStrp':
        return stringAt('.debug_line_str', this.lineStr, v.value);
      case 'stringIndex': {
        const size = unit.is64 ? 8 : 4;
        const c = new Cursor('.debug_str_offsets', this.strOffsets, (unit.strOffsetsBase ?? 8) + v.value * size);
        return stringAt('.debug_str', this.str, c.offset(unit.is64));
      }
      default:
        return undefined;
    }
  }

  /** The address a value holds or indexes; undefined for a value of another class. */
  address(v: RawValue, unit: UnitBases): number | undefined {
    if (v.kind === 'address') return v.value;
    if (v.kind !== 'addressIndex') return undefined;
    if (unit.addressSize !== 4 && unit.addressSize !== 8) throw malformed('.debug_addr', `address size ${unit.addressSize}`);
    return new Cursor('.debug_addr', this.addr, (unit.addrBase ?? 8) + v.value * unit.addressSize).uint(unit.addressSize);
  }
}
