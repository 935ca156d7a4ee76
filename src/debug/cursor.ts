/**
 * A bounds-checked little-endian reader over one DWARF section: fixed-size integers, LEB128,
 * NUL-terminated strings and the 4- or 8-byte offsets of 32- and 64-bit DWARF. Every read past the
 * end throws a {@link DebugInfoError}, so malformed input never reads outside its section.
 */
import { malformed } from './errors.js';
import { u64AsNumber } from '../runtime/bytes.js';

/** Numbers beyond this lose precision; DWARF values of an sBPF program stay far below it. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;

export class Cursor {
  private readonly view: DataView;

  constructor(
    /** Section name, for messages. */
    readonly section: string,
    readonly bytes: Uint8Array,
    /** Position of the next read. */
    public at = 0,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.at >= this.bytes.length;
  }

  /** Fails unless `n` more bytes are there; returns the position before them and moves past. */
  private take(n: number): number {
    const at = this.at;
    if (!(n >= 0) || at + n > this.bytes.length) throw malformed(this.section, `read of ${n} bytes at ${at} past the end (${this.bytes.length})`);
    this.at = at + n;
    return at;
  }

  skip(n: number): void {
    this.take(n);
  }
  u8(): number {
    return this.bytes[this.take(1)];
  }
  i8(): number {
    return this.view.getInt8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  u24(): number {
    const at = this.take(3);
    return this.bytes[at] | (this.bytes[at + 1] << 8) | (this.bytes[at + 2] << 16);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  u64(): number {
    return u64AsNumber(this.view, this.take(8));
  }
  /** An unsigned 64-bit integer, exactly. */
  u64n(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }
  /** An unsigned integer of `size` bytes (1, 2, 4 or 8). */
  uint(size: number): number {
    switch (size) {
      case 1:
        return this.u8();
      case 2:
        return this.u16();
      case 4:
        return this.u32();
      case 8:
        return this.u64();
      default:
        throw malformed(this.section, `unsupported integer size ${size}`);
    }
  }
  /** A section offset: 4 bytes in 32-bit DWARF, 8 in 64-bit. */
  offset(is64: boolean): number {
    return is64 ? this.u64() : this.u32();
  }
  uleb(): number {
    return this.leb(false);
  }
  sleb(): number {
    return this.leb(true);
  }
  /** LEB128: 7 bits a byte, low first; bits beyond 2^53 are dropped, a signed value's sign kept. */
  private leb(signed: boolean): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      if (scale <= MAX_EXACT) value += (b & 0x7f) * scale;
      scale *= 128;
      if (!(b & 0x80)) return signed && b & 0x40 && scale <= MAX_EXACT * 128 ? value - scale : value;
    }
  }
  /** LEB128 as a 64-bit two's complement integer, exactly (bits beyond 64 are dropped). */
  leb64(signed: boolean): bigint {
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.u8();
      if (shift < 64n) value |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (!(b & 0x80)) return BigInt.asUintN(64, signed && b & 0x40 && shift < 64n ? value - (1n << shift) : value);
    }
  }
  /** A NUL-terminated string (UTF-8). */
  cstring(): string {
    const end = this.bytes.indexOf(0, this.at);
    if (end < 0) throw malformed(this.section, `unterminated string at ${this.at}`);
    const s = new TextDecoder().decode(this.bytes.subarray(this.at, end));
    this.at = end + 1;
    return s;
  }
  /** The next `n` bytes, as a view. */
  slice(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }

  /**
   * A unit's initial length: returns where the unit ends and whether it is 64-bit DWARF
   * (`0xffffffff` escape), failing when the unit does not fit in the section.
   */
  unitLength(): { end: number; is64: boolean } {
    let length = this.u32();
    const is64 = length === 0xffff_ffff;
    if (is64) length = this.u64();
    else if (length >= 0xffff_fff0) throw malformed(this.section, `reserved unit length ${length.toString(16)}`);
    const end = this.at + length;
    if (end > this.bytes.length) throw malformed(this.section, `unit of ${length} bytes at ${this.at} runs past the end`);
    return { end, is64 };
  }
}

/** A string at `offset` of a string section (`.debug_str`, `.debug_line_str`). */
export function stringAt(section: string, bytes: Uint8Array, offset: number): string {
  if (!(offset >= 0) || offset >= bytes.length) throw malformed(section, `string offset ${offset} out of bounds`);
  return new Cursor(section, bytes, offset).cstring();
}
