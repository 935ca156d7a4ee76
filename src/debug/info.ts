/**
 * Compilation units and their entries in `.debug_info` (DWARF 2–5): for each unit its line table
 * offset and bases, and the tree of code scopes source mapping needs, subprograms and the inlined
 * subroutines inside them, with their address ranges and names (followed through
 * `DW_AT_abstract_origin` and `DW_AT_specification`).
 */
import { readAbbrevTable, type Abbrev } from './abbrev.js';
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';
import { DW_FORM, readForm, type RawValue } from './forms.js';
import { readRangeList, type AddressRange } from './ranges.js';
import type { StringSections, UnitBases } from './strings.js';

const DW_TAG_inlined_subroutine = 0x1d;
const DW_TAG_subprogram = 0x2e;
const DW_AT_name = 0x03;
const DW_AT_stmt_list = 0x10;
const DW_AT_low_pc = 0x11;
const DW_AT_high_pc = 0x12;
const DW_AT_comp_dir = 0x1b;
const DW_AT_abstract_origin = 0x31;
const DW_AT_specification = 0x47;
const DW_AT_ranges = 0x55;
const DW_AT_call_column = 0x57;
const DW_AT_call_file = 0x58;
const DW_AT_call_line = 0x59;
const DW_AT_linkage_name = 0x6e;
const DW_AT_str_offsets_base = 0x72;
const DW_AT_addr_base = 0x73;
const DW_AT_rnglists_base = 0x74;
const DW_AT_GNU_addr_base = 0x2133;
const DW_AT_GNU_ranges_base = 0x2132;
const DW_UT_compile = 1;
const DW_UT_partial = 3;
/** The deepest abstract-origin/specification chain followed for a name. */
const MAX_NAME_HOPS = 8;

/** A subprogram or an inlined subroutine with code. */
export interface CodeScope {
  inlined: boolean;
  ranges: AddressRange[];
  /** `.debug_info` offset of the entry whose name this scope has. */
  entry: number;
  /** Where an inlined subroutine was called: a file index of the unit's line table, line, column. */
  callFile: number;
  callLine: number;
  callColumn: number;
  children: CodeScope[];
}

/** One compilation unit. */
export interface Unit {
  offset: number;
  version: number;
  /** Offset of its line table in `.debug_line`, if it has one. */
  stmtList?: number;
  compDir?: string;
  /** Its subprograms with code. */
  scopes: CodeScope[];
}

/** The sections `.debug_info` refers to. */
export interface InfoSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  ranges: Uint8Array;
  rnglists: Uint8Array;
  strings: StringSections;
}

/** Naming attributes of an entry, kept for every entry that has one (an inlined copy names its origin). */
interface Naming {
  name?: string;
  linkageName?: string;
  origin?: number;
}

/** All units of `.debug_info`, and a function that names an entry. */
export function readUnits(s: InfoSections): { units: Unit[]; nameOf: (entry: number) => string | undefined } {
  const namings = new Map<number, Naming>();
  const units: Unit[] = [];
  const abbrevTables = new Map<number, Map<number, Abbrev>>();
  const c = new Cursor('.debug_info', s.info);
  while (!c.done) {
    const offset = c.at;
    const { end, is64 } = c.unitLength();
    const version = c.u16();
    if (version < 2 || version > 5) throw malformed('.debug_info', `unsupported version ${version} at ${offset}`);
    let unitType = DW_UT_compile;
    let addressSize: number;
    let abbrevOffset: number;
    if (version >= 5) {
      unitType = c.u8();
      addressSize = c.u8();
      abbrevOffset = c.offset(is64);
    } else {
      abbrevOffset = c.offset(is64);
      addressSize = c.u8();
    }
    // Type units, skeletons and split units have no code of their own here.
    if (unitType === DW_UT_compile || unitType === DW_UT_partial) {
      let abbrevs = abbrevTables.get(abbrevOffset);
      if (!abbrevs) abbrevTables.set(abbrevOffset, (abbrevs = readAbbrevTable(s.abbrev, abbrevOffset)));
      const unit = readUnitEntries(new Cursor('.debug_info', s.info.subarray(0, end), c.at), { offset, version, is64, addressSize }, abbrevs, s, namings);
      units.push(unit);
    }
    c.at = end;
  }
  const nameOf = (entry: number): string | undefined => {
    let at: number | undefined = entry;
    for (let hop = 0; at !== undefined && hop < MAX_NAME_HOPS; hop++) {
      const n = namings.get(at);
      if (n?.linkageName || n?.name) return n.name ?? n.linkageName;
      at = n?.origin;
    }
    return undefined;
  };
  return { units, nameOf };
}

interface UnitHeader {
  offset: number;
  version: number;
  is64: boolean;
  addressSize: number;
}

/** Reads a unit's entries: the unit entry first (for its bases), then the tree. */
function readUnitEntries(c: Cursor, h: UnitHeader, abbrevs: Map<number, Abbrev>, s: InfoSections, namings: Map<number, Naming>): Unit {
  const sizes = { is64: h.is64, addressSize: h.addressSize, version: h.version };
  const readEntry = () => {
    const entry = c.at;
    const code = c.uleb();
    if (code === 0) return undefined;
    const abbrev = abbrevs.get(code);
    if (!abbrev) throw malformed('.debug_info', `unknown abbreviation ${code} at ${entry}`);
    const attrs = new Map<number, RawValue>();
    for (const a of abbrev.attributes) attrs.set(a.name, readForm(c, a.form, sizes, a.implicitConst));
    return { entry, abbrev, attrs };
  };
  const root = readEntry();
  const unit: Unit = { offset: h.offset, version: h.version, scopes: [] };
  if (!root) return unit;
  const constant = (v: RawValue | undefined) => (v?.kind === 'constant' ? v.value : undefined);
  const bases: UnitBases = {
    ...sizes,
    strOffsetsBase: constant(root.attrs.get(DW_AT_str_offsets_base)),
    addrBase: constant(root.attrs.get(DW_AT_addr_base) ?? root.attrs.get(DW_AT_GNU_addr_base)),
  };
  const text = (v: RawValue | undefined) => (v ? s.strings.text(v, bases) : undefined);
  const address = (v: RawValue | undefined) => (v ? s.strings.address(v, bases) : undefined);
  unit.stmtList = constant(root.attrs.get(DW_AT_stmt_list));
  unit.compDir = text(root.attrs.get(DW_AT_comp_dir));
  const rangeContext = {
    ...bases,
    version: h.version,
    base: address(root.attrs.get(DW_AT_low_pc)) ?? 0,
    rnglistsBase: constant(root.attrs.get(DW_AT_rnglists_base) ?? root.attrs.get(DW_AT_GNU_ranges_base)),
    ranges: s.ranges,
    rnglists: s.rnglists,
    strings: s.strings,
  };
  const rangesOf = ({ abbrev, attrs }: { abbrev: Abbrev; attrs: Map<number, RawValue> }): AddressRange[] => {
    const low = address(attrs.get(DW_AT_low_pc));
    const high = attrs.get(DW_AT_high_pc);
    if (low !== undefined && high) {
      const end = high.kind === 'constant' ? low + high.value : address(high);
      return end === undefined ? [] : [[low, end]];
    }
    const list = attrs.get(DW_AT_ranges);
    if (list?.kind !== 'constant') return [];
    // DWARF 5 gives an index (rnglistx) or an offset (sec_offset); both read as constants, told apart by the form.
    const isIndex = abbrev.attributes.some((a) => a.name === DW_AT_ranges && a.form === DW_FORM.rnglistx);
    return readRangeList(rangeContext, list.value, isIndex);
  };
  const unitRef = (v: RawValue | undefined) => (v?.kind === 'unitRef' ? h.offset + v.value : v?.kind === 'infoRef' ? v.value : undefined);

  // The tree: per open level, the innermost scope enclosing it (undefined at the unit's level).
  if (!root.abbrev.hasChildren) return unit;
  const stack: (CodeScope | undefined)[] = [undefined];
  while (stack.length > 0 && !c.done) {
    const e = readEntry();
    if (!e) {
      stack.pop();
      continue;
    }
    const name = text(e.attrs.get(DW_AT_name));
    const linkageName = text(e.attrs.get(DW_AT_linkage_name));
    const origin = unitRef(e.attrs.get(DW_AT_abstract_origin) ?? e.attrs.get(DW_AT_specification));
    if (name || linkageName || origin !== undefined) namings.set(e.entry, { name, linkageName, origin });
    let scope: CodeScope | undefined;
    const tag = e.abbrev.tag;
    if (tag === DW_TAG_subprogram || tag === DW_TAG_inlined_subroutine) {
      const ranges = rangesOf(e);
      if (ranges.length) {
        scope = {
          inlined: tag === DW_TAG_inlined_subroutine,
          ranges,
          entry: e.entry,
          callFile: constant(e.attrs.get(DW_AT_call_file)) ?? 0,
          callLine: constant(e.attrs.get(DW_AT_call_line)) ?? 0,
          callColumn: constant(e.attrs.get(DW_AT_call_column)) ?? 0,
          children: [],
        };
        const parent = stack[stack.length - 1];
        (parent ? parent.children : unit.scopes).push(scope);
      }
    }
    if (e.abbrev.hasChildren) stack.push(scope ?? stack[stack.length - 1]);
  }
  return unit;
}
