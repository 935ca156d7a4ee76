/**
 * Compilation units and their entries in `.debug_info` (DWARF 2–5): for each unit its line table
 * offset and bases, and the tree of code scopes source mapping needs, subprograms and the inlined
 * subroutines inside them, with their address ranges and names (followed through
 * `DW_AT_abstract_origin` and `DW_AT_specification`); and for the debugger each scope's
 * parameters and variables and each unit's global variables (their locations, as DWARF
 * expressions; a constant value DWARF states as the expression giving it), and their types.
 */
import { readAbbrevTable, type Abbrev } from './abbrev.js';
import { Cursor } from './cursor.js';
import { DebugInfoError, malformed } from './errors.js';
import { DW_FORM, readForm, type RawValue } from './forms.js';
import { readLocationList, valueExpression, type UnitReferences } from './locations.js';
import { readRangeList, type AddressRange } from './ranges.js';
import { ENCODING, typeEntryOf, TYPE_TAGS, type DebugType } from './types.js';
import type { StringSections, UnitBases } from './strings.js';

const DW_TAG_formal_parameter = 0x05;
const DW_TAG_lexical_block = 0x0b;
const DW_TAG_inlined_subroutine = 0x1d;
const DW_TAG_subprogram = 0x2e;
const DW_TAG_variable = 0x34;
const DW_AT_location = 0x02;
const DW_AT_const_value = 0x1c;
const DW_AT_calling_convention = 0x36;
const DW_CC_nocall = 3;
const DW_AT_type = 0x49;
const DW_AT_frame_base = 0x40;
const DW_AT_loclists_base = 0x8c;
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
  /** Its parameters and local variables (those of its lexical blocks too), in the order DWARF lists them. */
  variables: ScopeVariable[];
  /** A subprogram's frame base (a DWARF expression), which `DW_OP_fbreg` locations are relative to. */
  frameBase?: Uint8Array;
  /** False for a subprogram the compiler changed the calling convention of (`DW_CC_nocall`: a specialised copy, parameters dropped). */
  conventional: boolean;
}

/** A parameter or local variable of a code scope. */
export interface ScopeVariable {
  /** `.debug_info` offset of its entry (its name and type may be its abstract origin's). */
  entry: number;
  parameter: boolean;
  /** Where it is at `address`: a DWARF expression, undefined where it has no location there. */
  location(address: number): Uint8Array | undefined;
  /** The ranges of the lexical block it is declared in, if any: outside them it is not in scope. */
  ranges?: AddressRange[];
  /** What its location expressions refer to in its unit. */
  unit: UnitReferences;
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
  /** Its variables outside any subprogram, where they have a location. */
  globals: GlobalVariable[];
}

/** A variable outside any subprogram: its entry, and its location expression (an address, or its constant value). */
export interface GlobalVariable {
  entry: number;
  location: Uint8Array;
  unit: UnitReferences;
}

/** The sections `.debug_info` refers to. */
export interface InfoSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  ranges: Uint8Array;
  rnglists: Uint8Array;
  /** Location lists: `.debug_loc` (DWARF 2–4) and `.debug_loclists` (DWARF 5). */
  loc: Uint8Array;
  loclists: Uint8Array;
  strings: StringSections;
}

/** Naming attributes of an entry, kept for every entry that has one (an inlined copy names its origin). */
interface Naming {
  name?: string;
  linkageName?: string;
  origin?: number;
  /** `.debug_info` offset of its type entry. */
  type?: number;
}

/** What {@link readUnits} reads. */
export interface DebugInfo {
  units: Unit[];
  /** The name of an entry (followed through its abstract origin or specification). */
  nameOf(entry: number): string | undefined;
  /** The `.debug_info` offset of an entry's type (followed likewise). */
  typeOf(entry: number): number | undefined;
  /** Type entries by `.debug_info` offset. */
  types: ReadonlyMap<number, DebugType>;
}

/** All units of `.debug_info`, their entries' names and types, and the types. */
export function readUnits(s: InfoSections): DebugInfo {
  const namings = new Map<number, Naming>();
  const types = new Map<number, DebugType>();
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
      const unit = readUnitEntries(
        new Cursor('.debug_info', s.info.subarray(0, end), c.at),
        { offset, version, is64, addressSize },
        abbrevs,
        s,
        namings,
        types,
      );
      units.push(unit);
    }
    c.at = end;
  }
  /** The first answer `pick` gives along the chain of origins from `entry`. */
  const along = <T>(entry: number, pick: (n: Naming) => T | undefined): T | undefined => {
    let at: number | undefined = entry;
    for (let hop = 0; at !== undefined && hop < MAX_NAME_HOPS; hop++) {
      const n = namings.get(at);
      const found = n && pick(n);
      if (found !== undefined) return found;
      at = n?.origin;
    }
    return undefined;
  };
  return {
    units,
    nameOf: (entry) => along(entry, (n) => (n.linkageName || n.name ? (n.name ?? n.linkageName) : undefined)),
    typeOf: (entry) => along(entry, (n) => n.type),
    types,
  };
}

interface UnitHeader {
  offset: number;
  version: number;
  is64: boolean;
  addressSize: number;
}

/** Reads a unit's entries: the unit entry first (for its bases), then the tree. */
function readUnitEntries(
  c: Cursor,
  h: UnitHeader,
  abbrevs: Map<number, Abbrev>,
  s: InfoSections,
  namings: Map<number, Naming>,
  types: Map<number, DebugType>,
): Unit {
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
  const unit: Unit = { offset: h.offset, version: h.version, scopes: [], globals: [] };
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
  const references: UnitReferences = {
    indexedAddress: (index) => address({ kind: 'addressIndex', value: index }),
    baseType: (offset) => {
      const t = types.get(h.offset + offset);
      return t?.kind === 'base' ? { size: t.size, signed: t.encoding === ENCODING.signed || t.encoding === ENCODING.signedChar } : undefined;
    },
  };
  const unitRef = (v: RawValue | undefined) => (v?.kind === 'unitRef' ? h.offset + v.value : v?.kind === 'infoRef' ? v.value : undefined);
  const listContext = {
    ...rangeContext,
    loclistsBase: constant(root.attrs.get(DW_AT_loclists_base)),
    loc: s.loc,
    loclists: s.loclists,
  };
  const locationOf = ({ abbrev, attrs }: { abbrev: Abbrev; attrs: Map<number, RawValue> }): ScopeVariable['location'] => {
    const v = attrs.get(DW_AT_location);
    const fixed = v?.kind === 'block' ? v.bytes : constantValueExpression(attrs.get(DW_AT_const_value));
    if (fixed) return () => fixed;
    if (v?.kind !== 'constant') return () => undefined;
    const isIndex = abbrev.attributes.some((a) => a.name === DW_AT_location && a.form === DW_FORM.loclistx);
    const listed = v.value;
    // Read when first asked for (most variables are never looked at); a malformed list locates nothing.
    let entries: ReturnType<typeof readLocationList> | undefined;
    return (address) => {
      if (!entries) {
        try {
          entries = readLocationList(listContext, listed, isIndex);
        } catch (e) {
          if (!(e instanceof DebugInfoError)) throw e;
          entries = [];
        }
      }
      return entries.find(([start, end]) => address >= start && address < end)?.[2];
    };
  };

  // The tree: per open level, the innermost scope enclosing it (undefined at the unit's level), the
  // ranges of the innermost lexical block, and the type entry whose members or bounds it holds.
  if (!root.abbrev.hasChildren) return unit;
  const stack: { scope?: CodeScope; block?: AddressRange[]; type?: DebugType }[] = [{}];
  while (stack.length > 0 && !c.done) {
    const e = readEntry();
    if (!e) {
      stack.pop();
      continue;
    }
    const name = text(e.attrs.get(DW_AT_name));
    const linkageName = text(e.attrs.get(DW_AT_linkage_name));
    const origin = unitRef(e.attrs.get(DW_AT_abstract_origin) ?? e.attrs.get(DW_AT_specification));
    const type = unitRef(e.attrs.get(DW_AT_type));
    if (name || linkageName || origin !== undefined || type !== undefined) namings.set(e.entry, { name, linkageName, origin, type });
    const level = stack[stack.length - 1]!;
    let scope: CodeScope | undefined;
    let block = level.block;
    let typeEntry: DebugType | undefined;
    const tag = e.abbrev.tag;
    if (TYPE_TAGS.has(tag) || level.type) {
      typeEntry = typeEntryOf(tag, name, type, (attribute) => constant(e.attrs.get(attribute)), level.type);
      if (typeEntry && TYPE_TAGS.has(tag)) types.set(e.entry, typeEntry);
    }
    if ((tag === DW_TAG_formal_parameter || tag === DW_TAG_variable) && level.scope) {
      level.scope.variables.push({
        entry: e.entry,
        parameter: tag === DW_TAG_formal_parameter,
        location: locationOf(e),
        unit: references,
        ...(block ? { ranges: block } : {}),
      });
    } else if (tag === DW_TAG_variable && !level.type) {
      const location = e.attrs.get(DW_AT_location);
      const expression = location?.kind === 'block' ? location.bytes : constantValueExpression(e.attrs.get(DW_AT_const_value));
      if (expression) unit.globals.push({ entry: e.entry, location: expression, unit: references });
    }
    if (tag === DW_TAG_lexical_block) {
      const ranges = rangesOf(e);
      if (ranges.length) block = ranges;
    }
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
          variables: [],
          conventional: constant(e.attrs.get(DW_AT_calling_convention)) !== DW_CC_nocall,
        };
        const frameBase = e.attrs.get(DW_AT_frame_base);
        if (frameBase?.kind === 'block') scope.frameBase = frameBase.bytes;
        (level.scope ? level.scope.children : unit.scopes).push(scope);
        block = undefined;
      }
    }
    if (e.abbrev.hasChildren) stack.push({ scope: scope ?? level.scope, block, type: typeEntry });
  }
  return unit;
}

/**
 * The location expression of a constant value (`DW_AT_const_value`): its bytes as given (a block,
 * a string, a fixed-size data form), or a LEB128 constant as eight little-endian bytes.
 */
function constantValueExpression(v: RawValue | undefined): Uint8Array | undefined {
  if (!v) return undefined;
  if (v.bytes) return valueExpression(v.bytes);
  if (v.kind === 'string') return valueExpression(new TextEncoder().encode(v.text));
  if (v.kind !== 'constant') return undefined;
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigInt64(0, BigInt(v.value), true);
  return valueExpression(bytes);
}
