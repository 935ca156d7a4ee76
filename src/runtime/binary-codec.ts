/**
 * Little-endian binary layouts declared once for both directions: a {@link Codec} writes a value
 * and reads it back, and layouts are composed from the primitives below. Reading checks every
 * length and value against what is there and throws a {@link LayoutError} saying where it failed.
 */
import { WebsvmError } from '../errors.js';
import { decodeAddress, encodeAddress } from './accounts.js';

/** Input that does not match the layout: truncated, or a value the layout does not allow (kind `MalformedData`). */
export class LayoutError extends WebsvmError<'MalformedData'> {
  constructor(message: string) {
    super('MalformedData', message);
  }
}

/** An output buffer that grows as values are written. */
export class ByteWriter {
  private buffer = new Uint8Array(4096);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  /** Room for `n` more bytes; returns where they start. */
  private claim(n: number): number {
    const at = this.length;
    if (at + n > this.buffer.length) {
      const grown = new Uint8Array(Math.max(this.buffer.length * 2, at + n));
      grown.set(this.buffer.subarray(0, at));
      this.buffer = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = at + n;
    return at;
  }

  // Each claims its room before touching the buffer, which claiming may replace.
  u8(value: number): void {
    const at = this.claim(1);
    this.buffer[at] = value;
  }
  u32(value: number): void {
    const at = this.claim(4);
    this.view.setUint32(at, value, true);
  }
  u64(value: bigint): void {
    const at = this.claim(8);
    this.view.setBigUint64(at, value, true);
  }
  /** The bytes as they are, without a length. */
  raw(bytes: Uint8Array): void {
    const at = this.claim(bytes.length);
    this.buffer.set(bytes, at);
  }
  /** Everything written, in an array of its own. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }
}

/** Reads values from `bytes` in order; the arrays it hands out are copies. */
export class ByteReader {
  private readonly view: DataView;
  private at = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.bytes.length - this.at;
  }

  /** Where the next `n` bytes start (throws when there are fewer left). */
  private take(n: number): number {
    if (n > this.remaining) throw new LayoutError(`needs ${n} bytes at offset ${this.at}, only ${this.remaining} left`);
    const at = this.at;
    this.at += n;
    return at;
  }

  u8(): number {
    return this.bytes[this.take(1)];
  }
  u32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  u64(): bigint {
    return this.view.getBigUint64(this.take(8), true);
  }
  /** The next `n` bytes, copied into a plain `Uint8Array` (`bytes` may be a Node `Buffer`, whose `slice` shares memory). */
  raw(n: number): Uint8Array {
    const at = this.take(n);
    const out = new Uint8Array(n);
    out.set(this.bytes.subarray(at, at + n));
    return out;
  }
  /** A count of items each at least `minimumSize` bytes long, refused when the rest cannot hold them. */
  count(minimumSize: number): number {
    const n = this.u32();
    if (n * minimumSize > this.remaining) throw new LayoutError(`a count of ${n} at offset ${this.at - 4} exceeds the ${this.remaining} bytes left`);
    return n;
  }
}

/** How one kind of value is written and read. */
export interface Codec<T> {
  write(w: ByteWriter, value: T): void;
  read(r: ByteReader): T;
}

export const u8: Codec<number> = { write: (w, v) => w.u8(v), read: (r) => r.u8() };
export const u32: Codec<number> = { write: (w, v) => w.u32(v), read: (r) => r.u32() };
export const u64: Codec<bigint> = { write: (w, v) => w.u64(v), read: (r) => r.u64() };

/** A u64 the program keeps as a number: refused beyond 2^53 - 1. */
export const u64Number: Codec<number> = {
  write: (w, v) => w.u64(BigInt(v)),
  read: (r) => {
    const v = r.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new LayoutError(`${v} is too large a number`);
    return Number(v);
  },
};

/** One byte, 0 or 1. */
export const bool: Codec<boolean> = {
  write: (w, v) => w.u8(v ? 1 : 0),
  read: (r) => {
    const b = r.u8();
    if (b > 1) throw new LayoutError(`${b} is not a boolean`);
    return b === 1;
  },
};

/** Exactly `n` bytes, no length written. */
export function fixedBytes(n: number): Codec<Uint8Array> {
  return {
    write: (w, v) => {
      if (v.length !== n) throw new LayoutError(`expected ${n} bytes, got ${v.length}`);
      w.raw(v);
    },
    read: (r) => r.raw(n),
  };
}

/** A u32 length, then the bytes. */
export const bytes: Codec<Uint8Array> = {
  write: (w, v) => {
    w.u32(v.length);
    w.raw(v);
  },
  read: (r) => r.raw(r.count(1)),
};

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });
const utf8Encoder = new TextEncoder();

/** UTF-8 text, as {@link bytes}. */
export const utf8: Codec<string> = {
  write: (w, v) => bytes.write(w, utf8Encoder.encode(v)),
  read: (r) => {
    try {
      return utf8Decoder.decode(bytes.read(r));
    } catch (e) {
      if (e instanceof LayoutError) throw e;
      throw new LayoutError('text is not valid UTF-8');
    }
  },
};

/** A base58 address as its 32 bytes. */
export const address: Codec<string> = {
  write: (w, v) => w.raw(decodeAddress(v)),
  read: (r) => encodeAddress(r.raw(32)),
};

/** One of `names`, as UTF-8 text. */
export function oneOf<const N extends string>(names: readonly N[], what: string): Codec<N> {
  return {
    write: (w, v) => utf8.write(w, v),
    read: (r) => {
      const name = utf8.read(r);
      if (!(names as readonly string[]).includes(name)) throw new LayoutError(`unknown ${what} ${JSON.stringify(name)}`);
      return name as N;
    },
  };
}

/** A presence byte, then the value when present. */
export function option<T>(inner: Codec<T>): Codec<T | undefined> {
  return {
    write: (w, v) => {
      w.u8(v === undefined ? 0 : 1);
      if (v !== undefined) inner.write(w, v);
    },
    read: (r) => (bool.read(r) ? inner.read(r) : undefined),
  };
}

/** A u32 count, then each item (every item is written as at least one byte). */
export function array<T>(item: Codec<T>): Codec<T[]> {
  return {
    write: (w, v) => {
      w.u32(v.length);
      for (const x of v) item.write(w, x);
    },
    read: (r) => Array.from({ length: r.count(1) }, () => item.read(r)),
  };
}

/** The fields in the order they are declared. */
export function struct<T extends object>(fields: { [K in keyof T]: Codec<T[K]> }): Codec<T> {
  const entries = Object.entries(fields) as [keyof T, Codec<unknown>][];
  return {
    write: (w, v) => {
      for (const [key, codec] of entries) codec.write(w, v[key]);
    },
    read: (r) => {
      const out = {} as T;
      for (const [key, codec] of entries) out[key] = codec.read(r) as T[keyof T];
      return out;
    },
  };
}

/**
 * A `{ kind, …fields }` union: the kind's name, then the fields of its variant. `fieldless` lists
 * the kinds that have none.
 */
export function tagged<T extends { kind: string }>(what: string, fieldless: readonly string[], variants: { [K in string]?: Codec<object> }): Codec<T> {
  const kinds = [...fieldless, ...Object.keys(variants)];
  const kind = oneOf(kinds, what);
  return {
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
  return { write: (w, v) => inner.write(w, encode(v)), read: (r) => decode(inner.read(r)) };
}
