/**
 * DWARF attribute forms (versions 2 to 5 and the GNU extensions LLVM emits): how many bytes each
 * takes and what it holds. Values are returned raw (an index stays an index) because what turns
 * them into strings and addresses, such as `DW_AT_str_offsets_base`, may come later in the same entry.
 */
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';

export const DW_FORM = {
  addr: 0x01,
  block2: 0x03,
  block4: 0x04,
  data2: 0x05,
  data4: 0x06,
  data8: 0x07,
  string: 0x08,
  block: 0x09,
  block1: 0x0a,
  data1: 0x0b,
  flag: 0x0c,
  sdata: 0x0d,
  strp: 0x0e,
  udata: 0x0f,
  ref_addr: 0x10,
  ref1: 0x11,
  ref2: 0x12,
  ref4: 0x13,
  ref8: 0x14,
  ref_udata: 0x15,
  indirect: 0x16,
  sec_offset: 0x17,
  exprloc: 0x18,
  flag_present: 0x19,
  strx: 0x1a,
  addrx: 0x1b,
  ref_sup4: 0x1c,
  strp_sup: 0x1d,
  data16: 0x1e,
  line_strp: 0x1f,
  ref_sig8: 0x20,
  implicit_const: 0x21,
  loclistx: 0x22,
  rnglistx: 0x23,
  ref_sup8: 0x24,
  strx1: 0x25,
  strx2: 0x26,
  strx3: 0x27,
  strx4: 0x28,
  addrx1: 0x29,
  addrx2: 0x2a,
  addrx3: 0x2b,
  addrx4: 0x2c,
  GNU_addr_index: 0x1f01,
  GNU_str_index: 0x1f02,
  GNU_ref_alt: 0x1f20,
  GNU_strp_alt: 0x1f21,
} as const;

/** What a form's value means. */
export type FormClass = 'address' | 'addressIndex' | 'constant' | 'string' | 'strp' | 'lineStrp' | 'stringIndex' | 'unitRef' | 'infoRef' | 'block' | 'other';

/**
 * A raw attribute value: a number (offset, index, constant, address), an inline string, or a
 * block's bytes (a DWARF expression). Fixed-size data forms keep their bytes too, exact where
 * the number is not (a constant value past 2^53, `DW_FORM_data16`).
 */
export interface RawValue {
  kind: FormClass;
  value: number;
  text?: string;
  bytes?: Uint8Array;
}

/** What the sizes of some forms depend on. */
export interface FormSizes {
  is64: boolean;
  addressSize: number;
  /** DWARF version (`DW_FORM_ref_addr` is address-sized in version 2). */
  version: number;
}

const F = DW_FORM;

/** Reads one value of `form` (`implicitConst` is the abbreviation's value for `DW_FORM_implicit_const`). */
export function readForm(c: Cursor, form: number, sizes: FormSizes, implicitConst = 0): RawValue {
  const of = (kind: FormClass, value: number): RawValue => ({ kind, value });
  switch (form) {
    case F.addr:
      return of('address', c.uint(sizes.addressSize));
    case F.addrx:
    case F.GNU_addr_index:
      return of('addressIndex', c.uleb());
    case F.addrx1:
      return of('addressIndex', c.u8());
    case F.addrx2:
      return of('addressIndex', c.u16());
    case F.addrx3:
      return of('addressIndex', c.u24());
    case F.addrx4:
      return of('addressIndex', c.u32());
    case F.flag:
      return of('constant', c.u8());
    case F.data1:
      return data(c, 1);
    case F.data2:
      return data(c, 2);
    case F.data4:
      return data(c, 4);
    case F.data8:
      return data(c, 8);
    case F.data16:
      return { kind: 'other', value: 0, bytes: c.slice(16) };
    case F.sdata:
      return of('constant', c.sleb());
    case F.udata:
      return of('constant', c.uleb());
    case F.implicit_const:
      return of('constant', implicitConst);
    case F.flag_present:
      return of('constant', 1);
    case F.string:
      return { kind: 'string', value: 0, text: c.cstring() };
    case F.strp:
      return of('strp', c.offset(sizes.is64));
    case F.line_strp:
      return of('lineStrp', c.offset(sizes.is64));
    case F.strx:
    case F.GNU_str_index:
      return of('stringIndex', c.uleb());
    case F.strx1:
      return of('stringIndex', c.u8());
    case F.strx2:
      return of('stringIndex', c.u16());
    case F.strx3:
      return of('stringIndex', c.u24());
    case F.strx4:
      return of('stringIndex', c.u32());
    case F.ref1:
      return of('unitRef', c.u8());
    case F.ref2:
      return of('unitRef', c.u16());
    case F.ref4:
      return of('unitRef', c.u32());
    case F.ref8:
      return of('unitRef', c.u64());
    case F.ref_udata:
      return of('unitRef', c.uleb());
    case F.ref_addr:
      return of('infoRef', sizes.version <= 2 ? c.uint(sizes.addressSize) : c.offset(sizes.is64));
    case F.sec_offset:
      return of('constant', c.offset(sizes.is64));
    case F.loclistx:
    case F.rnglistx:
      return of('constant', c.uleb());
    case F.strp_sup:
    case F.GNU_ref_alt:
    case F.GNU_strp_alt:
      c.offset(sizes.is64);
      return of('other', 0); // in a supplementary file we do not have
    case F.ref_sup4:
      c.skip(4);
      return of('other', 0);
    case F.ref_sig8:
    case F.ref_sup8:
      c.skip(8);
      return of('other', 0);
    case F.block1:
      return block(c, c.u8());
    case F.block2:
      return block(c, c.u16());
    case F.block4:
      return block(c, c.u32());
    case F.block:
    case F.exprloc:
      return block(c, c.uleb());
    case F.indirect: {
      const actual = c.uleb();
      // One level only: a chain of indirections would otherwise recurse as deep as the input is long.
      if (actual === F.indirect) throw malformed(c.section, `indirect form naming itself at ${c.at}`);
      return readForm(c, actual, sizes, implicitConst);
    }
    default:
      throw malformed(c.section, `unknown attribute form 0x${form.toString(16)} at ${c.at}`);
  }
}

/** A data form of `size` bytes: its unsigned value, and its bytes as a view. */
function data(c: Cursor, size: number): RawValue {
  const bytes = c.bytes.subarray(c.at, c.at + size);
  return { kind: 'constant', value: c.uint(size), bytes };
}

/** The `length` bytes of a block form, as a view. */
function block(c: Cursor, length: number): RawValue {
  return { kind: 'block', value: length, bytes: c.slice(length) };
}
