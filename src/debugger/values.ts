/**
 * Typed values of a stopped frame: its parameters and local variables as DWARF describes them,
 * the parameters its function was entered with (at the calling convention's registers, typed
 * by DWARF or BTF), and the program's global variables — read from the registers the frame
 * knows and from the run's memory: integers, booleans, bitfields, pointers (with what they
 * point at), structures and arrays (with their members and elements), values split in pieces
 * over registers and memory. And the expressions of ./expression.ts on them, for a debugger's
 * watch and hover. A value that cannot be read says why in its text (`<optimized out>`,
 * `<unreadable>`); an expression that has no value throws an {@link ExpressionError}.
 */
import { evaluateLocation, type Location, type MachineState, type SimpleLocation } from '../debug/locations.js';
import type { SourceMap, SourceVariable } from '../debug/source-map.js';
import { LONG, pointerTo, UNSIGNED_LONG, type TypeView } from '../debug/type-view.js';
import { ENCODING, type BitField, type DebugMember, type DebugType } from '../debug/types.js';
import type { Executable } from '../executable.js';
import { FRAME_PTR_REG, INSN_SIZE } from '../isa/constants.js';
import { decodeInsn } from '../isa/instruction.js';
import { opcodeRole } from '../isa/validity.js';
import { ExpressionError, parseExpression, type Expression } from './expression.js';

/** A value as a debugger lists it; `children` gives the members, elements or pointee of a composite one. */
export interface TypedValue {
  name: string;
  value: string;
  type?: string;
  /** Where it is in memory, when it is there. */
  address?: bigint;
  children?: () => TypedValue[];
}

/**
 * Where a value's bytes are: memory; bytes apart from it (a register's, a computed value's, the
 * pieces of a split one), of which `known` marks the bits that can be read, a mask a byte (all,
 * without it); or nowhere, and why.
 */
type Place = { address: bigint } | { bytes: Uint8Array; known?: Uint8Array } | { reason: string };

/** A value looked at: its name, its type, where it is, and which of its bits for a bitfield. */
interface Operand {
  name: string;
  type: DebugType | undefined;
  place: Place;
  bits?: BitField;
}

/** Elements shown of an array, at most. */
const MAX_ELEMENTS = 256;
/** Bits a value in pieces may have, at most (a malformed location could ask for any number). */
const MAX_PIECE_BITS = 1 << 16;
/** Bytes of the largest number shown (malformed debug information could give a base type any size). */
const MAX_SCALAR_BYTES = 16;
const U64 = (1n << 64n) - 1n;

/** What a frame's values are read from. */
export interface FrameContext {
  map: SourceMap;
  exe: Executable;
  memory: { read(address: bigint, count: number): Uint8Array };
  /** The registers the frame knows, by name (`r0`..`r10`, `pc`). */
  registers: ReadonlyMap<string, bigint>;
  /** The slot of the frame's physical call frame (where its function's code is). */
  pc: number;
  variables: readonly SourceVariable[];
  /** The parameters of a call frame's function at the calling convention's places, and r1..r5 when it was entered. */
  entry?: { parameters: readonly SourceVariable[]; registers: readonly bigint[] };
}

export class FrameValues {
  private readonly types: TypeView;

  constructor(private readonly frame: FrameContext) {
    this.types = frame.map.types;
  }

  /** The frame's parameters, then its local variables. */
  locals(): TypedValue[] {
    const all = this.frame.variables;
    return [...all.filter((v) => v.parameter), ...all.filter((v) => !v.parameter)].map((v) => this.render(this.current(v)));
  }

  /** The parameters as the function was entered with them; undefined where they are not known. */
  arguments(): TypedValue[] | undefined {
    return this.frame.entry?.parameters.map((v) => this.render(this.atEntry(v)));
  }

  /** The program's global variables. */
  globals(): TypedValue[] {
    return this.frame.map.globals().map((v) => this.render(this.global(v)));
  }

  /** The value of `expression` (see ./expression.ts). */
  evaluate(expression: string): TypedValue {
    const text = expression.trim();
    const register = this.frame.registers.get(text);
    if (register !== undefined) return { name: text, value: `0x${register.toString(16)}` };
    const parsed = parseExpression(text, (name) => this.frame.map.typeNamed(name) !== undefined);
    return this.render({ ...this.operand(parsed), name: text });
  }

  // ---- Variables -------------------------------------------------------------------------

  /** `v` in this frame, where its DWARF location puts it now. */
  private current(v: SourceVariable): Operand {
    const registers = this.frame.registers;
    return this.located(v, { ...this.memoryState(), register: (n) => registers.get(`r${n}`), frameBase: () => this.frameBase(v) });
  }

  /** Parameter `v` as the function was entered with it. */
  private atEntry(v: SourceVariable): Operand {
    const entry = this.frame.entry?.registers ?? [];
    return this.located(v, { ...this.memoryState(), register: (n) => (n >= 1 && n <= 5 ? entry[n - 1] : undefined), frameBase: () => undefined });
  }

  /** Global variable `v`. */
  private global(v: SourceVariable): Operand {
    return this.located(v, { ...this.memoryState(), register: () => undefined, frameBase: () => undefined });
  }

  /** What locations read besides registers: memory, and the program's addresses as the VM maps them. */
  private memoryState(): Pick<MachineState, 'memory' | 'relocate'> {
    const { memory, map, exe } = this.frame;
    return {
      memory: (address, size) => {
        const bytes = memory.read(address, size);
        return bytes.length === size ? bytes : undefined;
      },
      relocate: (address) => map.vmAddress(address, exe),
    };
  }

  private located(v: SourceVariable, state: MachineState): Operand {
    const place: Place = v.location
      ? this.placeOf(evaluateLocation(v.location, { ...state, ...(v.unit ? { unit: v.unit } : {}) }))
      : { reason: 'optimized out' };
    return { name: v.name, type: this.types.resolve(v.type), place };
  }

  private placeOf(location: Location): Place {
    if (location.kind !== 'pieces') return this.simplePlace(location);
    const total = location.pieces.reduce((n, p) => n + p.bits, 0);
    if (total > MAX_PIECE_BITS) return { reason: 'malformed location' };
    // Bit by bit: a piece may start and end inside a byte (DW_OP_bit_piece).
    const bytes = new Uint8Array(Math.ceil(total / 8));
    const known = new Uint8Array(bytes.length);
    let at = 0;
    for (const { location: source, bits, from } of location.pieces) {
      const place = source.kind === 'memory' ? { address: source.address } : this.simplePlace(source);
      const need = Math.ceil((from + bits) / 8);
      const got = 'reason' in place || need > MAX_PIECE_BITS / 8 ? undefined : this.read(place, 0, need);
      for (let b = 0; b < bits; b++, at++) {
        const bit = from + b;
        if (!(got instanceof Uint8Array) || bit >= got.length * 8) continue;
        bytes[at >> 3]! |= ((got[bit >> 3]! >> (bit & 7)) & 1) << (at & 7);
        known[at >> 3]! |= 1 << (at & 7);
      }
    }
    return { bytes, known };
  }

  private simplePlace(location: SimpleLocation): Place {
    switch (location.kind) {
      case 'memory':
        return { address: location.address };
      case 'value':
        return { bytes: littleEndianBytes(location.value, 8) };
      case 'bytes':
        return { bytes: location.bytes };
      case 'unavailable':
        return { reason: location.reason };
    }
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

  // ---- Showing values --------------------------------------------------------------------

  private render(op: Operand): TypedValue {
    const { name, place } = op;
    const type = this.types.nameOf(op.type);
    const at = 'address' in place ? { address: place.address } : {};
    if ('reason' in place) return { name, value: `<${place.reason}>`, ...(type === undefined ? {} : { type }) };
    const t = op.type && this.types.stripped(op.type);
    if (!t || t.kind === 'alias') return { name, value: '<unknown type>', ...(type === undefined ? {} : { type }), ...at };
    const shown = (value: string, children?: () => TypedValue[]) => ({ name, value, type, ...at, ...(children ? { children } : {}) });
    switch (t.kind) {
      case 'base': {
        const bytes = this.scalarBytes(op, t);
        return shown('reason' in bytes ? `<${bytes.reason}>` : formatBase(t, bytes));
      }
      case 'pointer': {
        const bytes = this.scalarBytes(op, t);
        if ('reason' in bytes) return shown(`<${bytes.reason}>`);
        const target = this.types.resolve(t.target);
        const address = littleEndian(bytes);
        const readable = target !== undefined && this.frame.memory.read(address, 1).length === 1;
        return shown(`0x${address.toString(16)}`, readable ? () => [this.render({ name: `*${name}`, type: target, place: { address } })] : undefined);
      }
      case 'struct':
        return shown(`{${t.members.length} ${t.members.length === 1 ? 'member' : 'members'}}`, () =>
          t.members.map((m, i) => this.render(this.member(op, m, m.name ?? `<member ${i}>`))),
        );
      case 'array': {
        const count = t.counts[0] ?? 0;
        return shown(`[${count}]`, () =>
          Array.from({ length: Math.min(count, MAX_ELEMENTS) }, (_, i) => this.render({ ...this.element(op, t, BigInt(i)), name: `[${i}]` })),
        );
      }
    }
  }

  /** The bytes of a number or pointer: a bitfield's bits moved down and extended to the type's size. */
  private scalarBytes(op: Operand, t: Extract<DebugType, { kind: 'base' | 'pointer' }>): Uint8Array | { reason: string } {
    if (t.size > MAX_SCALAR_BYTES || (op.bits && op.bits.offset + op.bits.size > 8 * MAX_SCALAR_BYTES)) return { reason: `${t.size}-byte value` };
    if (!op.bits) return this.read(op.place, 0, t.size);
    const { offset, size } = op.bits;
    const bytes = this.read(op.place, 0, Math.ceil((offset + size) / 8), op.bits);
    if ('reason' in bytes) return bytes;
    let value = (littleEndian(bytes) >> BigInt(offset)) & ((1n << BigInt(size)) - 1n);
    if (t.kind === 'base' && isSigned(t) && size > 0) value = BigInt.asIntN(size, value);
    return littleEndianBytes(value, t.size);
  }

  /** `size` bytes at `offset` of `place` (of which only bits `needed` matter, when given), or why they cannot be read. */
  private read(place: Place, offset: number, size: number, needed: BitField = { offset: 0, size: 8 * size }): Uint8Array | { reason: string } {
    if ('reason' in place) return place;
    if ('address' in place) {
      const bytes = this.frame.memory.read((place.address + BigInt(offset)) & U64, size);
      return bytes.length === size ? bytes : { reason: 'unreadable' };
    }
    if (offset < 0 || offset + size > place.bytes.length) return { reason: 'optimized out' }; // not in the register or pieces that hold the value
    const known = place.known;
    for (let bit = needed.offset; known && bit < needed.offset + needed.size; bit++) {
      if (!((known[offset + (bit >> 3)]! >> (bit & 7)) & 1)) return { reason: 'optimized out' };
    }
    return place.bytes.subarray(offset, offset + size);
  }

  // ---- Expressions -------------------------------------------------------------------------

  private operand(e: Expression): Operand {
    switch (e.kind) {
      case 'number':
        return computed(e.text, e.value < 1n << 63n ? LONG : UNSIGNED_LONG, e.value);
      case 'name':
        return this.named(e.name, e.atEntry);
      case 'member': {
        const of = this.operand(e.of);
        const t = this.stripped(of.type);
        const struct = t?.kind === 'pointer' ? this.dereference(of, e.text) : of; // `.` through a pointer too, as a convenience
        const s = this.stripped(struct.type);
        if (s?.kind !== 'struct') throw invalid(`no ${e.text}: ${this.typeName(of.type)} is not a structure or union`);
        const member = s.members.find((m) => m.name === e.field);
        if (!member) throw invalid(`no ${e.text}: ${this.typeName(struct.type)} has no member ${e.field}`);
        return this.member(struct, member, e.text);
      }
      case 'index': {
        const of = this.operand(e.of);
        const index = this.integer(this.operand(e.index), e.index.text);
        const t = this.stripped(of.type);
        if (t?.kind === 'array') {
          const count = t.counts[0] ?? 0;
          if (count > 0 && (index < 0n || index >= BigInt(count))) throw invalid(`no ${e.text}: index ${index} is outside ${this.typeName(of.type)}`);
          return { ...this.element(of, t, index), name: e.text };
        }
        if (t?.kind !== 'pointer') throw invalid(`no ${e.text}: ${this.typeName(of.type)} is neither an array nor a pointer`);
        const target = this.dereference(of, e.text);
        return { ...target, place: offsetBy(target.place, index * BigInt(this.types.sizeOf(target.type))), name: e.text };
      }
      case 'unary': {
        const of = this.operand(e.of);
        if (e.op === '*') {
          const t = this.stripped(of.type);
          if (t?.kind === 'array') return { ...this.element(of, t, 0n), name: e.text };
          if (t?.kind !== 'pointer') throw invalid(`cannot dereference ${e.of.text}: ${this.typeName(of.type)} is not a pointer`);
          return { ...this.dereference(of, e.text), name: e.text };
        }
        if (e.op === '&') {
          if ('reason' in of.place) throw unavailable(`${e.of.text} is ${of.place.reason}`);
          if (!('address' in of.place) || of.bits) throw invalid(`cannot take the address of ${e.of.text}: it is not in memory as a whole`);
          return computed(e.text, pointerTo(of.type), of.place.address);
        }
        return computed(e.text, LONG, -this.integer(of, e.of.text));
      }
      case 'binary':
        return this.arithmetic(e.op, this.operand(e.left), this.operand(e.right), e);
      case 'cast': {
        let type = this.frame.map.typeNamed(e.type);
        if (!type) throw new ExpressionError('UnknownName', `no type ${e.type} in this program`, { type: e.type });
        for (let i = 0; i < e.pointers; i++) type = pointerTo(type);
        const t = this.types.stripped(type);
        if (t.kind !== 'pointer' && !(t.kind === 'base' && t.encoding !== ENCODING.float)) {
          throw invalid(`cannot cast to ${this.typeName(type)}: only to integer and pointer types`);
        }
        const size = t.kind === 'base' ? t.size : 8;
        if (size < 1 || size > 8) throw invalid(`cannot cast to ${this.typeName(type)}: only to integers of up to 8 bytes`);
        const value = this.integer(this.decayed(this.operand(e.of)), e.of.text);
        return { name: e.text, type, place: { bytes: littleEndianBytes(value, size) } };
      }
    }
  }

  /** A name: a parameter at entry (`name@entry`), a register, a variable of the frame, a global variable. */
  private named(name: string, atEntry: boolean): Operand {
    if (atEntry) {
      const parameter = this.frame.entry?.parameters.find((v) => v.name === name);
      if (!parameter)
        throw new ExpressionError('UnknownName', `no ${name}@entry: the parameters this frame was entered with are not known, or have no ${name}`, { name });
      return this.atEntry(parameter);
    }
    const register = this.frame.registers.get(name);
    if (register !== undefined) return computed(name, UNSIGNED_LONG, register);
    const variable = this.frame.variables.find((v) => v.name === name);
    if (variable) return this.current(variable);
    const global = this.frame.map.globals().find((v) => v.name === name);
    if (global) return this.global(global);
    throw new ExpressionError('UnknownName', `no ${name} in this frame`, { name });
  }

  /** `a + b` or `a - b`: on integers, a pointer and an integer (in elements, as C counts), or two pointers. */
  private arithmetic(op: '+' | '-', left: Operand, right: Operand, e: Extract<Expression, { kind: 'binary' }>): Operand {
    const [a, b] = [this.decayed(left), this.decayed(right)];
    const [ta, tb] = [this.stripped(a.type), this.stripped(b.type)];
    const step = (t: DebugType | undefined) => BigInt(t?.kind === 'pointer' ? this.types.sizeOf(this.types.resolve(t.target)) || 1 : 1);
    const [x, y] = [this.integer(a, e.left.text), this.integer(b, e.right.text)];
    if (ta?.kind === 'pointer' && tb?.kind === 'pointer') {
      if (op === '+') throw invalid(`cannot add two pointers (${e.text})`);
      return computed(e.text, LONG, BigInt.asIntN(64, x - y) / step(ta));
    }
    if (ta?.kind === 'pointer') return computed(e.text, a.type, op === '+' ? x + y * step(ta) : x - y * step(ta));
    if (tb?.kind === 'pointer') {
      if (op === '-') throw invalid(`cannot subtract a pointer from an integer (${e.text})`);
      return computed(e.text, b.type, y + x * step(tb));
    }
    const signed = ta?.kind === 'base' && isSigned(ta) && tb?.kind === 'base' && isSigned(tb);
    return computed(e.text, signed ? LONG : UNSIGNED_LONG, op === '+' ? x + y : x - y);
  }

  /** The number a scalar operand holds (signed for signed types), or a typed error. */
  private integer(op: Operand, text: string): bigint {
    const t = this.stripped(op.type);
    if (t?.kind !== 'pointer' && !(t?.kind === 'base' && t.encoding !== ENCODING.float)) {
      throw invalid(`${text} is ${t ? `of type ${this.typeName(op.type)}` : 'of no known type'}, not an integer or a pointer`);
    }
    const bytes = this.scalarBytes(op, t);
    if ('reason' in bytes) throw unavailable(`${text} is ${bytes.reason}`);
    const value = littleEndian(bytes);
    return t.kind === 'base' && isSigned(t) ? BigInt.asIntN(8 * bytes.length, value) : value;
  }

  /** An array as C uses one in arithmetic: a pointer to its first element (where it is in memory). */
  private decayed(op: Operand): Operand {
    const t = this.stripped(op.type);
    if (t?.kind !== 'array' || !('address' in op.place)) return op;
    return computed(op.name, pointerTo(this.types.elementOf(t)), op.place.address);
  }

  /** What the pointer `op` points at. */
  private dereference(op: Operand, text: string): Operand {
    const t = this.stripped(op.type);
    const target = t?.kind === 'pointer' ? this.types.resolve(t.target) : undefined;
    if (!target) throw invalid(`cannot dereference ${op.name} (${text}): it points at no known type`);
    return { name: `*${op.name}`, type: target, place: { address: this.integer(op, op.name) } };
  }

  private member(op: Operand, m: DebugMember, name: string): Operand {
    return { name, type: this.types.resolve(m.type), place: offsetBy(op.place, BigInt(m.offset)), ...(m.bits ? { bits: m.bits } : {}) };
  }

  private element(op: Operand, t: Extract<DebugType, { kind: 'array' }>, index: bigint): Operand {
    const type = this.types.elementOf(t);
    return { name: `${op.name}[${index}]`, type, place: offsetBy(op.place, index * BigInt(this.types.sizeOf(type))) };
  }

  private stripped(t: DebugType | undefined): DebugType | undefined {
    return t && this.types.stripped(t);
  }

  private typeName(t: DebugType | undefined): string {
    return this.types.nameOf(t) ?? 'a value of no known type';
  }
}

const invalid = (message: string) => new ExpressionError('InvalidOperand', message);
const unavailable = (message: string) => new ExpressionError('Unavailable', message);

/** A value an expression computed: its eight (or its type's) bytes, held apart from memory. */
function computed(name: string, type: DebugType | undefined, value: bigint): Operand {
  return { name, type, place: { bytes: littleEndianBytes(value, 8) } };
}

function offsetBy(place: Place, offset: bigint): Place {
  if ('reason' in place) return place;
  if ('address' in place) return { address: (place.address + offset) & U64 };
  if (offset < 0n || offset > BigInt(place.bytes.length)) return { reason: 'unreadable' };
  const at = Number(offset);
  return { bytes: place.bytes.subarray(at), ...(place.known ? { known: place.known.subarray(at) } : {}) };
}

function isSigned(t: Extract<DebugType, { kind: 'base' }>): boolean {
  return t.encoding === ENCODING.signed || t.encoding === ENCODING.signedChar;
}

function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

function littleEndianBytes(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(8 * size, value);
  for (let i = 0; i < size; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** A base type's bytes as C would print them. */
function formatBase(t: Extract<DebugType, { kind: 'base' }>, bytes: Uint8Array): string {
  const unsigned = littleEndian(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (t.encoding) {
    case ENCODING.boolean:
      return unsigned === 0n ? 'false' : 'true';
    case ENCODING.float:
      return String(t.size === 4 ? view.getFloat32(0, true) : t.size === 8 ? view.getFloat64(0, true) : unsigned);
    case ENCODING.signed:
    case ENCODING.signedChar: {
      const signed = bytes.length > 0 ? BigInt.asIntN(8 * bytes.length, unsigned) : 0n;
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
