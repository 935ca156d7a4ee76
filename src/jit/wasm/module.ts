/**
 * WebAssembly module and function builders (binary format, MVP + multi-value + bulk memory). The JIT writes
 * instructions through {@link Code}'s methods straight into a byte buffer; the module assembles
 * sections in the order the format requires.
 */
import { ByteWriter } from './bytes.js';
import { assertInternal } from '../../errors.js';

/** Value types. */
export enum ValType {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  FuncRef = 0x70,
}

/** A function signature. */
export interface FuncType {
  params: readonly ValType[];
  results: readonly ValType[];
}

/** Block types: empty, a single value type, or a function-type index (multi-value). */
export type BlockType = 'void' | ValType | { typeIndex: number };

const SECTION = { type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7, element: 9, code: 10, data: 11 } as const;
const EXPORT_KIND = { func: 0, table: 1, memory: 2, global: 3 } as const;

/** The body of one function under construction. */
export class Code {
  readonly w = new ByteWriter(1024);
  private readonly localGroups: [count: number, type: ValType][] = [];
  private nextLocal: number;

  constructor(readonly paramCount: number) {
    this.nextLocal = paramCount;
  }

  /** Discards the body and the declared locals (to emit the function again another way). */
  clear(): void {
    this.w.length = 0;
    this.localGroups.length = 0;
    this.nextLocal = this.paramCount;
  }

  /** Declares `count` locals of `type`; returns the index of the first. */
  locals(count: number, type: ValType): number {
    const first = this.nextLocal;
    const last = this.localGroups.at(-1);
    if (last && last[1] === type) last[0] += count;
    else this.localGroups.push([count, type]);
    this.nextLocal += count;
    return first;
  }

  private blockType(t: BlockType): void {
    if (t === 'void') this.w.byte(0x40);
    else if (typeof t === 'object') this.w.s32(t.typeIndex);
    else this.w.byte(t);
  }

  // Control.
  unreachable() {
    this.w.byte(0x00);
    return this;
  }
  nop() {
    this.w.byte(0x01);
    return this;
  }
  block(t: BlockType = 'void') {
    this.w.byte(0x02);
    this.blockType(t);
    return this;
  }
  loop(t: BlockType = 'void') {
    this.w.byte(0x03);
    this.blockType(t);
    return this;
  }
  if(t: BlockType = 'void') {
    this.w.byte(0x04);
    this.blockType(t);
    return this;
  }
  else() {
    this.w.byte(0x05);
    return this;
  }
  end() {
    this.w.byte(0x0b);
    return this;
  }
  br(depth: number) {
    this.w.byte(0x0c).u32(depth);
    return this;
  }
  brIf(depth: number) {
    this.w.byte(0x0d).u32(depth);
    return this;
  }
  brTable(depths: readonly number[], fallback: number) {
    this.w.byte(0x0e).u32(depths.length);
    for (const d of depths) this.w.u32(d);
    this.w.u32(fallback);
    return this;
  }
  return() {
    this.w.byte(0x0f);
    return this;
  }
  call(func: number) {
    this.w.byte(0x10).u32(func);
    return this;
  }
  callIndirect(typeIndex: number, table = 0) {
    this.w.byte(0x11).u32(typeIndex).u32(table);
    return this;
  }
  drop() {
    this.w.byte(0x1a);
    return this;
  }
  select() {
    this.w.byte(0x1b);
    return this;
  }

  // Variables.
  localGet(i: number) {
    this.w.byte(0x20).u32(i);
    return this;
  }
  localSet(i: number) {
    this.w.byte(0x21).u32(i);
    return this;
  }
  localTee(i: number) {
    this.w.byte(0x22).u32(i);
    return this;
  }
  globalGet(i: number) {
    this.w.byte(0x23).u32(i);
    return this;
  }
  globalSet(i: number) {
    this.w.byte(0x24).u32(i);
    return this;
  }

  // Memory: `align` is log2 of the natural alignment we promise (0 = none, which is always valid).
  private mem(opcode: number, offset: number, align: number) {
    this.w.byte(opcode).u32(align).u32(offset);
    return this;
  }
  i32Load(offset = 0, align = 0) {
    return this.mem(0x28, offset, align);
  }
  i64Load(offset = 0, align = 0) {
    return this.mem(0x29, offset, align);
  }
  i32Load8U(offset = 0) {
    return this.mem(0x2d, offset, 0);
  }
  i32Load16U(offset = 0, align = 0) {
    return this.mem(0x2f, offset, align);
  }
  i64Load8U(offset = 0) {
    return this.mem(0x31, offset, 0);
  }
  i64Load16U(offset = 0, align = 0) {
    return this.mem(0x33, offset, align);
  }
  i64Load32U(offset = 0, align = 0) {
    return this.mem(0x35, offset, align);
  }
  i32Store(offset = 0, align = 0) {
    return this.mem(0x36, offset, align);
  }
  i64Store(offset = 0, align = 0) {
    return this.mem(0x37, offset, align);
  }
  i32Store8(offset = 0) {
    return this.mem(0x3a, offset, 0);
  }
  i32Store16(offset = 0, align = 0) {
    return this.mem(0x3b, offset, align);
  }
  i64Store8(offset = 0) {
    return this.mem(0x3c, offset, 0);
  }
  i64Store16(offset = 0, align = 0) {
    return this.mem(0x3d, offset, align);
  }
  i64Store32(offset = 0, align = 0) {
    return this.mem(0x3e, offset, align);
  }

  // Bulk memory (WebAssembly 2.0), on memory 0.
  /** `memory.copy(dst, src, n)`: as `memmove`, overlapping ranges included; traps past the memory. */
  memoryCopy() {
    this.w.byte(0xfc).u32(10).byte(0x00).byte(0x00);
    return this;
  }
  /** `memory.fill(dst, byte, n)`; traps past the memory. */
  memoryFill() {
    this.w.byte(0xfc).u32(11).byte(0x00);
    return this;
  }

  // Constants.
  i32Const(v: number) {
    this.w.byte(0x41).s32(v);
    return this;
  }
  /** i64 constant from 32-bit halves (no BigInt). */
  i64Const(hi: number, lo: number) {
    this.w.byte(0x42).s64(hi, lo);
    return this;
  }
  /** i64 constant from a sign-extended 32-bit value. */
  i64ConstI32(v: number) {
    return this.i64Const(v < 0 ? -1 : 0, v);
  }
  i64ConstBig(v: bigint) {
    this.w.byte(0x42).s64Big(v);
    return this;
  }

  // Numeric (opcode bytes from the spec, §5.4.5).
  private op(b: number) {
    this.w.byte(b);
    return this;
  }
  i32Eqz() {
    return this.op(0x45);
  }
  i32Eq() {
    return this.op(0x46);
  }
  i32Ne() {
    return this.op(0x47);
  }
  i32LtS() {
    return this.op(0x48);
  }
  i32LtU() {
    return this.op(0x49);
  }
  i32GtS() {
    return this.op(0x4a);
  }
  i32GtU() {
    return this.op(0x4b);
  }
  i32LeS() {
    return this.op(0x4c);
  }
  i32LeU() {
    return this.op(0x4d);
  }
  i32GeS() {
    return this.op(0x4e);
  }
  i32GeU() {
    return this.op(0x4f);
  }
  i64Eqz() {
    return this.op(0x50);
  }
  i64Eq() {
    return this.op(0x51);
  }
  i64Ne() {
    return this.op(0x52);
  }
  i64LtS() {
    return this.op(0x53);
  }
  i64LtU() {
    return this.op(0x54);
  }
  i64GtS() {
    return this.op(0x55);
  }
  i64GtU() {
    return this.op(0x56);
  }
  i64LeS() {
    return this.op(0x57);
  }
  i64LeU() {
    return this.op(0x58);
  }
  i64GeS() {
    return this.op(0x59);
  }
  i64GeU() {
    return this.op(0x5a);
  }
  i32Clz() {
    return this.op(0x67);
  }
  i32Ctz() {
    return this.op(0x68);
  }
  i32Popcnt() {
    return this.op(0x69);
  }
  i32Add() {
    return this.op(0x6a);
  }
  i32Sub() {
    return this.op(0x6b);
  }
  i32Mul() {
    return this.op(0x6c);
  }
  i32DivS() {
    return this.op(0x6d);
  }
  i32DivU() {
    return this.op(0x6e);
  }
  i32RemS() {
    return this.op(0x6f);
  }
  i32RemU() {
    return this.op(0x70);
  }
  i32And() {
    return this.op(0x71);
  }
  i32Or() {
    return this.op(0x72);
  }
  i32Xor() {
    return this.op(0x73);
  }
  i32Shl() {
    return this.op(0x74);
  }
  i32ShrS() {
    return this.op(0x75);
  }
  i32ShrU() {
    return this.op(0x76);
  }
  i32Rotl() {
    return this.op(0x77);
  }
  i32Rotr() {
    return this.op(0x78);
  }
  i64Clz() {
    return this.op(0x79);
  }
  i64Ctz() {
    return this.op(0x7a);
  }
  i64Popcnt() {
    return this.op(0x7b);
  }
  i64Add() {
    return this.op(0x7c);
  }
  i64Sub() {
    return this.op(0x7d);
  }
  i64Mul() {
    return this.op(0x7e);
  }
  i64DivS() {
    return this.op(0x7f);
  }
  i64DivU() {
    return this.op(0x80);
  }
  i64RemS() {
    return this.op(0x81);
  }
  i64RemU() {
    return this.op(0x82);
  }
  i64And() {
    return this.op(0x83);
  }
  i64Or() {
    return this.op(0x84);
  }
  i64Xor() {
    return this.op(0x85);
  }
  i64Shl() {
    return this.op(0x86);
  }
  i64ShrS() {
    return this.op(0x87);
  }
  i64ShrU() {
    return this.op(0x88);
  }
  i64Rotl() {
    return this.op(0x89);
  }
  i64Rotr() {
    return this.op(0x8a);
  }
  i32WrapI64() {
    return this.op(0xa7);
  }
  i64ExtendI32S() {
    return this.op(0xac);
  }
  i64ExtendI32U() {
    return this.op(0xad);
  }

  /** The function body: local declarations, instructions and the final `end`. */
  encode(): ByteWriter {
    const body = new ByteWriter(this.w.length + 16);
    body.u32(this.localGroups.length);
    for (const [count, type] of this.localGroups) body.u32(count).byte(type);
    body.bytes(this.w.view()).byte(0x0b);
    return body;
  }
}

interface Import {
  module: string;
  name: string;
  kind: 'func' | 'memory';
  typeIndex?: number;
  minPages?: number;
}

/** A module under construction. Imported functions take the lowest function indices. */
export class ModuleBuilder {
  private readonly types: FuncType[] = [];
  private readonly typeKeys = new Map<string, number>();
  private readonly imports: Import[] = [];
  private readonly funcs: { typeIndex: number; code: Code }[] = [];
  private readonly exports: { name: string; kind: keyof typeof EXPORT_KIND; index: number }[] = [];
  private readonly globals: { type: ValType; mutable: boolean; init: bigint | number }[] = [];
  private memory: { minPages: number; maxPages?: number } | undefined;
  private table: { size: number; elements: number[] } | undefined;

  /** Index of a function type, deduplicated. */
  type(params: readonly ValType[], results: readonly ValType[]): number {
    const key = `${params.join(',')}>${results.join(',')}`;
    let index = this.typeKeys.get(key);
    if (index === undefined) {
      index = this.types.length;
      this.types.push({ params, results });
      this.typeKeys.set(key, index);
    }
    return index;
  }

  /** Imports a host function; returns its function index. Call before adding functions. */
  importFunction(module: string, name: string, params: readonly ValType[], results: readonly ValType[]): number {
    assertInternal(this.funcs.length === 0, 'WebAssembly imports must precede defined functions');
    this.imports.push({ module, name, kind: 'func', typeIndex: this.type(params, results) });
    return this.importedFunctionCount() - 1;
  }

  /** Imports a linear memory. */
  importMemory(module: string, name: string, minPages: number): void {
    this.imports.push({ module, name, kind: 'memory', minPages });
  }

  /** Declares the module's own memory. */
  defineMemory(minPages: number, maxPages?: number): void {
    this.memory = { minPages, maxPages };
  }

  private importedFunctionCount(): number {
    return this.imports.filter((i) => i.kind === 'func').length;
  }

  /** Adds a function; returns its index and its code builder. */
  addFunction(params: readonly ValType[], results: readonly ValType[]): { index: number; code: Code } {
    const code = new Code(params.length);
    this.funcs.push({ typeIndex: this.type(params, results), code });
    return { index: this.importedFunctionCount() + this.funcs.length - 1, code };
  }

  /** Adds a global; returns its index. */
  addGlobal(type: ValType.I32 | ValType.I64, mutable: boolean, init: number | bigint): number {
    this.globals.push({ type, mutable, init });
    return this.globals.length - 1;
  }

  /** A funcref table holding `elements` (function indices) from slot 0, for `call_indirect`. */
  defineTable(elements: number[]): void {
    this.table = { size: elements.length, elements };
  }

  export(name: string, kind: keyof typeof EXPORT_KIND, index: number): void {
    this.exports.push({ name, kind, index });
  }

  /** The binary module. */
  encode(): Uint8Array<ArrayBuffer> {
    const out = new ByteWriter(1024);
    out.bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, fill: (w: ByteWriter) => void) => {
      const w = new ByteWriter();
      fill(w);
      out.byte(id).sized(w);
    };
    section(SECTION.type, (w) => {
      w.u32(this.types.length);
      for (const t of this.types) {
        w.byte(0x60).u32(t.params.length).bytes(t.params).u32(t.results.length).bytes(t.results);
      }
    });
    if (this.imports.length) {
      section(SECTION.import, (w) => {
        w.u32(this.imports.length);
        for (const i of this.imports) {
          w.name(i.module).name(i.name);
          if (i.kind === 'func') w.byte(0x00).u32(i.typeIndex!);
          else w.byte(0x02).byte(0x00).u32(i.minPages!);
        }
      });
    }
    section(SECTION.function, (w) => {
      w.u32(this.funcs.length);
      for (const f of this.funcs) w.u32(f.typeIndex);
    });
    if (this.table) {
      const size = this.table.size;
      section(SECTION.table, (w) => w.u32(1).byte(ValType.FuncRef).byte(0x00).u32(size));
    }
    if (this.memory) {
      const m = this.memory;
      section(SECTION.memory, (w) => {
        w.u32(1);
        if (m.maxPages === undefined) w.byte(0x00).u32(m.minPages);
        else w.byte(0x01).u32(m.minPages).u32(m.maxPages);
      });
    }
    if (this.globals.length) {
      section(SECTION.global, (w) => {
        w.u32(this.globals.length);
        for (const g of this.globals) {
          w.byte(g.type).byte(g.mutable ? 1 : 0);
          if (g.type === ValType.I32) w.byte(0x41).s32(Number(g.init));
          else w.byte(0x42).s64Big(BigInt(g.init));
          w.byte(0x0b);
        }
      });
    }
    if (this.exports.length) {
      section(SECTION.export, (w) => {
        w.u32(this.exports.length);
        for (const e of this.exports) w.name(e.name).byte(EXPORT_KIND[e.kind]).u32(e.index);
      });
    }
    if (this.table && this.table.elements.length) {
      const elements = this.table.elements;
      section(SECTION.element, (w) => {
        w.u32(1).u32(0).byte(0x41).s32(0).byte(0x0b).u32(elements.length);
        for (const f of elements) w.u32(f);
      });
    }
    section(SECTION.code, (w) => {
      w.u32(this.funcs.length);
      for (const f of this.funcs) w.sized(f.code.encode());
    });
    return out.toBytes();
  }
}
