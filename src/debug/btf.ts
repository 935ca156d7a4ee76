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
const BTF_MAX_KIND = 19;
/** Bits of an INT's encoding. */
const INT_SIGNED = 1;
const INT_CHAR = 2;
const INT_BOOL = 4;
/** Bytes of a type's head: name offset, info, size or type. */
export const BTF_TYPE_HEAD = 12;

/** Bytes of the members or extra data after a type's head, by kind and member count. */
export function btfExtraLength(kind: number, vlen: number): number {
  switch (kind) {
    case KIND.int:
    case KIND.variable:
    case KIND.declTag:
      return 4;
    case KIND.array:
      return 12;
    case KIND.struct:
    case KIND.union:
    case KIND.dataSection:
    case KIND.enum64:
      return 12 * vlen;
    case KIND.enum:
    case KIND.funcProto:
      return 8 * vlen;
    default:
      return 0;
  }
}

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
  const read = readTypes(new Cursor('.BTF types', btf.subarray(headerLength + typeOffset, headerLength + typeOffset + typeLength)), str);
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
    const nameOffset = c.u32();
    const info = c.u32();
    const sizeOrType = c.u32();
    const kind = (info >>> 24) & 0x1f;
    const vlen = info & 0xffff;
    const kindFlag = info >>> 31 === 1;
    if (kind === 0 || kind > BTF_MAX_KIND) throw malformed('.BTF', `type ${id} has kind ${kind}`);
    const extra = new Cursor('.BTF types', c.slice(btfExtraLength(kind, vlen)));
    const name = nameOffset === 0 ? undefined : str(nameOffset);
    const entries = <T>(read: () => T) => Array.from({ length: vlen }, read);
    switch (kind) {
      case KIND.int: {
        const bits = extra.u32();
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
        const [element, , count] = [extra.u32(), extra.u32(), extra.u32()];
        types.set(id, { kind: 'array', element: ref(element), counts: [count] });
        break;
      }
      case KIND.struct:
      case KIND.union: {
        const members = entries(() => {
          const [memberName, type, offset] = [extra.u32(), extra.u32(), extra.u32()];
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
        const parameters = entries(() => ({ name: str(extra.u32()), type: extra.u32() }));
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
        sections.push({ name: name ?? '', entries: entries(() => ({ type: extra.u32(), offset: extra.u32(), size: extra.u32() })) });
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
  const e = new Cursor('.BTF.ext', ext);
  if (e.u16() !== BTF_MAGIC) throw malformed('.BTF.ext', 'bad magic');
  e.skip(2);
  const extHeader = e.u32();
  const [funcOffset, funcLength, lineOffset, lineLength] = [e.u32(), e.u32(), e.u32(), e.u32()];
  readRecords(ext, extHeader + funcOffset, funcLength, str, (r) => {
    const offset = r.u32();
    const type = r.u32();
    const func = funcs.get(type);
    if (func === undefined) throw malformed('.BTF.ext', `function record names type ${type}, not a FUNC`);
    functions.push({ ...func, offset });
  });
  readRecords(ext, extHeader + lineOffset, lineLength, str, (r) => {
    const offset = r.u32();
    const file = withoutDotDot(str(r.u32()));
    r.skip(4); // the source line's text
    const lineColumn = r.u32();
    lines.push({ offset, file, line: lineColumn >>> 10, column: lineColumn & 0x3ff });
  });
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
