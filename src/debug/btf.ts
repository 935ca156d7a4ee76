/**
 * BTF, the compact debug format clang emits for BPF targets beside DWARF: `.BTF` holds types and
 * strings, `.BTF.ext` function records (an instruction offset and a FUNC type, which names the
 * function and, through its prototype, its parameters) and line records (an instruction offset, a
 * file, a line and column) per code section. Source mapping reads functions and lines from it
 * where a program has no DWARF lines, and the debugger its types (in the model of ./types.ts),
 * functions' parameters and the variables of its data sections (`DATASEC`) where it has no DWARF
 * types. BTF has no locations: a parameter is where the calling convention puts it at the
 * function's entry, a variable where its section is. Every read is bounds checked; malformed BTF
 * throws a {@link DebugInfoError}.
 */
import { decode, layout, u16, u32, u8, type Codec, type Layout } from '../runtime/codec.js';
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';
import { ENCODING, type BitField, type DebugMember, type DebugType } from './types.js';

export const BTF_MAGIC = 0xeb9f;
const KIND = {
  int: 1,
  pointer: 2,
  array: 3,
  struct: 4,
  union: 5,
  enum: 6,
  forward: 7,
  typedef: 8,
  volatile: 9,
  const: 10,
  restrict: 11,
  func: 12,
  funcProto: 13,
  variable: 14,
  dataSection: 15,
  float: 16,
  declTag: 17,
  typeTag: 18,
  enum64: 19,
} as const;
/** The highest kind websvm knows (`BTF_KIND_ENUM64`). */
export const BTF_MAX_KIND = KIND.enum64;

/*
 * The structures of `.BTF` and `.BTF.ext`, declared once for the reader here and the linker's
 * merge. In every record, a field called `name`, `fileName` or `lineText` is an offset into the
 * strings and a field called `type` or `indexType` is a type id: the fields the linker shifts when
 * it appends one object's BTF to another's.
 */

/** What both headers start with: the magic, version 1, no flags, and the header's own length. */
const PREAMBLE = { magic: u16, version: u8, flags: u8, headerLength: u32 };
/** `.BTF`'s header: where the types and the strings are, from the end of the header. */
export const BTF_HEADER = layout({ ...PREAMBLE, typeOffset: u32, typeLength: u32, stringOffset: u32, stringLength: u32 });
/** `.BTF.ext`'s header as far as websvm uses it: where the function and line record tables are, from the end of the header. */
export const BTF_EXT_HEADER = layout({ ...PREAMBLE, funcOffset: u32, funcLength: u32, lineOffset: u32, lineLength: u32 });

/** A type's head; its third word is a size or a type id, by kind ({@link btfKindRefersToType}). */
export const BTF_TYPE = layout({ name: u32, info: u32, sizeOrType: u32 });
/** The kind and the member count (`vlen`) in a type's `info`. */
export const btfKind = (info: number): number => (info >>> 24) & 0x1f;
export const btfVlen = (info: number): number => info & 0xffff;

/** Record layouts after a type's head. */
const INT = layout({ encoding: u32 });
const ARRAY = layout({ type: u32, indexType: u32, elements: u32 });
const MEMBER = layout({ name: u32, type: u32, offset: u32 });
const ENUM = layout({ name: u32, value: u32 });
const PARAM = layout({ name: u32, type: u32 });
const VAR = layout({ linkage: u32 });
const VAR_SECTION_INFO = layout({ type: u32, offset: u32, size: u32 });
const DECL_TAG = layout({ componentIndex: u32 });
const ENUM64 = layout({ name: u32, valueLow: u32, valueHigh: u32 });

/** A record layout of BTF: every field a u32. */
export type BtfRecord = Layout<Record<string, Codec<number>>>;

/** What follows the head of a type of each kind: one record, or one per member. */
const RECORDS_BY_KIND: Readonly<Record<number, { record: BtfRecord; perMember: boolean }>> = {
  [KIND.int]: { record: INT, perMember: false },
  [KIND.array]: { record: ARRAY, perMember: false },
  [KIND.struct]: { record: MEMBER, perMember: true },
  [KIND.union]: { record: MEMBER, perMember: true },
  [KIND.enum]: { record: ENUM, perMember: true },
  [KIND.funcProto]: { record: PARAM, perMember: true },
  [KIND.variable]: { record: VAR, perMember: false },
  [KIND.dataSection]: { record: VAR_SECTION_INFO, perMember: true },
  [KIND.declTag]: { record: DECL_TAG, perMember: false },
  [KIND.enum64]: { record: ENUM64, perMember: true },
};

/** The records after the head of a type of `kind` with `vlen` members: their layout and how many. */
export function btfRecords(kind: number, vlen: number): { record: BtfRecord; count: number } | undefined {
  const r = RECORDS_BY_KIND[kind];
  return r && { record: r.record, count: r.perMember ? vlen : 1 };
}

/** Bytes of the records after a type's head, by kind and member count. */
export function btfExtraLength(kind: number, vlen: number): number {
  const r = btfRecords(kind, vlen);
  return r ? r.record.fixedSize * r.count : 0;
}

/** Kinds whose head's third word is a type id. */
const KINDS_REFERRING_TYPE = new Set<number>([
  KIND.pointer,
  KIND.typedef,
  KIND.volatile,
  KIND.const,
  KIND.restrict,
  KIND.func,
  KIND.funcProto,
  KIND.variable,
  KIND.declTag,
  KIND.typeTag,
]);
export const btfKindRefersToType = (kind: number): boolean => KINDS_REFERRING_TYPE.has(kind);

/** A `.BTF.ext` record table starts with the size of its records (at least those declared below; 4-byte words). */
export const BTF_EXT_TABLE = layout({ recordSize: u32 });
/** Bytes of each field of BTF's records. */
export const BTF_WORD = 4;
/** A `.BTF.ext` table's per-section header: the section's name and how many records follow. */
export const BTF_EXT_SECTION = layout({ name: u32, count: u32 });
/** A function record: its first instruction's byte offset and its FUNC type. */
export const BTF_FUNC_INFO = layout({ insnOffset: u32, type: u32 });
/** A line record: an instruction's byte offset, the file, the source line's text, and the line and column (`line << 10 | column`). */
export const BTF_LINE_INFO = layout({ insnOffset: u32, fileName: u32, lineText: u32, lineColumn: u32 });

/** Fields of the records above that hold string offsets, and those that hold type ids. */
export const BTF_STRING_FIELDS: ReadonlySet<string> = new Set(['name', 'fileName', 'lineText']);
export const BTF_TYPE_ID_FIELDS: ReadonlySet<string> = new Set(['type', 'indexType']);

/** `l`'s fields at the start of `bytes` of `section`; too few bytes are malformed. */
const readIn = <T>(section: string, l: Codec<T>, bytes: Uint8Array): T =>
  decode(l, bytes, () => {
    throw malformed(section, `${bytes.length} bytes are too short for the record`);
  });

/** Bits of an INT's encoding. */
const INT_SIGNED = 1;
const INT_CHAR = 2;
const INT_BOOL = 4;

/** A parameter of a function's prototype: its name and its type's BTF id. */
export interface BtfParameter {
  name: string;
  type: number;
}

/** A function BTF knows: its name, the byte offset of its first instruction in `.text`, and its parameters. */
export interface BtfFunction {
  name: string;
  offset: number;
  parameters: BtfParameter[];
}

/** A line record: from the instruction at byte `offset` of `.text` on, code of `file:line:column`. */
export interface BtfLine {
  offset: number;
  file: string;
  line: number;
  column: number;
}

/** A variable of a data section (`DATASEC`): its name, its type's BTF id, and the offset the linked file gives it. */
export interface BtfVariable {
  name: string;
  type: number;
  section: string;
  offset: number;
}

/** What a program's BTF says. */
export interface Btf {
  /** Types by BTF id. */
  types: ReadonlyMap<number, DebugType>;
  variables: BtfVariable[];
  /** The functions and lines of `.text` (none without `.BTF.ext`). */
  functions: BtfFunction[];
  lines: BtfLine[];
}

/** Reads `.BTF` and, when there is one, `.BTF.ext`. */
export function readBtf(btf: Uint8Array, ext?: Uint8Array): Btf {
  const h = readIn('.BTF', BTF_HEADER, btf);
  if (h.magic !== BTF_MAGIC) throw malformed('.BTF', 'bad magic');
  const stringsAt = h.headerLength + h.stringOffset;
  const typesAt = h.headerLength + h.typeOffset;
  if (stringsAt + h.stringLength > btf.length || typesAt + h.typeLength > btf.length) throw malformed('.BTF', 'sections out of bounds');
  const text = new Cursor('.BTF strings', btf.subarray(stringsAt, stringsAt + h.stringLength));
  const str = (offset: number) => {
    text.at = offset;
    return text.cstring();
  };
  const read = readTypes(new Cursor('.BTF types', btf.subarray(typesAt, typesAt + h.typeLength)), str);
  const functions: BtfFunction[] = [];
  const lines: BtfLine[] = [];
  if (ext) readExt(ext, str, read.functions, functions, lines);
  return { types: read.types, variables: read.variables, functions, lines };
}

/** The types of `.BTF`, with the functions (FUNC id → name and parameters) and data-section variables among them. */
function readTypes(
  c: Cursor,
  str: (offset: number) => string,
): { types: Map<number, DebugType>; functions: Map<number, { name: string; parameters: BtfParameter[] }>; variables: BtfVariable[] } {
  const types = new Map<number, DebugType>();
  const funcs = new Map<number, { name: string; prototype: number }>();
  const prototypes = new Map<number, BtfParameter[]>();
  const variableNames = new Map<number, { name: string; type: number }>();
  const sections: { name: string; entries: { type: number; offset: number }[] }[] = [];
  /** INTs narrower than their size (the bitfields of structures without BTF's kind flag), and the members of such structures. */
  const narrowIntegers = new Map<number, BitField>();
  const plainMembers: { member: DebugMember; bit: number }[] = [];
  const ref = (id: number) => (id === 0 ? undefined : id); // 0 is void

  // Type ids count from 1.
  for (let id = 1; !c.done; id++) {
    const { name: nameOffset, info, sizeOrType } = readIn('.BTF', BTF_TYPE, c.slice(BTF_TYPE.fixedSize));
    const kind = btfKind(info);
    const vlen = btfVlen(info);
    const kindFlag = info >>> 31 === 1;
    if (kind === 0 || kind > BTF_MAX_KIND) throw malformed('.BTF', `type ${id} has kind ${kind}`);
    const extra = c.slice(btfExtraLength(kind, vlen));
    const name = nameOffset === 0 ? undefined : str(nameOffset);
    /** The records after the head, as the kind declares them. */
    const records = <T>(record: Codec<T>): T[] =>
      Array.from({ length: btfRecords(kind, vlen)?.count ?? 0 }, (_, i) => readIn('.BTF', record, extra.subarray(i * record.fixedSize!)));
    switch (kind) {
      case KIND.int: {
        const { encoding: bits } = readIn('.BTF', INT, extra);
        const encoding = (bits >>> 24) & 0x0f;
        types.set(id, { kind: 'base', name: name ?? '?', size: sizeOrType, encoding: integerEncoding(encoding) });
        const [offset, size] = [(bits >>> 16) & 0xff, bits & 0xff];
        if (offset !== 0 || size !== sizeOrType * 8) narrowIntegers.set(id, { offset, size });
        break;
      }
      case KIND.float:
        types.set(id, { kind: 'base', name: name ?? 'float', size: sizeOrType, encoding: ENCODING.float });
        break;
      case KIND.enum:
      case KIND.enum64:
        types.set(id, { kind: 'base', name: `enum ${name ?? ''}`.trim(), size: sizeOrType, encoding: kindFlag ? ENCODING.signed : ENCODING.unsigned });
        break;
      case KIND.pointer:
        types.set(id, { kind: 'pointer', size: 8, target: ref(sizeOrType) });
        break;
      case KIND.array: {
        const { type: element, elements } = readIn('.BTF', ARRAY, extra);
        types.set(id, { kind: 'array', element: ref(element), counts: [elements] });
        break;
      }
      case KIND.struct:
      case KIND.union: {
        const members = records(MEMBER).map(({ name: memberName, type, offset }) => {
          // With the kind flag, the offset's top byte is a bitfield's size; without, bitfields are narrow INTs.
          const bit = kindFlag ? offset & 0xffffff : offset;
          const size = kindFlag ? offset >>> 24 : 0;
          const member: DebugMember = { name: memberName ? str(memberName) : undefined, type: ref(type), offset: Math.floor(bit / 8) };
          if (size > 0) member.bits = { offset: bit % 8, size };
          else if (!kindFlag) plainMembers.push({ member, bit });
          return member;
        });
        types.set(id, { kind: 'struct', name, size: sizeOrType, union: kind === KIND.union, members });
        break;
      }
      case KIND.forward:
        types.set(id, { kind: 'struct', name, size: 0, union: kindFlag, members: [] });
        break;
      case KIND.typedef:
        types.set(id, { kind: 'alias', name, target: ref(sizeOrType) });
        break;
      case KIND.volatile:
      case KIND.const:
      case KIND.restrict:
        types.set(id, { kind: 'alias', qualifier: kind === KIND.const ? 'const' : kind === KIND.volatile ? 'volatile' : 'restrict', target: ref(sizeOrType) });
        break;
      case KIND.typeTag: // an attribute of the type it tags, not a type of its own
        types.set(id, { kind: 'alias', target: ref(sizeOrType) });
        break;
      case KIND.func:
        if (name !== undefined) funcs.set(id, { name, prototype: sizeOrType });
        break;
      case KIND.funcProto: {
        const parameters = records(PARAM).map((p) => ({ name: str(p.name), type: p.type }));
        // A last parameter of no name and no type marks a variadic function: it is no parameter.
        const last = parameters[parameters.length - 1];
        if (last && last.type === 0 && last.name === '') parameters.pop();
        prototypes.set(id, parameters);
        break;
      }
      case KIND.variable:
        if (name !== undefined) variableNames.set(id, { name, type: sizeOrType });
        break;
      case KIND.dataSection:
        sections.push({ name: name ?? '', entries: records(VAR_SECTION_INFO) });
        break;
    }
  }
  for (const { member, bit } of plainMembers) {
    const narrow = typeof member.type === 'number' ? narrowIntegers.get(member.type) : undefined;
    if (!narrow) continue;
    const at = bit + narrow.offset;
    member.offset = Math.floor(at / 8);
    member.bits = { offset: at % 8, size: narrow.size };
  }
  const functions = new Map([...funcs].map(([id, f]) => [id, { name: f.name, parameters: prototypes.get(f.prototype) ?? [] }]));
  const variables = sections.flatMap((s) =>
    s.entries.flatMap((e) => {
      const v = variableNames.get(e.type);
      return v ? [{ name: v.name, type: v.type, section: s.name, offset: e.offset }] : [];
    }),
  );
  return { types, functions, variables };
}

/** A BTF INT's encoding bits as a DWARF base type encoding. */
function integerEncoding(bits: number): number {
  if (bits & INT_BOOL) return ENCODING.boolean;
  if (bits & INT_CHAR) return bits & INT_SIGNED ? ENCODING.signedChar : ENCODING.unsignedChar;
  return bits & INT_SIGNED ? ENCODING.signed : ENCODING.unsigned;
}

/** The function and line records of `.text` in `.BTF.ext`, into `functions` and `lines`. */
function readExt(
  ext: Uint8Array,
  str: (offset: number) => string,
  funcs: ReadonlyMap<number, { name: string; parameters: BtfParameter[] }>,
  functions: BtfFunction[],
  lines: BtfLine[],
): void {
  const e = readIn('.BTF.ext', BTF_EXT_HEADER, ext);
  if (e.magic !== BTF_MAGIC) throw malformed('.BTF.ext', 'bad magic');
  readRecords(ext, e.headerLength + e.funcOffset, e.funcLength, str, (r) => {
    const { insnOffset: offset, type } = readIn('.BTF.ext', BTF_FUNC_INFO, r);
    const func = funcs.get(type);
    if (func === undefined) throw malformed('.BTF.ext', `function record names type ${type}, not a FUNC`);
    functions.push({ ...func, offset });
  });
  readRecords(ext, e.headerLength + e.lineOffset, e.lineLength, str, (r) => {
    const { insnOffset: offset, fileName, lineColumn } = readIn('.BTF.ext', BTF_LINE_INFO, r);
    lines.push({ offset, file: withoutDotDot(str(fileName)), line: lineColumn >>> 10, column: lineColumn & 0x3ff });
  });
}

/** Calls `read` on each record of `.text` in the record table at `offset` (`length` bytes) of `.BTF.ext`. */
function readRecords(ext: Uint8Array, offset: number, length: number, str: (offset: number) => string, read: (record: Uint8Array) => void): void {
  if (length === 0) return;
  if (offset + length > ext.length) throw malformed('.BTF.ext', 'record table out of bounds');
  const c = new Cursor('.BTF.ext', ext.subarray(offset, offset + length));
  const { recordSize } = readIn('.BTF.ext', BTF_EXT_TABLE, c.slice(BTF_EXT_TABLE.fixedSize));
  if (recordSize < BTF_FUNC_INFO.fixedSize || recordSize % BTF_WORD) throw malformed('.BTF.ext', `record size ${recordSize}`);
  while (!c.done) {
    const section = readIn('.BTF.ext', BTF_EXT_SECTION, c.slice(BTF_EXT_SECTION.fixedSize));
    const name = str(section.name);
    for (let i = 0; i < section.count; i++) {
      const record = c.slice(recordSize);
      if (name === '.text') read(record);
    }
  }
}

/** `a/b/../c` as `a/c`: clang writes BTF file names as given to it, relative parts and all. */
function withoutDotDot(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '..' && parts.length > 0 && parts[parts.length - 1] !== '..' && parts[parts.length - 1] !== '') parts.pop();
    else if (part !== '.' || parts.length === 0) parts.push(part);
  }
  return parts.join('/');
}
