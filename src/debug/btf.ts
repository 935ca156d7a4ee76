/**
 * BTF, the compact debug format clang emits for BPF targets beside DWARF: `.BTF` holds types and
 * strings, `.BTF.ext` function records (an instruction offset and a FUNC type, which names the
 * function) and line records (an instruction offset, a file, a line and column) per code
 * section. Source mapping reads them where a program has no DWARF lines. Every read is bounds
 * checked; malformed BTF throws a {@link DebugInfoError}.
 */
import { Cursor } from './cursor.js';
import { malformed } from './errors.js';

export const BTF_MAGIC = 0xeb9f;
const BTF_KIND_FUNC = 12;
const BTF_MAX_KIND = 19;
/** Bytes of a type's head: name offset, info, size or type. */
export const BTF_TYPE_HEAD = 12;

/** Bytes of the members or extra data after a type's head, by kind and member count. */
export function btfExtraLength(kind: number, vlen: number): number {
  switch (kind) {
    case 1: // INT
    case 14: // VAR
    case 17: // DECL_TAG
      return 4;
    case 3: // ARRAY
      return 12;
    case 4: // STRUCT
    case 5: // UNION
    case 15: // DATASEC
    case 19: // ENUM64
      return 12 * vlen;
    case 6: // ENUM
    case 13: // FUNC_PROTO
      return 8 * vlen;
    default:
      return 0;
  }
}

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
  const c = new Cursor('.BTF', btf);
  if (c.u16() !== BTF_MAGIC) throw malformed('.BTF', 'bad magic');
  c.skip(2); // version, flags
  const headerLength = c.u32();
  const [typeOffset, typeLength, stringOffset, stringLength] = [c.u32(), c.u32(), c.u32(), c.u32()];
  const stringsAt = headerLength + stringOffset;
  if (stringsAt + stringLength > btf.length || headerLength + typeOffset + typeLength > btf.length) throw malformed('.BTF', 'sections out of bounds');
  const text = new Cursor('.BTF strings', btf.subarray(stringsAt, stringsAt + stringLength));
  const str = (offset: number) => {
    text.at = offset;
    return text.cstring();
  };

  // Type ids count from 1 (0 is void); only FUNC names are needed.
  const functionNames = new Map<number, string>();
  const types = new Cursor('.BTF types', btf.subarray(headerLength + typeOffset, headerLength + typeOffset + typeLength));
  for (let id = 1; !types.done; id++) {
    const nameOffset = types.u32();
    const info = types.u32();
    types.skip(4);
    const kind = (info >>> 24) & 0x1f;
    if (kind === 0 || kind > BTF_MAX_KIND) throw malformed('.BTF', `type ${id} has kind ${kind}`);
    types.skip(btfExtraLength(kind, info & 0xffff));
    if (kind === BTF_KIND_FUNC) functionNames.set(id, str(nameOffset));
  }

  const e = new Cursor('.BTF.ext', ext);
  if (e.u16() !== BTF_MAGIC) throw malformed('.BTF.ext', 'bad magic');
  e.skip(2);
  const extHeader = e.u32();
  const [funcOffset, funcLength, lineOffset, lineLength] = [e.u32(), e.u32(), e.u32(), e.u32()];
  const functions: BtfFunction[] = [];
  readRecords(ext, extHeader + funcOffset, funcLength, str, (r) => {
    const offset = r.u32();
    const type = r.u32();
    const name = functionNames.get(type);
    if (name === undefined) throw malformed('.BTF.ext', `function record names type ${type}, not a FUNC`);
    functions.push({ name, offset });
  });
  const lines: BtfLine[] = [];
  readRecords(ext, extHeader + lineOffset, lineLength, str, (r) => {
    const offset = r.u32();
    const file = withoutDotDot(str(r.u32()));
    r.skip(4); // the source line's text
    const lineColumn = r.u32();
    lines.push({ offset, file, line: lineColumn >>> 10, column: lineColumn & 0x3ff });
  });
  return { functions, lines };
}

/** Calls `read` on each record of `.text` in the record table at `offset` (`length` bytes) of `.BTF.ext`. */
function readRecords(ext: Uint8Array, offset: number, length: number, str: (offset: number) => string, read: (record: Cursor) => void): void {
  if (length === 0) return;
  if (offset + length > ext.length) throw malformed('.BTF.ext', 'record table out of bounds');
  const c = new Cursor('.BTF.ext', ext.subarray(offset, offset + length));
  const recordSize = c.u32();
  if (recordSize < 8 || recordSize % 4) throw malformed('.BTF.ext', `record size ${recordSize}`);
  while (!c.done) {
    const section = str(c.u32());
    const count = c.u32();
    for (let i = 0; i < count; i++) {
      const record = new Cursor('.BTF.ext', c.slice(recordSize));
      if (section === '.text') read(record);
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
