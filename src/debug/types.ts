/**
 * The types of DWARF entries, as much of them as showing a value needs: base types (integers,
 * booleans, floats, enumerations), pointers, structures and unions with their members, arrays with
 * their bounds, and typedefs and qualifiers over another type.
 */

/** A type, with the `.debug_info` offsets of the types it refers to. */
export type DwarfType =
  | { kind: 'base'; name: string; size: number; encoding: number }
  | { kind: 'pointer'; name?: string; size: number; target?: number }
  | { kind: 'struct'; name?: string; size: number; union: boolean; members: DwarfMember[] }
  | { kind: 'array'; element?: number; counts: number[] }
  /** A typedef (named) or a qualifier such as `const` (unnamed): the type of `target`. */
  | { kind: 'alias'; name?: string; qualifier?: string; target?: number };

export interface DwarfMember {
  name?: string;
  type?: number;
  /** Byte offset in the structure. */
  offset: number;
}

/** `DW_ATE_*`: how a base type's bytes read. */
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
const DW_AT_upper_bound = 0x2f;
const DW_AT_count = 0x37;
const DW_AT_data_member_location = 0x38;
const DW_AT_encoding = 0x3e;

/**
 * The type an entry of `tag` makes, or undefined for one that is not a type; an entry inside a
 * type (a member, an array's bounds) is added to `parent` instead.
 */
export function typeEntryOf(
  tag: number,
  name: string | undefined,
  type: number | undefined,
  constant: (attribute: number) => number | undefined,
  parent: DwarfType | undefined,
): DwarfType | undefined {
  const size = constant(DW_AT_byte_size) ?? 0;
  if (tag === TAG.member && parent?.kind === 'struct') parent.members.push({ name, type, offset: constant(DW_AT_data_member_location) ?? 0 });
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
