/**
 * A growable byte buffer with LEB128 writers: the lowest layer of our WebAssembly emitter. It
 * grows by doubling and writes in place, so emitting an instruction allocates nothing.
 */

/** Growable little-endian byte sink. */
export class ByteWriter {
  private buf: Uint8Array<ArrayBuffer>;
  /** Bytes written so far. */
  length = 0;

  constructor(initialCapacity = 256) {
    this.buf = new Uint8Array(initialCapacity);
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  /** One byte. */
  byte(b: number): this {
    this.reserve(1);
    this.buf[this.length++] = b;
    return this;
  }

  /** Raw bytes. */
  bytes(b: Uint8Array | readonly number[]): this {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** Unsigned LEB128 of a number in [0, 2^53). */
  u32(v: number): this {
    this.reserve(8);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.buf[this.length++] = b;
    } while (v !== 0);
    return this;
  }

  /** Signed LEB128 of a 32-bit integer. */
  s32(v: number): this {
    this.reserve(5);
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) {
        this.buf[this.length++] = b;
        return this;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /**
   * Signed LEB128 of the 64-bit integer whose halves are `hi` and `lo` (each read as 32 bits), so
   * i64 constants need no BigInt.
   */
  s64(hi: number, lo: number): this {
    this.reserve(10);
    hi |= 0;
    lo >>>= 0;
    for (;;) {
      const b = lo & 0x7f;
      // Arithmetic shift of the 64-bit pair by 7.
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>= 7;
      const done = (hi === 0 && lo === 0 && (b & 0x40) === 0) || (hi === -1 && lo === 0xffffffff && (b & 0x40) !== 0);
      if (done) {
        this.buf[this.length++] = b;
        return this;
      }
      this.buf[this.length++] = b | 0x80;
    }
  }

  /** Signed LEB128 of a BigInt in the i64 range. */
  s64Big(v: bigint): this {
    const u = BigInt.asUintN(64, v);
    return this.s64(Number(u >> 32n) | 0, Number(u & 0xffffffffn));
  }

  /** A length-prefixed UTF-8 name. */
  name(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.u32(b.length).bytes(b);
  }

  /** A section or body: `u32 length` then the bytes of `inner`. */
  sized(inner: ByteWriter): this {
    return this.u32(inner.length).bytes(inner.view());
  }

  /** The bytes written (a view, valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /** A copy of the bytes written. */
  toBytes(): Uint8Array<ArrayBuffer> {
    return this.buf.slice(0, this.length);
  }
}
