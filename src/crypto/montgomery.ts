/**
 * WebAssembly arithmetic modulo a prime below 2^254 in Montgomery form (x·2^256 mod q), emitted
 * into a module under construction with our own emitter. An element is eight little-endian 32-bit
 * limbs in linear memory, always fully reduced (below q). Multiplication is the coarsely
 * integrated operand scanning method without the extra carry word, which is exact when the top
 * limb of q leaves two bits free (Gueron–Krasnov / gnark's "no-carry" condition): every partial
 * sum then fits a u64.
 */
import { type Code, type ModuleBuilder, ValType } from '../jit/wasm/index.js';

const { I32, I64 } = ValType;
export const LIMBS = 8;
/** Bytes of one element in memory. */
export const ELEMENT_BYTES = 4 * LIMBS;
const MASK = 0xffffffff;

/** The functions emitted for one modulus; each takes addresses in memory (`dst` may alias an operand). */
export interface MontgomeryFunctions {
  /** mul(dst, a, b): dst = a·b·2^−256. */
  mul: number;
  /** add(dst, a, b): dst = a + b. */
  add: number;
}

/** The 32-bit limbs of a value below 2^256. */
export function limbsOf(v: bigint): number[] {
  return Array.from({ length: LIMBS }, (_, k) => Number((v >> BigInt(32 * k)) & 0xffffffffn));
}

/** Leaves in `t` (limbs as i64 locals, value below 2q) the value reduced below q. */
function subtractModulusIfNotBelow(c: Code, t: number[], q: number[]): void {
  const d = t.map(() => c.locals(1, I64));
  const borrow = c.locals(1, I64);
  c.i64ConstI32(0).localSet(borrow);
  t.forEach((tk, k) => {
    // d_k = t_k − q_k − borrow, as a signed difference of values below 2^32.
    c.localGet(tk).i64Const(0, q[k]).i64Sub().localGet(borrow).i64Sub().localTee(d[k]);
    c.i64Const(0, 63).i64ShrU().localSet(borrow);
    c.localGet(d[k]).i64Const(0, MASK).i64And().localSet(d[k]);
  });
  // No borrow out: t ≥ q, keep the difference.
  t.forEach((tk, k) => c.localGet(d[k]).localGet(tk).localGet(borrow).i64Eqz().select().localSet(tk));
}

const loadLimbs = (c: Code, ptr: number, into: number[]) => into.forEach((l, k) => c.localGet(ptr).i64Load32U(4 * k).localSet(l));
const storeLimbs = (c: Code, ptr: number, from: number[]) => from.forEach((l, k) => c.localGet(ptr).localGet(l).i64Store32(4 * k));

/** Emits `mul` and `add` modulo `modulus` into `m`. */
export function emitMontgomery(m: ModuleBuilder, modulus: bigint): MontgomeryFunctions {
  if (modulus >> 254n !== 0n || modulus % 2n === 0n) throw new Error('Montgomery arithmetic here needs an odd modulus below 2^254');
  const q = limbsOf(modulus);
  // −q^−1 mod 2^32, by Newton's iteration on the inverse.
  const word = 2n ** 32n;
  let inverse = 1n;
  for (let i = 0; i < 5; i++) inverse = (((inverse * (2n - modulus * inverse)) % word) + word) % word;
  const qPrime = Number((word - inverse) % word);

  const mul = m.addFunction([I32, I32, I32], []);
  {
    const c = mul.code;
    const [DST, A, B] = [0, 1, 2];
    const a = Array.from({ length: LIMBS }, () => c.locals(1, I64));
    const t = Array.from({ length: LIMBS }, () => c.locals(1, I64));
    const [bi, mi, carryA, carryC] = [c.locals(1, I64), c.locals(1, I64), c.locals(1, I64), c.locals(1, I64)];
    loadLimbs(c, A, a);
    t.forEach((l) => c.i64ConstI32(0).localSet(l));
    /** dst_k = low 32 bits of (top of stack), carry = the rest. */
    const split = (dst: number, carry: number) => {
      c.localTee(dst).i64Const(0, 32).i64ShrU().localSet(carry);
      c.localGet(dst).i64Const(0, MASK).i64And().localSet(dst);
    };
    for (let i = 0; i < LIMBS; i++) {
      c.localGet(B).i64Load32U(4 * i).localSet(bi);
      c.localGet(t[0]).localGet(a[0]).localGet(bi).i64Mul().i64Add();
      split(t[0], carryA);
      c.localGet(t[0]).i64Const(0, qPrime).i64Mul().i64Const(0, MASK).i64And().localSet(mi);
      c.localGet(t[0]).localGet(mi).i64Const(0, q[0]).i64Mul().i64Add().i64Const(0, 32).i64ShrU().localSet(carryC);
      for (let j = 1; j < LIMBS; j++) {
        c.localGet(t[j]).localGet(a[j]).localGet(bi).i64Mul().i64Add().localGet(carryA).i64Add();
        split(t[j], carryA);
        c.localGet(t[j]).localGet(mi).i64Const(0, q[j]).i64Mul().i64Add().localGet(carryC).i64Add();
        split(t[j - 1], carryC);
      }
      c.localGet(carryC).localGet(carryA).i64Add().localSet(t[LIMBS - 1]);
    }
    subtractModulusIfNotBelow(c, t, q);
    storeLimbs(c, DST, t);
  }

  const add = m.addFunction([I32, I32, I32], []);
  {
    const c = add.code;
    const [DST, A, B] = [0, 1, 2];
    const t = Array.from({ length: LIMBS }, () => c.locals(1, I64));
    const carry = c.locals(1, I64);
    c.i64ConstI32(0).localSet(carry);
    t.forEach((tk, k) => {
      c.localGet(A).i64Load32U(4 * k).localGet(B).i64Load32U(4 * k).i64Add().localGet(carry).i64Add().localTee(tk);
      c.i64Const(0, 32).i64ShrU().localSet(carry);
      c.localGet(tk).i64Const(0, MASK).i64And().localSet(tk);
    });
    subtractModulusIfNotBelow(c, t, q);
    storeLimbs(c, DST, t);
  }
  return { mul: mul.index, add: add.index };
}
