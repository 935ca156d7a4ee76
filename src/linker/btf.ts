/**
 * Merging the BTF of several objects (`.BTF` types and strings, `.BTF.ext` function and line
 * records) into one, the way libbpf's linker appends them: each object's type ids and string
 * offsets are shifted past those of the objects before it. Instruction offsets in `.BTF.ext` are
 * already relocated to the linked `.text` by the caller.
 */
import {
  BTF_EXT_HEADER,
  BTF_EXT_SECTION,
  BTF_EXT_TABLE,
  BTF_FUNC_INFO,
  BTF_HEADER,
  BTF_LINE_INFO,
  BTF_MAGIC,
  BTF_MAX_KIND,
  BTF_STRING_FIELDS,
  BTF_TYPE,
  BTF_TYPE_ID_FIELDS,
  BTF_WORD,
  btfExtraLength,
  btfKind,
  btfKindRefersToType,
  btfRecords,
  btfVlen,
  type BtfRecord,
} from '../debug/btf.js';
import { concatBytes } from '../runtime/bytes.js';
import { decodeOrUndefined, encode } from '../runtime/codec.js';
import { LinkError } from './errors.js';

/** The header fields both sections get as written: version 1, no flags, no more header than declared. */
const WRITTEN = { magic: BTF_MAGIC, version: 1, flags: 0 };

/** One object's BTF. */
export interface ObjectBtf {
  file: string;
  btf: Uint8Array;
  ext?: Uint8Array;
}

interface Sections {
  types: Uint8Array;
  strings: Uint8Array;
}

const bad = (file: string, why: string): never => {
  throw new LinkError('BadObject', `${file}: malformed BTF (${why})`);
};

/** The types and strings of a `.BTF` section, checked against its header. */
function readBtf({ file, btf }: ObjectBtf): Sections {
  const h = decodeOrUndefined(BTF_HEADER, btf) ?? bad(file, 'short header');
  if (h.magic !== BTF_MAGIC) bad(file, 'magic');
  const typesAt = h.headerLength + h.typeOffset;
  const stringsAt = h.headerLength + h.stringOffset;
  if (typesAt + h.typeLength > btf.length || stringsAt + h.stringLength > btf.length) bad(file, 'sections out of bounds');
  return { types: btf.subarray(typesAt, typesAt + h.typeLength), strings: btf.subarray(stringsAt, stringsAt + h.stringLength) };
}

/** Adds `add` to the u32 at `at` of `v`; where `zeroStays`, a 0 (the void type, the empty name) stays 0. */
function addTo(v: DataView, at: number, add: number, zeroStays: boolean): void {
  const value = v.getUint32(at, true);
  if (add !== 0 && !(zeroStays && value === 0)) v.setUint32(at, value + add, true);
}

/**
 * Shifts the string-offset and type-id fields of the `record` at `o` of `v` (none at or past
 * `end`: a `.BTF.ext` record may be shorter than declared, or longer, its extra words unshifted).
 */
function shiftRecord(v: DataView, o: number, record: BtfRecord, shift: Shift, zeroStays: boolean, end = o + record.fixedSize): void {
  for (const [field, at] of Object.entries(record.offsets)) {
    if (o + at + BTF_WORD > end) continue;
    addTo(v, o + at, BTF_STRING_FIELDS.has(field) ? shift.strings : BTF_TYPE_ID_FIELDS.has(field) ? shift.types : 0, zeroStays);
  }
}

/** What one object's string offsets and type ids are shifted by. */
interface Shift {
  strings: number;
  types: number;
}

/**
 * A copy of `types` with every type id shifted by `typeShift` and every name offset by
 * `stringShift` (0, the void type and the empty name, stays). Returns it and its type count.
 */
function shiftTypes(file: string, types: Uint8Array, shift: Shift): { types: Uint8Array; count: number } {
  const out = Uint8Array.from(types);
  const v = new DataView(out.buffer);
  const T = BTF_TYPE.offsets;
  let count = 0;
  for (let o = 0; o < out.length; count++) {
    if (o + BTF_TYPE.fixedSize > out.length) bad(file, 'truncated type');
    const info = v.getUint32(o + T.info, true);
    const kind = btfKind(info);
    const vlen = btfVlen(info);
    const extra = o + BTF_TYPE.fixedSize;
    const end = extra + btfExtraLength(kind, vlen);
    if (kind === 0 || kind > BTF_MAX_KIND || end > out.length) bad(file, `type kind ${kind}`);
    addTo(v, o + T.name, shift.strings, true);
    if (btfKindRefersToType(kind)) addTo(v, o + T.sizeOrType, shift.types, true);
    const records = btfRecords(kind, vlen);
    for (let m = 0; records && m < records.count; m++) shiftRecord(v, extra + records.record.fixedSize * m, records.record, shift, true);
    o = end;
  }
  return { types: out, count };
}

/** One `.BTF.ext` subsection (function or line records) with its offsets shifted. */
interface ExtRecords {
  recordSize: number;
  /** Per code section: name offset, then records. */
  bytes: Uint8Array;
}

/**
 * Reads one record table of `.BTF.ext` (at `off`, `len` bytes after the header) of records laid
 * out as `record`, and shifts their section names and string and type fields (which in `.BTF.ext`
 * move even when 0, as libbpf moves them).
 */
function shiftRecords(file: string, ext: Uint8Array, off: number, len: number, record: BtfRecord, shift: Shift): ExtRecords | undefined {
  if (len === 0) return undefined;
  if (off + len > ext.length || len < BTF_EXT_TABLE.fixedSize) bad(file, '.BTF.ext table out of bounds');
  const { recordSize } = decodeOrUndefined(BTF_EXT_TABLE, ext.subarray(off))!; // in bounds: checked above
  const table = Uint8Array.from(ext.subarray(off + BTF_EXT_TABLE.fixedSize, off + len));
  if (recordSize < BTF_FUNC_INFO.fixedSize || recordSize % BTF_WORD) bad(file, `.BTF.ext record size ${recordSize}`);
  const v = new DataView(table.buffer);
  for (let o = 0; o < table.length;) {
    if (o + BTF_EXT_SECTION.fixedSize > table.length) bad(file, 'truncated .BTF.ext section');
    shiftRecord(v, o, BTF_EXT_SECTION, shift, false);
    const n = v.getUint32(o + BTF_EXT_SECTION.offsets.count, true);
    o += BTF_EXT_SECTION.fixedSize;
    if (o + n * recordSize > table.length) bad(file, 'truncated .BTF.ext records');
    for (let r = 0; r < n; r++, o += recordSize) shiftRecord(v, o, record, shift, false, o + recordSize);
  }
  return { recordSize, bytes: table };
}

/** Merges the BTF of `objects` (in link order) into one `.BTF` and, when any has one, one `.BTF.ext`. */
export function mergeBtf(objects: readonly ObjectBtf[]): { btf: Uint8Array; ext?: Uint8Array } {
  if (objects.length === 1) return { btf: objects[0].btf, ext: objects[0].ext };
  const types: Uint8Array[] = [];
  const strings: Uint8Array[] = [];
  const funcs: ExtRecords[] = [];
  const lines: ExtRecords[] = [];
  const shift: Shift = { strings: 0, types: 0 };
  for (const o of objects) {
    const read = readBtf(o);
    const shifted = shiftTypes(o.file, read.types, shift);
    types.push(shifted.types);
    strings.push(read.strings);
    if (o.ext) {
      const e = decodeOrUndefined(BTF_EXT_HEADER, o.ext) ?? bad(o.file, 'short .BTF.ext header');
      if (e.magic !== BTF_MAGIC) bad(o.file, '.BTF.ext magic');
      const f = shiftRecords(o.file, o.ext, e.headerLength + e.funcOffset, e.funcLength, BTF_FUNC_INFO, shift);
      const l = shiftRecords(o.file, o.ext, e.headerLength + e.lineOffset, e.lineLength, BTF_LINE_INFO, shift);
      if (f) funcs.push(f);
      if (l) lines.push(l);
    }
    shift.types += shifted.count;
    shift.strings += read.strings.length;
  }
  const typeBytes = concatBytes(...types);
  const stringBytes = concatBytes(...strings);
  const btf = concatBytes(
    encode(BTF_HEADER, {
      ...WRITTEN,
      headerLength: BTF_HEADER.fixedSize,
      typeOffset: 0,
      typeLength: typeBytes.length,
      stringOffset: typeBytes.length,
      stringLength: stringBytes.length,
    }),
    typeBytes,
    stringBytes,
  );
  if (!funcs.length && !lines.length) return { btf };
  const table = (records: ExtRecords[]) => {
    if (!records.length) return new Uint8Array(0);
    if (records.some((r) => r.recordSize !== records[0].recordSize)) bad('BTF.ext', 'objects disagree on record sizes');
    return concatBytes(encode(BTF_EXT_TABLE, { recordSize: records[0].recordSize }), ...records.map((r) => r.bytes));
  };
  const funcBytes = table(funcs);
  const lineBytes = table(lines);
  const ext = concatBytes(
    encode(BTF_EXT_HEADER, {
      ...WRITTEN,
      headerLength: BTF_EXT_HEADER.fixedSize,
      funcOffset: 0,
      funcLength: funcBytes.length,
      lineOffset: funcBytes.length,
      lineLength: lineBytes.length,
    }),
    funcBytes,
    lineBytes,
  );
  return { btf, ext };
}
