/**
 * Merging the BTF of several objects (`.BTF` types and strings, `.BTF.ext` function and line
 * records) into one, the way libbpf's linker appends them: each object's type ids and string
 * offsets are shifted past those of the objects before it. Instruction offsets in `.BTF.ext` are
 * already relocated to the linked `.text` by the caller.
 */
import { BTF_MAGIC, BTF_TYPE_HEAD, btfExtraLength } from '../debug/btf.js';
import { LinkError } from './errors.js';

/** Length of the headers of `.BTF` and of `.BTF.ext` as written (`.BTF.ext` may have a longer one). */
const HEADER_LENGTH = 24;

/** Kinds whose third word is a type id (the others hold a size or nothing). */
const KINDS_REFERRING_TYPE = new Set([2, 8, 9, 10, 11, 12, 13, 14, 17, 18]);

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
  if (btf.length < HEADER_LENGTH) bad(file, 'short header');
  const v = new DataView(btf.buffer, btf.byteOffset, btf.byteLength);
  if (v.getUint16(0, true) !== BTF_MAGIC) bad(file, 'magic');
  const hdr = v.getUint32(4, true);
  const [typeOff, typeLen, strOff, strLen] = [8, 12, 16, 20].map((o) => v.getUint32(o, true));
  if (hdr + typeOff + typeLen > btf.length || hdr + strOff + strLen > btf.length) bad(file, 'sections out of bounds');
  return { types: btf.subarray(hdr + typeOff, hdr + typeOff + typeLen), strings: btf.subarray(hdr + strOff, hdr + strOff + strLen) };
}

/**
 * A copy of `types` with every type id shifted by `typeShift` and every name offset by
 * `stringShift` (0, the void type and the empty name, stays). Returns it and its type count.
 */
function shiftTypes(file: string, types: Uint8Array, typeShift: number, stringShift: number): { types: Uint8Array; count: number } {
  const out = Uint8Array.from(types);
  const v = new DataView(out.buffer);
  const name = (o: number) => {
    const n = v.getUint32(o, true);
    if (n) v.setUint32(o, n + stringShift, true);
  };
  const type = (o: number) => {
    const t = v.getUint32(o, true);
    if (t) v.setUint32(o, t + typeShift, true);
  };
  let count = 0;
  for (let o = 0; o < out.length; count++) {
    if (o + BTF_TYPE_HEAD > out.length) bad(file, 'truncated type');
    const info = v.getUint32(o + 4, true);
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const extra = o + BTF_TYPE_HEAD;
    const end = extra + btfExtraLength(kind, vlen);
    if (kind === 0 || kind > 19 || end > out.length) bad(file, `type kind ${kind}`);
    name(o);
    if (KINDS_REFERRING_TYPE.has(kind)) type(o + 8);
    if (kind === 3) [extra, extra + 4].forEach(type);
    for (let m = 0; m < vlen; m++) {
      if (kind === 4 || kind === 5) {
        name(extra + 12 * m);
        type(extra + 12 * m + 4);
      } else if (kind === 6 || kind === 19) {
        name(extra + (kind === 6 ? 8 : 12) * m);
      } else if (kind === 13) {
        name(extra + 8 * m);
        type(extra + 8 * m + 4);
      } else if (kind === 15) {
        type(extra + 12 * m);
      }
    }
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
 * Reads one record table of `.BTF.ext` (at `off`, `len` bytes after the header) and shifts its
 * section names and the fields named by `shift` (word index → what to add).
 */
function shiftRecords(file: string, ext: Uint8Array, off: number, len: number, shift: (word: number) => number): ExtRecords | undefined {
  if (len === 0) return undefined;
  if (off + len > ext.length || len < 4) bad(file, '.BTF.ext table out of bounds');
  const table = Uint8Array.from(ext.subarray(off + 4, off + len));
  const recordSize = new DataView(ext.buffer, ext.byteOffset).getUint32(off, true);
  if (recordSize < 8 || recordSize % 4) bad(file, `.BTF.ext record size ${recordSize}`);
  const v = new DataView(table.buffer);
  for (let o = 0; o < table.length;) {
    if (o + 8 > table.length) bad(file, 'truncated .BTF.ext section');
    v.setUint32(o, v.getUint32(o, true) + shift(-1), true); // section name
    const n = v.getUint32(o + 4, true);
    o += 8;
    if (o + n * recordSize > table.length) bad(file, 'truncated .BTF.ext records');
    for (let r = 0; r < n; r++, o += recordSize) {
      for (let w = 1; w < recordSize / 4; w++) {
        const add = shift(w);
        if (add) v.setUint32(o + 4 * w, v.getUint32(o + 4 * w, true) + add, true);
      }
    }
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
  let typeShift = 0;
  let stringShift = 0;
  for (const o of objects) {
    const read = readBtf(o);
    const shifted = shiftTypes(o.file, read.types, typeShift, stringShift);
    types.push(shifted.types);
    strings.push(read.strings);
    if (o.ext) {
      const ext = o.ext;
      if (ext.length < HEADER_LENGTH) bad(o.file, 'short .BTF.ext header');
      const v = new DataView(ext.buffer, ext.byteOffset, ext.byteLength);
      if (v.getUint16(0, true) !== BTF_MAGIC) bad(o.file, '.BTF.ext magic');
      const hdr = v.getUint32(4, true);
      const [ts, ss] = [typeShift, stringShift];
      // Function records: insn_off, type_id. Line records: insn_off, file_name_off, line_off, line_col.
      const f = shiftRecords(o.file, ext, hdr + v.getUint32(8, true), v.getUint32(12, true), (w) => (w === -1 ? ss : w === 1 ? ts : 0));
      const l = shiftRecords(o.file, ext, hdr + v.getUint32(16, true), v.getUint32(20, true), (w) => (w === -1 || w === 1 || w === 2 ? ss : 0));
      if (f) funcs.push(f);
      if (l) lines.push(l);
    }
    typeShift += shifted.count;
    stringShift += read.strings.length;
  }
  const btf = withHeader(concat(types), concat(strings));
  if (!funcs.length && !lines.length) return { btf };
  const table = (records: ExtRecords[]) => {
    if (!records.length) return new Uint8Array(0);
    if (records.some((r) => r.recordSize !== records[0].recordSize)) bad('BTF.ext', 'objects disagree on record sizes');
    const size = new Uint8Array(4);
    new DataView(size.buffer).setUint32(0, records[0].recordSize, true);
    return concat([size, ...records.map((r) => r.bytes)]);
  };
  return { btf, ext: withHeader(table(funcs), table(lines)) };
}

/**
 * Two parts behind the header `.BTF` and `.BTF.ext` share (magic, version 1, no flags, the
 * header's length, then offset and length of each part): types and strings, or function and
 * line records.
 */
function withHeader(first: Uint8Array, second: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER_LENGTH + first.length + second.length);
  const v = new DataView(out.buffer);
  v.setUint16(0, BTF_MAGIC, true);
  v.setUint8(2, 1);
  [HEADER_LENGTH, 0, first.length, first.length, second.length].forEach((x, i) => v.setUint32(4 + 4 * i, x, true));
  out.set(first, HEADER_LENGTH);
  out.set(second, HEADER_LENGTH + first.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
