/**
 * Emitting straight-line field arithmetic over elements in linear memory: an element's address is
 * either a constant or a local plus an offset, and the field's functions all take (dst, a, b)
 * addresses. Shared by the curve and pairing emitters (short-weierstrass.ts, bn254-pairing.ts).
 */
import type { Code } from '../jit/wasm/index.js';

/** An address: a constant, or a local (an i32 parameter) plus a byte offset. */
export type Slot = number | [local: number, offset: number];

/** Pushes the address `s`. */
export function slot(c: Code, s: Slot): void {
  if (typeof s === 'number') c.i32Const(s);
  else c.localGet(s[0]).i32Const(s[1]).i32Add();
}

/** Calls `fn` with the addresses `args`. */
export function call(c: Code, fn: number, ...args: Slot[]): void {
  for (const a of args) slot(c, a);
  c.call(fn);
}

/** Slot `s` moved by `offset` bytes. */
export const at = (s: Slot, offset: number): Slot => (typeof s === 'number' ? s + offset : [s[0], s[1] + offset]);

/** Copies `bytes` (a multiple of 8) from `src` to `dst`. */
export function copy(c: Code, dst: Slot, src: Slot, bytes: number): void {
  for (let k = 0; k < bytes; k += 8) {
    slot(c, dst);
    slot(c, src);
    c.i64Load(k).i64Store(k);
  }
}

/** Zeroes `bytes` (a multiple of 8) at `dst`. */
export function zero(c: Code, dst: Slot, bytes: number): void {
  for (let k = 0; k < bytes; k += 8) {
    slot(c, dst);
    c.i64ConstI32(0).i64Store(k);
  }
}

/** Pushes whether the `bytes` at `s` are all zero. */
export function isZero(c: Code, s: Slot, bytes: number): void {
  for (let k = 0; k < bytes; k += 8) {
    slot(c, s);
    c.i64Load(k);
    if (k) c.i64Or();
  }
  c.i64Eqz();
}

/** Pushes whether the `bytes` at `a` and `b` are equal (fully reduced elements are equal as bytes). */
export function equal(c: Code, a: Slot, b: Slot, bytes: number): void {
  for (let k = 0; k < bytes; k += 8) {
    slot(c, a);
    c.i64Load(k);
    slot(c, b);
    c.i64Load(k).i64Xor();
    if (k) c.i64Or();
  }
  c.i64Eqz();
}
