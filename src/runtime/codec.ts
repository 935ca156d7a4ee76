/**
 * Byte layouts declared once: a codec says how a value is written and read (little-endian, a 0/1
 * byte before an optional value, a length before a collection whose width is the layout's choice:
 * bincode's u64 for the runtime's sysvars, account states and instruction data, a u32 for websvm's
 * own saved-state and ledger files). Every layout declares its fields with these instead of
 * writing offsets by hand. A struct of fixed-size fields declared with
 * {@link layout} also gives each field's byte offset, so the per-transaction hot paths
 * (serialization, CPI, syscalls) read and write a field in place at an offset derived from the
 * declaration instead of decoding the whole struct.
 */
import { assertInternal, WebsvmError } from '../errors.js';
import { decodeAddress, encodeAddress } from './accounts.js';

/** Why a read failed: the bytes ran out, or a tag or bool held a value the layout does not have. */
export type Malformation = 'short' | 'invalid';

/** What a reader calls on malformed input (it throws): why, and where and what in words. */
export type MalformedHandler = (why: Malformation, detail: string) => never;

/** Input that does not match the layout of a saved file: truncated, or a value the layout does not allow (kind `MalformedData`). */
export class LayoutError extends WebsvmError<'MalformedData'> {
  constructor(message: string) {
    super('MalformedData', message);
  }
}

/** Throws a {@link LayoutError} saying where the input failed: how saved files refuse malformed bytes. */
export const layoutMalformed: MalformedHandler = (_why, detail) => {
  throw new LayoutError(detail);
};

/** The width of a collection's length: bincode's u64, or the u32 of websvm's own file formats. */
export interface LengthPrefix {
  readonly size: number;
  write(w: ByteWriter, n: number): void;
  read(r: ByteReader): bigint;
}
export const U64_LENGTH: LengthPrefix = { size: 8, write: (w, n) => w.u64(BigInt(n)), read: (r) => r.u64() };
export const U32_LENGTH: LengthPrefix = { size: 4, write: (w, n) => w.u32(n), read: (r) => BigInt(r.u32()) };

const WIDE_BYTES = new Uint8Array(8);
const WIDE = new DataView(WIDE_BYTES.buffer);

/** A little-endian reader that reports malformed input through `malformed` (which throws). */
export class ByteReader {
  /** Offset of the next byte to read. */
  at = 0;
  /** One past the last byte that may be read. */
  readonly end: number;

  constructor(
    private readonly data: Uint8Array,
    readonly malformed: MalformedHandler,
    limit = data.length,
  ) {
    this.end = Math.min(data.length, limit);
  }

  /**
   * The next 8 bytes, copied into {@link WIDE} to be read there: a DataView over every decoded
   * instruction cost more than the copy (readers are made per instruction and read a field or two).
   */
  private wide(): DataView {
    const at = this.take(8);
    for (let i = 0; i < 8; i++) WIDE_BYTES[i] = this.data[at + i]!;
    return WIDE;
  }

  /** Advances past `n` bytes; returns where they start. */
  private take(n: number): number {
    if (this.at + n > this.end) this.malformed('short', `needs ${n} bytes at offset ${this.at}, only ${this.remaining} left`);
    this.at += n;
    return this.at - n;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.end - this.at;
  }

  u8(): number {
    return this.data[this.take(1)]!;
  }
  u16(): number {
    const at = this.take(2);
    return this.data[at]! | (this.data[at + 1]! << 8);
  }
  i16(): number {
    return (this.u16() << 16) >> 16;
  }
  u32(): number {
    const at = this.take(4);
    const d = this.data;
    return (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
  }
  u64(): bigint {
    return this.wide().getBigUint64(0, true);
  }
  i64(): bigint {
    return this.wide().getBigInt64(0, true);
  }
  f64(): number {
    return this.wide().getFloat64(0, true);
  }
  /** A bool: 0 or 1, anything else is malformed. */
  bool(): boolean {
    const b = this.u8();
    if (b > 1) this.malformed('invalid', `${b} is not a boolean`);
    return b === 1;
  }
  /** An `Option` tag: whether a value follows. */
  option(): boolean {
    return this.bool();
  }
  /** A collection length (`prefix` wide) whose elements, each at least `elementBytes` long, must fit in what is left. */
  length(elementBytes: number, prefix: LengthPrefix = U64_LENGTH): number {
    const n = prefix.read(this);
    if (n * BigInt(elementBytes) > BigInt(this.remaining))
      this.malformed('short', `a count of ${n} at offset ${this.at - prefix.size} exceeds the ${this.remaining} bytes left`);
    return Number(n);
  }
  pubkey(): string {
    const at = this.take(32);
    return encodeAddress(this.data.subarray(at, at + 32));
  }
  /** A length-prefixed UTF-8 string. */
  string(prefix: LengthPrefix = U64_LENGTH): string {
    const raw = this.bytes(this.length(1, prefix));
    try {
      return utf8Decoder.decode(raw);
    } catch {
      return this.malformed('invalid', 'text is not valid UTF-8');
    }
  }
  /** `n` raw bytes (a view, not a copy). */
  bytes(n: number): Uint8Array {
    const at = this.take(n);
    return this.data.subarray(at, at + n);
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * A little-endian writer: into a buffer of known size (given; writing past its end throws), or
 * into one of its own that grows as values are written (none given; {@link finish} returns them).
 */
export class ByteWriter {
  at = 0;
  private buffer: Uint8Array;
  private view: DataView;
  private readonly grows: boolean;
  constructor(bytes?: Uint8Array) {
    this.grows = bytes === undefined;
    this.buffer = bytes ?? new Uint8Array(4096);
    this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  }
  /** The buffer written into (for a growing writer, with room to spare after {@link at}). */
  get bytes(): Uint8Array {
    return this.buffer;
  }
  /** Where the next `n` bytes go: a growing writer makes room for them first (replacing its buffer, so claim before touching it). */
  private claim(n: number): number {
    const at = this.at;
    if (this.grows && at + n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, at + n));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.at = at + n;
    return at;
  }
  u8(v: number): void {
    const at = this.claim(1);
    this.view.setUint8(at, v);
  }
  u16(v: number): void {
    const at = this.claim(2);
    this.view.setUint16(at, v, true);
  }
  u32(v: number): void {
    const at = this.claim(4);
    this.view.setUint32(at, v, true);
  }
  /** Any bigint, stored modulo 2^64 (an i64 writes the same bytes). */
  u64(v: bigint): void {
    const at = this.claim(8);
    this.view.setBigUint64(at, BigInt.asUintN(64, v), true);
  }
  f64(v: number): void {
    const at = this.claim(8);
    this.view.setFloat64(at, v, true);
  }
  raw(bytes: Uint8Array): void {
    const at = this.claim(bytes.length);
    this.buffer.set(bytes, at);
  }
  /** Everything written, in an array of its own. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.at);
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

/** A {@link struct}'s codec: it can also read its fields into an object the caller made. */
export interface StructCodec<T> extends Codec<T> {
  readInto<O extends object>(r: ByteReader, out: O): O & T;
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
export const i16: Codec<number> = fixed(
  2,
  (w, v) => w.u16(v),
  (r) => r.i16(),
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

/** A u64 the program keeps as a number: refused beyond 2^53 - 1. */
export const u64Number: Codec<number> = fixed(
  8,
  (w, v) => w.u64(BigInt(v)),
  (r) => {
    const v = r.u64();
    return v > BigInt(Number.MAX_SAFE_INTEGER) ? r.malformed('invalid', `${v} is too large a number`) : Number(v);
  },
);

/** A copy of `view` in an array of its own (a Node `Buffer`'s `slice` would share memory). */
const copied = (view: Uint8Array): Uint8Array => {
  const out = new Uint8Array(view.length);
  out.set(view);
  return out;
};

/** Exactly `n` bytes, read as a copy; writing another length is refused. */
export const fixedBytes = (n: number): Codec<Uint8Array> =>
  fixed(
    n,
    (w, v) => {
      if (v.length !== n) throw new LayoutError(`expected ${n} bytes, got ${v.length}`);
      w.raw(v);
    },
    (r) => copied(r.bytes(n)),
  );

const utf8 = new TextEncoder();
/** A string: a `prefix`-wide length, then UTF-8. */
export const text = (prefix: LengthPrefix): Codec<string> => ({
  size: (v) => prefix.size + utf8.encode(v).length,
  write: (w, v) => {
    const encoded = utf8.encode(v);
    prefix.write(w, encoded.length);
    w.raw(encoded);
  },
  read: (r) => r.string(prefix),
});
/** A Rust `String` (u64 length). */
export const string = text(U64_LENGTH);
/** Text in websvm's file formats (u32 length). */
export const utf8Text = text(U32_LENGTH);

/** Bytes after a `prefix`-wide length, read as a view into the input or as a copy. */
export const lengthPrefixedBytes = (prefix: LengthPrefix, read: 'view' | 'copy'): Codec<Uint8Array> => ({
  size: (v) => prefix.size + v.length,
  write: (w, v) => {
    prefix.write(w, v.length);
    w.raw(v);
  },
  read: read === 'view' ? (r) => r.bytes(r.length(1, prefix)) : (r) => copied(r.bytes(r.length(1, prefix))),
});
/** A `Vec<u8>`: a u64 length, then the bytes (read as a view, not a copy). */
export const byteVec = lengthPrefixedBytes(U64_LENGTH, 'view');
/** Bytes in websvm's file formats: a u32 length, then the bytes (read as a copy). */
export const u32Bytes = lengthPrefixedBytes(U32_LENGTH, 'copy');

/** `Option<T>`: a 0/1 byte, then the value when 1; `undefined` is None. */
export const option = <T>(inner: Codec<T>): Codec<T | undefined> => ({
  size: (v) => (v === undefined ? 1 : 1 + inner.size(v)),
  write: (w, v) => {
    w.u8(v === undefined ? 0 : 1);
    if (v !== undefined) inner.write(w, v);
  },
  read: (r) => (r.option() ? inner.read(r) : undefined),
});

/**
 * A collection: a `prefix`-wide length (bincode's u64 by default), then the elements, each at
 * least `elementBytes` long (a length the rest of the input cannot hold is malformed).
 */
export const vec = <T>(element: Codec<T>, elementBytes: number, prefix: LengthPrefix = U64_LENGTH): Codec<T[]> => ({
  size: (v) => prefix.size + (element.fixedSize !== undefined ? element.fixedSize * v.length : v.reduce((n, e) => n + element.size(e), 0)),
  write: (w, v) => {
    prefix.write(w, v.length);
    for (const e of v) element.write(w, e);
  },
  read: (r) => {
    // A loop: Array.from over an array-like costs ten times as much, on every instruction decoded.
    const items: T[] = [];
    for (let i = r.length(elementBytes, prefix); i > 0; i--) items.push(element.read(r));
    return items;
  },
});

/** A list in websvm's file formats: a u32 count, then the items (each written as at least one byte). */
export const array = <T>(item: Codec<T>): Codec<T[]> => vec(item, 1, U32_LENGTH);

/** One of `names`, as {@link utf8Text}. */
export function oneOf<const N extends string>(names: readonly N[], what: string): Codec<N> {
  return {
    size: (v) => utf8Text.size(v),
    write: (w, v) => utf8Text.write(w, v),
    read: (r) => {
      const name = utf8Text.read(r);
      return (names as readonly string[]).includes(name) ? (name as N) : r.malformed('invalid', `unknown ${what} ${JSON.stringify(name)}`);
    },
  };
}

/**
 * A `{ kind, …fields }` union in websvm's file formats: the kind's name as text, then the fields of
 * its variant. `fieldless` lists the kinds that have none.
 */
export function tagged<T extends { kind: string }>(what: string, fieldless: readonly string[], variants: { [K in string]?: Codec<object> }): Codec<T> {
  const kind = oneOf([...fieldless, ...Object.keys(variants)], what);
  return {
    size: (v) => kind.size(v.kind) + (variants[v.kind]?.size(v) ?? 0),
    write: (w, v) => {
      kind.write(w, v.kind);
      variants[v.kind]?.write(w, v);
    },
    read: (r) => {
      const name = kind.read(r);
      return { kind: name, ...variants[name]?.read(r) } as T;
    },
  };
}

/** A value kept as `A` in the layout and as `B` in memory (`decode` may throw a {@link LayoutError}). */
export function mapped<A, B>(inner: Codec<A>, decode: (a: A) => B, encode: (b: B) => A): Codec<B> {
  return { size: (v) => inner.size(encode(v)), write: (w, v) => inner.write(w, encode(v)), read: (r) => decode(inner.read(r)) };
}

/** A struct: its fields in declaration order (of a fixed size when every field is). */
export function struct<F extends Record<string, Codec<unknown>>>(fields: F): StructCodec<{ [K in keyof F]: ValueOf<F[K]> }> {
  type T = { [K in keyof F]: ValueOf<F[K]> };
  const entries = Object.entries(fields) as [keyof F & string, Codec<unknown>][];
  const fixedSize = entries.every(([, c]) => c.fixedSize !== undefined) ? entries.reduce((n, [, c]) => n + (c.fixedSize as number), 0) : undefined;
  const readInto = <O extends object>(r: ByteReader, out: O): O & T => {
    for (const [name, c] of entries) (out as Record<string, unknown>)[name] = c.read(r);
    return out as O & T;
  };
  return {
    size: (v) => fixedSize ?? entries.reduce((n, [name, c]) => n + c.size(v[name]), 0),
    fixedSize,
    write: (w, v) => {
      for (const [name, c] of entries) c.write(w, v[name]);
    },
    read: (r) => readInto(r, {}),
    readInto,
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
      if (kind === undefined) r.malformed('invalid', 'unknown enum variant');
      // A struct variant fills the object that already holds `kind` (no copy of its fields).
      const codec = variant(kind) as Codec<object> & Partial<Pick<StructCodec<object>, 'readInto'>>;
      return (codec.readInto ? codec.readInto(r, { kind }) : { kind, ...codec.read(r) }) as T;
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
