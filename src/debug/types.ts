/**
 * The types values are shown in: base types (integers, booleans, floats, enumerations), pointers,
 * structures and unions with their members (bitfields too), arrays with their bounds, and
 * typedefs and qualifiers over another type. DWARF type entries are read here; BTF types
 * (./btf.ts) come to the same model. A type refers to another by its id in the debug information
 * it came from (a `.debug_info` offset, a BTF type id), or — for a type made while evaluating an
 * expression, such as the pointer `&x` has — by the type itself.
 */

/** A type, or the id of one in its debug information. */
export type TypeRef = number | DebugType;

export type DebugType =
  | { kind: 'base'; name: string; size: number; encoding: number }
  | { kind: 'pointer'; name?: string; size: number; target?: TypeRef }
  | { kind: 'struct'; name?: string; size: number; union: boolean; members: DebugMember[] }
  | { kind: 'array'; element?: TypeRef; counts: number[] }
  /** A typedef (named) or a qualifier such as `const` (unnamed): the type of `target`. */
  | { kind: 'alias'; name?: string; qualifier?: string; target?: TypeRef };

export interface DebugMember {
  name?: string;
  type?: TypeRef;
  /** Byte offset in the structure. */
  offset: number;
  /** For a bitfield, its bits in the bytes from `offset`. */
  bits?: BitField;
}

/** `size` bits from bit `offset`, counting from the lowest bit of the first byte (little-endian). */
export interface BitField {
  offset: number;
  size: number;
}

/** `DW_ATE_*`: how a base type's bytes read (BTF's integer encodings are mapped to these). */
export const ENCODING = { boolean: 0x02, float: 0x04, signed: 0x05, signedChar: 0x06, unsigned: 0x07, unsignedChar: 0x08 } as const;

const TAG = {
  array: 0x01,
  class: 0x02,
  enumeration: 0x04,
  member: 0x0d,
  pointer: 0x0f,
  reference: 0x10,
  structure: 0x13,
  typedef: 0x16,
  union: 0x17,
  subrange: 0x21,
  base: 0x24,
  const: 0x26,
  volatile: 0x35,
  restrict: 0x37,
  atomic: 0x47,
} as const;

const QUALIFIERS = new Map<number, string>([
  [TAG.const, 'const'],
  [TAG.volatile, 'volatile'],
  [TAG.restrict, 'restrict'],
  [TAG.atomic, '_Atomic'],
]);

/** Tags of entries that are types. */
export const TYPE_TAGS: ReadonlySet<number> = new Set([
  TAG.array,
  TAG.class,
  TAG.enumeration,
  TAG.pointer,
  TAG.reference,
  TAG.structure,
  TAG.typedef,
  TAG.union,
  TAG.base,
  ...QUALIFIERS.keys(),
]);

const DW_AT_byte_size = 0x0b;
const DW_AT_bit_offset = 0x0c;
const DW_AT_bit_size = 0x0d;
const DW_AT_upper_bound = 0x2f;
const DW_AT_count = 0x37;
const DW_AT_data_member_location = 0x38;
const DW_AT_encoding = 0x3e;
const DW_AT_data_bit_offset = 0x6b;

/**
 * The type an entry of `tag` makes, or undefined for one that is not a type; an entry inside a
 * type (a member, an array's bounds) is added to `parent` instead.
 */
export function typeEntryOf(
  tag: number,
  name: string | undefined,
  type: number | undefined,
  constant: (attribute: number) => number | undefined,
  parent: DebugType | undefined,
): DebugType | undefined {
  const size = constant(DW_AT_byte_size) ?? 0;
  if (tag === TAG.member && parent?.kind === 'struct') parent.members.push(memberOf(name, type, constant));
  if (tag === TAG.subrange && parent?.kind === 'array') {
    const upper = constant(DW_AT_upper_bound);
    parent.counts.push(constant(DW_AT_count) ?? (upper === undefined ? 0 : upper + 1));
  }
  switch (tag) {
    case TAG.base:
      return { kind: 'base', name: name ?? '?', size, encoding: constant(DW_AT_encoding) ?? ENCODING.unsigned };
    case TAG.enumeration:
      return { kind: 'base', name: `enum ${name ?? ''}`.trim(), size, encoding: ENCODING.unsigned };
    case TAG.pointer:
    case TAG.reference:
      return { kind: 'pointer', name, size: size || 8, target: type };
    case TAG.structure:
    case TAG.class:
    case TAG.union:
      return { kind: 'struct', name, size, union: tag === TAG.union, members: [] };
    case TAG.array:
      return { kind: 'array', element: type, counts: [] };
    case TAG.typedef:
      return { kind: 'alias', name, target: type };
    default:
      return QUALIFIERS.has(tag) ? { kind: 'alias', qualifier: QUALIFIERS.get(tag), target: type } : undefined;
  }
}

/**
 * A member entry. A bitfield says where its bits are in one of two ways: DWARF 4 and 5 count
 * `DW_AT_data_bit_offset` from the structure's start; DWARF 2 and 3 give `DW_AT_bit_offset` from
 * the most significant bit of a storage unit of `DW_AT_byte_size` bytes at the member's location,
 * which on a little-endian machine is counted back from the unit's last bit.
 */
function memberOf(name: string | undefined, type: number | undefined, constant: (attribute: number) => number | undefined): DebugMember {
  const location = constant(DW_AT_data_member_location) ?? 0;
  const bitSize = constant(DW_AT_bit_size);
  if (bitSize === undefined || bitSize === 0) return { name, type, offset: location };
  const dataBitOffset = constant(DW_AT_data_bit_offset);
  const unit = constant(DW_AT_byte_size);
  const fromMsb = constant(DW_AT_bit_offset);
  let bit = location * 8 + (dataBitOffset ?? 0);
  if (dataBitOffset === undefined && fromMsb !== undefined && unit !== undefined) bit += unit * 8 - fromMsb - bitSize;
  if (bit < 0) return { name, type, offset: location }; // a unit too small for its bits: malformed, shown whole
  return { name, type, offset: Math.floor(bit / 8), bits: { offset: bit % 8, size: bitSize } };
}
