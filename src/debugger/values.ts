/**
 * Typed values of a stopped frame: its parameters and local variables as DWARF describes them
 * (src/debug), read from the registers the frame knows and from the run's memory — integers,
 * booleans, pointers (with what they point at), structures and arrays (with their members and
 * elements) — and the simple expressions a debugger's watch and hover ask for: a register, a
 * variable, and `.field`, `->field` and `[index]` on them. A value that cannot be read says why in
 * its text (`<optimized out>`, `<unreadable>`); nothing here throws for a program's debug information.
 */
import { evaluateLocation, type Location } from '../debug/locations.js';
import type { SourceMap, SourceVariable } from '../debug/source-map.js';
import { ENCODING, type DwarfType } from '../debug/types.js';
import type { Executable } from '../executable.js';
import { FRAME_PTR_REG, INSN_SIZE } from '../isa/constants.js';
import { decodeInsn } from '../isa/instruction.js';
import { opcodeRole } from '../isa/validity.js';
import type { MemorySnapshot } from './snapshot.js';

/** A value as a debugger lists it; `children` gives the members, elements or pointee of a composite one. */
export interface TypedValue {
  name: string;
  value: string;
  type?: string;
  /** Where it is in memory, when it is there. */
  address?: bigint;
  children?: () => TypedValue[];
}

/** Where a value's bytes are: memory, or a register's (or computed value's) eight bytes. */
type Place = { address: bigint } | { bytes: Uint8Array };

/** Elements shown of an array, at most. */
const MAX_ELEMENTS = 256;
/** Aliases and qualifiers followed at most (a cycle in malformed DWARF ends here). */
const MAX_HOPS = 16;
const U64 = (1n << 64n) - 1n;

/** What a frame's values are read from. */
export interface FrameContext {
  map: SourceMap;
  exe: Executable;
  memory: MemorySnapshot;
  /** The registers the frame knows, by name (`r0`..`r10`, `pc`). */
  registers: ReadonlyMap<string, bigint>;
  /** The slot of the frame's physical call frame (where its function's code is). */
  pc: number;
  variables: readonly SourceVariable[];
}

export class FrameValues {
  constructor(private readonly frame: FrameContext) {}

  /** The frame's parameters, then its local variables. */
  locals(): TypedValue[] {
    const all = this.frame.variables;
    return [...all.filter((v) => v.parameter), ...all.filter((v) => !v.parameter)].map((v) => this.variable(v));
  }

  /**
   * The value of `expression`: a register name, a variable, and any of `.field`, `->field` and
   * `[index]` after it; undefined when it names nothing here.
   */
  evaluate(expression: string): TypedValue | undefined {
    const text = expression.trim();
    const register = this.frame.registers.get(text);
    if (register !== undefined) return { name: text, value: `0x${register.toString(16)}` };
    const head = /^[A-Za-z_]\w*/.exec(text)?.[0];
    const variable = head === undefined ? undefined : this.frame.variables.find((v) => v.name === head);
    if (!variable || head === undefined) return undefined;
    let value = this.variable(variable);
    let type = this.typeOf(variable.type);
    let place = this.placeOf(variable);
    let rest = text.slice(head.length);
    while (rest.length > 0) {
      const step = /^\s*(?:(\.|->)\s*([A-Za-z_]\w*)|\[\s*(\d+)\s*\])/.exec(rest);
      if (!step || !type || !place || 'reason' in place) return undefined;
      rest = rest.slice(step[0].length);
      const target = this.stripped(type);
      let next: { type: DwarfType | undefined; place: Place; name: string } | undefined;
      if (step[2] !== undefined) {
        // A field, through a pointer where there is one (`->`, or `.` as a convenience).
        const struct = target.kind === 'pointer' ? this.pointee(target, place) : { type: target, place };
        const s = struct?.type && this.stripped(struct.type);
        const member = s?.kind === 'struct' ? s.members.find((m) => m.name === step[2]) : undefined;
        if (!struct || !member) return undefined;
        next = { type: this.typeOf(member.type), place: offsetBy(struct.place, member.offset), name: `${value.name}${step[1]}${step[2]}` };
      } else {
        const index = Number(step[3]);
        const element = this.elementAt(target, place, index);
        if (!element) return undefined;
        next = { ...element, name: `${value.name}[${index}]` };
      }
      type = next.type;
      place = next.place;
      value = this.render(next.name, type, place);
    }
    return value;
  }

  private variable(v: SourceVariable): TypedValue {
    const type = this.typeOf(v.type);
    const place = this.placeOf(v);
    if (!place || 'reason' in place) return { name: v.name, value: `<${place?.reason ?? 'optimized out'}>`, type: this.typeName(type) };
    return this.render(v.name, type, place);
  }

  /** Where `v` is now, or why that is not known. */
  private placeOf(v: SourceVariable): Place | { reason: string } | undefined {
    if (!v.location) return undefined;
    const { registers } = this.frame;
    const state = {
      register: (n: number) => registers.get(`r${n}`),
      frameBase: () => this.frameBase(v),
    };
    return toPlace(evaluateLocation(v.location, state));
  }

  /**
   * The frame base of `v`'s function. clang's sBPF code addresses its frame from r10 downwards,
   * while its DWARF gives frame offsets from the frame's lowest byte (r10 less the frame's size),
   * so the size is found from the function's own r10-relative loads and stores.
   */
  private frameBase(v: SourceVariable): bigint | undefined {
    if (!v.frameBase) return undefined;
    const base = evaluateLocation(v.frameBase, { register: (n) => this.frame.registers.get(`r${n}`), frameBase: () => undefined });
    if (base.kind !== 'value') return undefined;
    return (base.value - BigInt(frameSize(this.frame.exe, this.frame.map, this.frame.pc))) & U64;
  }

  private render(name: string, type: DwarfType | undefined, place: Place): TypedValue {
    const typeName = this.typeName(type);
    const at = 'address' in place ? { address: place.address } : {};
    const t = type && this.stripped(type);
    if (!t) return { name, value: `<unknown type>`, ...at };
    const unreadable = { name, value: '<unreadable>', type: typeName, ...at };
    switch (t.kind) {
      case 'base': {
        const bytes = this.bytes(place, 0, t.size);
        return bytes ? { name, value: formatBase(t, bytes), type: typeName, ...at } : unreadable;
      }
      case 'pointer': {
        const bytes = this.bytes(place, 0, 8);
        if (!bytes) return unreadable;
        const pointer = littleEndian(bytes);
        const target = this.pointee(t, place);
        const readable = target && this.frame.memory.read(pointer, 1).length === 1;
        return {
          name,
          value: `0x${pointer.toString(16)}`,
          type: typeName,
          ...at,
          ...(readable ? { children: () => [this.render(`*${name}`, target.type, target.place)] } : {}),
        };
      }
      case 'struct':
        return {
          name,
          value: `{${t.members.length} ${t.members.length === 1 ? 'member' : 'members'}}`,
          type: typeName,
          ...at,
          children: () => t.members.map((m, i) => this.render(m.name ?? `<member ${i}>`, this.typeOf(m.type), offsetBy(place, m.offset))),
        };
      case 'array': {
        const count = t.counts[0] ?? 0;
        return {
          name,
          value: `[${count}]`,
          type: typeName,
          ...at,
          children: () =>
            Array.from({ length: Math.min(count, MAX_ELEMENTS) }, (_, i) => {
              const element = this.elementAt(t, place, i)!;
              return this.render(`[${i}]`, element.type, element.place);
            }),
        };
      }
      case 'alias':
        return { name, value: '<unknown type>', type: typeName, ...at };
    }
  }

  /** Element `index` of an array, or of what a pointer points at. */
  private elementAt(t: DwarfType, place: Place, index: number): { type: DwarfType | undefined; place: Place } | undefined {
    if (t.kind === 'array') {
      const [count = 0, ...inner] = t.counts;
      if (index >= count && count > 0) return undefined;
      const element = inner.length > 0 ? ({ kind: 'array', element: t.element, counts: inner } as const) : this.typeOf(t.element);
      return { type: element, place: offsetBy(place, index * this.sizeOf(element)) };
    }
    if (t.kind !== 'pointer') return undefined;
    const target = this.pointee(t, place);
    return target && { type: target.type, place: offsetBy(target.place, index * this.sizeOf(target.type)) };
  }

  /** What a pointer at `place` points at. */
  private pointee(t: Extract<DwarfType, { kind: 'pointer' }>, place: Place): { type: DwarfType | undefined; place: Place } | undefined {
    const bytes = this.bytes(place, 0, 8);
    const type = this.typeOf(t.target);
    return bytes && type ? { type, place: { address: littleEndian(bytes) } } : undefined;
  }

  private bytes(place: Place, offset: number, size: number): Uint8Array | undefined {
    if ('address' in place) {
      const bytes = this.frame.memory.read((place.address + BigInt(offset)) & U64, size);
      return bytes.length === size ? bytes : undefined;
    }
    return offset + size <= place.bytes.length ? place.bytes.subarray(offset, offset + size) : undefined;
  }

  private typeOf(id: number | undefined): DwarfType | undefined {
    return id === undefined ? undefined : this.frame.map.type(id);
  }

  /** `t` without its typedefs and qualifiers. */
  private stripped(t: DwarfType): DwarfType {
    let at: DwarfType | undefined = t;
    for (let hop = 0; at?.kind === 'alias' && hop < MAX_HOPS; hop++) at = this.typeOf(at.target);
    return at ?? t;
  }

  private sizeOf(t: DwarfType | undefined): number {
    const s = t && this.stripped(t);
    if (!s || s.kind === 'alias') return 0;
    if (s.kind === 'array') return s.counts.reduce((n, c) => n * c, 1) * this.sizeOf(this.typeOf(s.element));
    return s.size;
  }

  /** A type as C writes it. */
  private typeName(t: DwarfType | undefined, hops = 0): string | undefined {
    if (!t || hops > MAX_HOPS) return undefined;
    const inner = (id: number | undefined) => this.typeName(this.typeOf(id), hops + 1);
    switch (t.kind) {
      case 'base':
        return t.name;
      case 'pointer':
        return `${inner(t.target) ?? 'void'} *`;
      case 'struct':
        return t.name ?? (t.union ? 'union' : 'struct');
      case 'array':
        return `${inner(t.element) ?? '?'}${t.counts.map((c) => `[${c}]`).join('')}`;
      case 'alias':
        return t.name ?? `${t.qualifier ?? ''} ${inner(t.target) ?? 'void'}`.trim();
    }
  }
}

function toPlace(location: Location): Place | { reason: string } {
  switch (location.kind) {
    case 'memory':
      return { address: location.address };
    case 'value': {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigUint64(0, location.value & U64, true);
      return { bytes };
    }
    case 'unavailable':
      return { reason: location.reason };
  }
}

function offsetBy(place: Place, offset: number): Place {
  return 'address' in place ? { address: (place.address + BigInt(offset)) & U64 } : { bytes: place.bytes.subarray(Math.min(offset, place.bytes.length)) };
}

function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** A base type's bytes as C would print them. */
function formatBase(t: Extract<DwarfType, { kind: 'base' }>, bytes: Uint8Array): string {
  const unsigned = littleEndian(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (t.encoding) {
    case ENCODING.boolean:
      return unsigned === 0n ? 'false' : 'true';
    case ENCODING.float:
      return String(t.size === 4 ? view.getFloat32(0, true) : t.size === 8 ? view.getFloat64(0, true) : unsigned);
    case ENCODING.signed:
    case ENCODING.signedChar: {
      const bits = BigInt(8 * bytes.length);
      const signed = bytes.length > 0 ? BigInt.asIntN(Number(bits), unsigned) : 0n;
      return t.encoding === ENCODING.signedChar ? withChar(signed) : String(signed);
    }
    case ENCODING.unsignedChar:
      return withChar(unsigned);
    default:
      return String(unsigned);
  }
}

/** A character's code, with the character where it is printable ASCII. */
function withChar(code: bigint): string {
  return code >= 0x20n && code < 0x7fn ? `${code} '${String.fromCharCode(Number(code))}'` : String(code);
}

/** Bytes of the stack frame of the function holding slot `pc`: the deepest r10-relative access it makes, rounded up to 8. */
const frameSizes = new WeakMap<Executable, Map<number, number>>();

function frameSize(exe: Executable, map: SourceMap, pc: number): number {
  const f = map.functions().find((fn) => pc >= fn.pc && pc < fn.end);
  if (!f) return 0;
  let sizes = frameSizes.get(exe);
  if (!sizes) frameSizes.set(exe, (sizes = new Map()));
  const known = sizes.get(f.pc);
  if (known !== undefined) return known;
  let deepest = 0;
  for (let at = f.pc; at < f.end && (at + 1) * INSN_SIZE <= exe.text.length; at++) {
    const insn = decodeInsn(exe.text, at);
    const role = opcodeRole(exe.sbpfVersion, insn.opc);
    const base = role === 'load' ? insn.src : role === 'store' ? insn.dst : -1;
    if (base === FRAME_PTR_REG) deepest = Math.max(deepest, -insn.off);
  }
  const size = Math.ceil(deepest / 8) * 8;
  sizes.set(f.pc, size);
  return size;
}
