/** The codec layer (src/runtime/codec.ts): field order, little-endian widths, enum tags, padding and how malformed input is reported. */
import { describe, expect, it } from 'vitest';
import {
  bool,
  byteVec,
  decode,
  decodeOrUndefined,
  encode,
  enumeration,
  i64,
  layout,
  type Malformation,
  option,
  padding,
  pubkey,
  string,
  struct,
  u128,
  u16,
  u32,
  u64,
  u8,
  vec,
} from '../../src/runtime/codec.js';

const SYSTEM = '11111111111111111111111111111111';
const reason = (why: Malformation): never => {
  throw new Error(why);
};

describe('codec', () => {
  const sample = struct({
    a: u8,
    b: u16,
    c: u32,
    d: u64,
    e: i64,
    f: u128,
    key: pubkey,
    flag: bool,
    maybe: option(u64),
    list: vec(u32, 4),
    name: string,
    raw: byteVec,
  });
  const value = {
    a: 7,
    b: 0xbeef,
    c: 0xdead_beef,
    d: 2n ** 64n - 1n,
    e: -5n,
    f: 2n ** 100n + 3n,
    key: SYSTEM,
    flag: true,
    maybe: undefined,
    list: [1, 2, 3],
    name: 'héllo',
    raw: Uint8Array.of(9, 8),
  };

  it('writes fields in declaration order, little-endian, and reads them back', () => {
    const bytes = encode(sample, value);
    expect(bytes.length).toBe(sample.size(value));
    expect([...bytes.subarray(0, 7)]).toEqual([7, 0xef, 0xbe, 0xef, 0xbe, 0xad, 0xde]);
    expect(decode(sample, bytes, reason)).toEqual(value);
  });

  it('pads to a requested length and ignores trailing bytes when reading', () => {
    const bytes = encode(u32, 1, 8);
    expect([...bytes]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(decode(u32, bytes, reason)).toBe(1);
  });

  it('lays an enum out as a u32 tag in declaration order, then the variant', () => {
    const e = enumeration({ A: struct({}), B: struct({ x: u8 }) });
    expect([...encode(e, { kind: 'B', x: 5 })]).toEqual([1, 0, 0, 0, 5]);
    expect(decode(e, Uint8Array.of(0, 0, 0, 0), reason)).toEqual({ kind: 'A' });
    expect(() => decode(e, Uint8Array.of(2, 0, 0, 0), reason)).toThrow('invalid');
    expect(e.tags).toEqual({ A: 0, B: 1 });
  });

  it('lays a borsh enum out with a u8 tag', () => {
    const e = enumeration({ A: struct({}), B: struct({ x: u32 }) }, u8);
    expect([...encode(e, { kind: 'B', x: 5 })]).toEqual([1, 5, 0, 0, 0]);
    expect(decode(e, Uint8Array.of(0), reason)).toEqual({ kind: 'A' });
  });

  it('gives a fixed layout its field offsets and size, padding written as zeros', () => {
    const c = layout({ flag: bool, pad: padding(7), n: u64, key: pubkey });
    expect(c.offsets).toEqual({ flag: 0, pad: 1, n: 8, key: 16 });
    expect(c.fixedSize).toBe(48);
    const bytes = encode(c, { flag: true, pad: Uint8Array.of(9, 9, 9, 9, 9, 9, 9), n: 3n, key: SYSTEM });
    expect([...bytes.subarray(0, 9)]).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 3]);
    expect(struct({ a: u8, b: u16 }).fixedSize).toBe(3);
    expect(struct({ a: u8, s: string }).fixedSize).toBeUndefined();
    expect(() => layout({ s: string })).toThrow('no fixed size');
  });

  it('reports short input and out-of-range bools and option tags', () => {
    expect(() => decode(u64, new Uint8Array(7), reason)).toThrow('short');
    expect(() => decode(bool, Uint8Array.of(2), reason)).toThrow('invalid');
    expect(() => decode(option(u8), Uint8Array.of(2, 0), reason)).toThrow('invalid');
    // A collection length whose elements cannot fit in what is left is short, before any element is read.
    expect(() => decode(vec(u64, 8), encode(u64, 2n ** 40n), reason)).toThrow('short');
    expect(decodeOrUndefined(u64, new Uint8Array(3))).toBeUndefined();
  });
});
