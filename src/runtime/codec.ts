/**
 * Byte layouts declared once: a codec says how a value is written and read (little-endian,
 * bincode's conventions: u64 collection lengths, a 0/1 byte before an optional value, a u32 tag
 * before an enum variant). Sysvars, account states and instruction data declare their fields with
 * these instead of writing offsets by hand. A struct of fixed-size fields declared with
 * {@link layout} also gives each field's byte offset, so the per-transaction hot paths
 * (serialization, CPI, syscalls) read and write a field in place at an offset derived from the
 * declaration instead of decoding the whole struct.
 */
import { assertInternal } from '../errors.js';
import { decodeAddress, encodeAddress } from './accounts.js';

/** Why a read failed: the bytes ran out, or a tag or bool held a value the layout does not have. */
export type Malformation = 'short' | 'invalid';

/** A little-endian reader that reports malformed input through `malformed` (which throws). */
export class ByteReader {
  /** Offset of the next byte to read. */
  at = 0;
  private readonly view: DataView;
  /** One past the last byte that may be read. */
  readonly end: number;

  constructor(
    private readonly data: Uint8Array,
    readonly malformed: (why: Malformation) => never,
    limit = data.length,
  ) {
    this.end = Math.min(data.length, limit);
    this.view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  /** Advances past `n` bytes; returns where they start. */
  private take(n: number): number {
    if (this.at + n > this.end) this.malformed('short');
    this.at += n;
    return this.at - n;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.end - this.at;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }
  u16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }
  i64(): bigint {
    return this.view.getBigInt64(this.take(8), true);
  }
  f64(): number {
    return this.view.getFloat64(this.take(8), true);
  }
  /** A bool: 0 or 1, anything else is malformed. */
  bool(): boolean {
    const b = this.u8();
    if (b > 1) this.malformed('invalid');
    return b === 1;
  }
  /** An `Option` tag: whether a value follows. */
  option(): boolean {
    return this.bool();
  }
  /** A u64 collection length whose `elementBytes`-sized elements must fit in what is left. */
  length(elementBytes: number): number {
    const n = this.u64();
    if (n * BigInt(elementBytes) > BigInt(this.remaining)) this.malformed('short');
    return Number(n);
  }
  pubkey(): string {
    const at = this.take(32);
    return encodeAddress(this.data.subarray(at, at + 32));
  }
  /** A u64-length-prefixed UTF-8 string. */
  string(): string {
    const raw = this.bytes(this.length(1));
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      return this.malformed('invalid');
    }
  }
  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return this.data.subarray(at, at + n);
  }
}

/** A little-endian writer into a buffer of known size. */
export class ByteWriter {
  at = 0;
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(v: number): void {
    this.view.setUint8(this.at++, v);
  }
  u16(v: number): void {
    this.view.setUint16(this.at, v, true);
    this.at += 2;
  }
  u32(v: number): void {
    this.view.setUint32(this.at, v, true);
    this.at += 4;
  }
  /** Any bigint, stored modulo 2^64 (an i64 writes the same bytes). */
  u64(v: bigint): void {
    this.view.setBigUint64(this.at, BigInt.asUintN(64, v), true);
    this.at += 8;
  }
  f64(v: number): void {
    this.view.setFloat64(this.at, v, true);
    this.at += 8;
  }
  raw(bytes: Uint8Array): void {
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
  }
}

/** How values of type `T` are laid out in bytes. */
export interface Codec<T> {
  /** Bytes `value` takes. */
  size(value: T): number;
  /** Bytes every value takes, when that does not depend on the value. */
  readonly fixedSize?: number;
  write(w: ByteWriter, value: T): void;
  read(r: ByteReader): T;
}

/** The value type of a codec. */
export type ValueOf<C> = C extends Codec<infer T> ? T : never;

const fixed = <T>(bytes: number, write: (w: ByteWriter, v: T) => void, read: (r: ByteReader) => T): Codec<T> => ({
  size: () => bytes,
  fixedSize: bytes,
  write,
  read,
});

export const u8: Codec<number> = fixed(
  1,
  (w, v) => w.u8(v),
  (r) => r.u8(),
);
export const u16: Codec<number> = fixed(
  2,
  (w, v) => w.u16(v),
  (r) => r.u16(),
);
export const u32: Codec<number> = fixed(
  4,
  (w, v) => w.u32(v),
  (r) => r.u32(),
);
export const u64: Codec<bigint> = fixed(
  8,
  (w, v) => w.u64(v),
  (r) => r.u64(),
);
export const i64: Codec<bigint> = fixed(
  8,
  (w, v) => w.u64(v),
  (r) => r.i64(),
);
export const f64: Codec<number> = fixed(
  8,
  (w, v) => w.f64(v),
  (r) => r.f64(),
);
/** A u128 as two u64 halves, low first. */
export const u128: Codec<bigint> = fixed(
  16,
  (w, v) => {
    w.u64(v);
    w.u64(v >> 64n);
  },
  (r) => r.u64() | (r.u64() << 64n),
);
export const bool: Codec<boolean> = fixed(
  1,
  (w, v) => w.u8(v ? 1 : 0),
  (r) => r.bool(),
);
/** A 32-byte address or hash, as base58. */
export const pubkey: Codec<string> = fixed(
  32,
  (w, v) => w.raw(decodeAddress(v)),
  (r) => r.pubkey(),
);
/** `n` raw bytes. */
export const bytes = (n: number): Codec<Uint8Array> =>
  fixed(
    n,
    (w, v) => w.raw(v.subarray(0, n)),
    (r) => r.bytes(n),
  );

/** `n` bytes of alignment padding in a `#[repr(C)]` struct: written as zeros whatever the value, read as the bytes there. */
export const padding = (n: number): Codec<Uint8Array | undefined> =>
  fixed(
    n,
    (w) => w.raw(new Uint8Array(n)),
    (r) => r.bytes(n),
  );

const utf8 = new TextEncoder();
/** A `String`: a u64 length, then UTF-8. */
export const string: Codec<string> = {
  size: (v) => 8 + utf8.encode(v).length,
  write: (w, v) => {
    const encoded = utf8.encode(v);
    w.u64(BigInt(encoded.length));
    w.raw(encoded);
  },
  read: (r) => r.string(),
};

/** A `Vec<u8>`: a u64 length, then the bytes (read as a view, not a copy). */
export const byteVec: Codec<Uint8Array> = {
  size: (v) => 8 + v.length,
  write: (w, v) => {
    w.u64(BigInt(v.length));
    w.raw(v);
  },
  read: (r) => r.bytes(r.length(1)),
};

/** `Option<T>`: a 0/1 byte, then the value when 1; `undefined` is None. */
export const option = <T>(inner: Codec<T>): Codec<T | undefined> => ({
  size: (v) => (v === undefined ? 1 : 1 + inner.size(v)),
  write: (w, v) => {
    w.u8(v === undefined ? 0 : 1);
    if (v !== undefined) inner.write(w, v);
  },
  read: (r) => (r.option() ? inner.read(r) : undefined),
});

/** `Vec<T>` of fixed-size elements: a u64 length, then the elements. */
export const vec = <T>(element: Codec<T>, elementBytes: number): Codec<T[]> => ({
  size: (v) => 8 + elementBytes * v.length,
  write: (w, v) => {
    w.u64(BigInt(v.length));
    for (const e of v) element.write(w, e);
  },
  read: (r) => Array.from({ length: r.length(elementBytes) }, () => element.read(r)),
});

/** A struct: its fields in declaration order (of a fixed size when every field is). */
export function struct<F extends Record<string, Codec<unknown>>>(fields: F): Codec<{ [K in keyof F]: ValueOf<F[K]> }> {
  type T = { [K in keyof F]: ValueOf<F[K]> };
  const entries = Object.entries(fields) as [keyof F & string, Codec<unknown>][];
  const fixedSize = entries.every(([, c]) => c.fixedSize !== undefined) ? entries.reduce((n, [, c]) => n + (c.fixedSize as number), 0) : undefined;
  return {
    size: (v) => fixedSize ?? entries.reduce((n, [name, c]) => n + c.size(v[name]), 0),
    fixedSize,
    write: (w, v) => {
      for (const [name, c] of entries) c.write(w, v[name]);
    },
    read: (r) => {
      const out = {} as T;
      for (const [name, c] of entries) out[name] = c.read(r) as T[typeof name];
      return out;
    },
  };
}

/** A struct of fixed-size fields, with each field's byte offset and the struct's size. */
export interface Layout<F extends Record<string, Codec<unknown>>> extends Codec<{ [K in keyof F]: ValueOf<F[K]> }> {
  readonly fixedSize: number;
  /** Where each field starts, from the struct's first byte. */
  readonly offsets: Readonly<{ [K in keyof F]: number }>;
}

/**
 * A struct of fixed-size fields (a C or `#[repr(C)]` struct with its padding declared as bytes, or
 * a bincode struct without collections): a {@link struct} that also tells where each field sits,
 * for code that reads fields in place. A field whose size depends on its value is refused.
 */
export function layout<F extends Record<string, Codec<unknown>>>(fields: F): Layout<F> {
  const offsets = {} as { [K in keyof F]: number };
  let at = 0;
  for (const [name, c] of Object.entries(fields) as [keyof F & string, Codec<unknown>][]) {
    assertInternal(c.fixedSize !== undefined, `layout field ${name} has no fixed size`);
    offsets[name] = at;
    at += c.fixedSize;
  }
  return { ...struct(fields), fixedSize: at, offsets: Object.freeze(offsets) };
}

/** One variant of an {@link enumeration}: its name under `kind`, then its fields. */
type Variant<K extends string, F> = { kind: K } & F;

/** An {@link enumeration}'s codec, with each variant's tag. */
export interface Enumeration<V extends Record<string, Codec<object>>> extends Codec<{ [K in keyof V & string]: Variant<K, ValueOf<V[K]>> }[keyof V & string]> {
  /** Each variant's tag, by name. */
  readonly tags: Readonly<{ [K in keyof V & string]: number }>;
}

/**
 * A Rust enum as bincode lays it out: a tag (the variant's position in `variants`; a u32, or the
 * u8 that borsh writes), then the variant's fields. Values carry the variant's name in `kind`.
 */
export function enumeration<V extends Record<string, Codec<object>>>(variants: V, tag: Codec<number> = u32): Enumeration<V> {
  type T = { [K in keyof V & string]: Variant<K, ValueOf<V[K]>> }[keyof V & string];
  const names = Object.keys(variants) as (keyof V & string)[];
  const tags = Object.freeze(Object.fromEntries(names.map((name, n) => [name, n]))) as { [K in keyof V & string]: number };
  const variant = (kind: string) => variants[kind] as Codec<object>;
  const tagBytes = tag.fixedSize as number;
  return {
    tags,
    size: (v) => tagBytes + variant(v.kind).size(v),
    write: (w, v) => {
      tag.write(w, tags[v.kind as keyof V & string]);
      variant(v.kind).write(w, v);
    },
    read: (r) => {
      const kind = names[tag.read(r)];
      if (kind === undefined) r.malformed('invalid');
      return { kind, ...variant(kind).read(r) } as T;
    },
  };
}

/** The bytes of `value`, in a buffer of `length` bytes (zero-padded; at least the value's size). */
export function encode<T>(codec: Codec<T>, value: T, length?: number): Uint8Array {
  const size = codec.size(value);
  const w = new ByteWriter(new Uint8Array(Math.max(size, length ?? size)));
  codec.write(w, value);
  return w.bytes;
}

/** `codec`'s value at the start of `data` (trailing bytes are ignored); `malformed` throws the caller's error. */
export function decode<T>(codec: Codec<T>, data: Uint8Array, malformed: (why: Malformation) => never): T {
  return codec.read(new ByteReader(data, malformed));
}

/** A sentinel for {@link decodeOrUndefined}: never escapes it. */
const NOT_DECODABLE = Symbol('not decodable');

/** `codec`'s value at the start of `data`, or undefined when the bytes do not decode. */
export function decodeOrUndefined<T>(codec: Codec<T>, data: Uint8Array): T | undefined {
  try {
    return decode(codec, data, () => {
      throw NOT_DECODABLE;
    });
  } catch (e) {
    if (e === NOT_DECODABLE) return undefined;
    throw e;
  }
}
