/**
 * BTF, the compact debug format clang emits for BPF targets beside DWARF: `.BTF` holds types and
 * strings, `.BTF.ext` function records (an instruction offset and a FUNC type, which names the
 * function) and line records (an instruction offset, a file, a line and column) per code
 * section. Source mapping reads them where a program has no DWARF lines. Every read is bounds
 * checked; malformed BTF throws a {@link DebugInfoError}.
 */
import { decode, layout, u16, u32, u8, type Codec, type Layout } from '../runtime/codec.js';
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';

export const BTF_MAGIC = 0xeb9f;
const BTF_KIND_FUNC = 12;
/** The highest kind websvm knows (`BTF_KIND_ENUM64`). */
export const BTF_MAX_KIND = 19;

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
  1: { record: INT, perMember: false },
  3: { record: ARRAY, perMember: false },
  4: { record: MEMBER, perMember: true }, // STRUCT
  5: { record: MEMBER, perMember: true }, // UNION
  6: { record: ENUM, perMember: true },
  13: { record: PARAM, perMember: true }, // FUNC_PROTO
  14: { record: VAR, perMember: false },
  15: { record: VAR_SECTION_INFO, perMember: true }, // DATASEC
  17: { record: DECL_TAG, perMember: false },
  19: { record: ENUM64, perMember: true },
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

/** Kinds whose head's third word is a type id: PTR, TYPEDEF, VOLATILE, CONST, RESTRICT, FUNC, FUNC_PROTO, VAR, DECL_TAG, TYPE_TAG. */
const KINDS_REFERRING_TYPE = new Set([2, 8, 9, 10, 11, 12, 13, 14, 17, 18]);
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

/** A function BTF knows: its name and the byte offset of its first instruction in `.text`. */
export interface BtfFunction {
  name: string;
  offset: number;
}

/** A line record: from the instruction at byte `offset` of `.text` on, code of `file:line:column`. */
export interface BtfLine {
  offset: number;
  file: string;
  line: number;
  column: number;
}

/** The function and line records of `.text` in a program's `.BTF` and `.BTF.ext`. */
export function readBtf(btf: Uint8Array, ext: Uint8Array): { functions: BtfFunction[]; lines: BtfLine[] } {
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

  // Type ids count from 1 (0 is void); only FUNC names are needed.
  const functionNames = new Map<number, string>();
  const types = new Cursor('.BTF types', btf.subarray(typesAt, typesAt + h.typeLength));
  for (let id = 1; !types.done; id++) {
    const head = readIn('.BTF', BTF_TYPE, types.slice(BTF_TYPE.fixedSize));
    const kind = btfKind(head.info);
    if (kind === 0 || kind > BTF_MAX_KIND) throw malformed('.BTF', `type ${id} has kind ${kind}`);
    types.skip(btfExtraLength(kind, btfVlen(head.info)));
    if (kind === BTF_KIND_FUNC) functionNames.set(id, str(head.name));
  }

  const e = readIn('.BTF.ext', BTF_EXT_HEADER, ext);
  if (e.magic !== BTF_MAGIC) throw malformed('.BTF.ext', 'bad magic');
  const functions: BtfFunction[] = [];
  readRecords(ext, e.headerLength + e.funcOffset, e.funcLength, str, (r) => {
    const { insnOffset: offset, type } = readIn('.BTF.ext', BTF_FUNC_INFO, r);
    const name = functionNames.get(type);
    if (name === undefined) throw malformed('.BTF.ext', `function record names type ${type}, not a FUNC`);
    functions.push({ name, offset });
  });
  const lines: BtfLine[] = [];
  readRecords(ext, e.headerLength + e.lineOffset, e.lineLength, str, (r) => {
    const { insnOffset: offset, fileName, lineColumn } = readIn('.BTF.ext', BTF_LINE_INFO, r);
    lines.push({ offset, file: withoutDotDot(str(fileName)), line: lineColumn >>> 10, column: lineColumn & 0x3ff });
  });
  return { functions, lines };
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
