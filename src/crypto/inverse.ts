/**
 * Modular inversion in WebAssembly by Bernstein and Yang's divsteps ("safegcd", laid out as
 * libsecp256k1's modinv32, run until done rather than for a fixed count): from f = q, g = x, each
 * batch of 30 divsteps on the low limbs of f and g gives a 2×2 matrix that then updates f, g
 * exactly and d, e modulo q (keeping f ≡ d·x, g ≡ e·x), until g = 0; then f = ±1 and x⁻¹ = ±d.
 * Numbers are signed 30-bit limbs in i64 locals (nine for a 256-bit q, thirteen for a 384-bit
 * one), so that a limb times a matrix entry, and a few of those summed, fit 63 bits. The divsteps
 * run without branches (see the loop): an Ed25519 compress, one inversion of a 255-bit value and
 * a few products, takes 2.0 µs on distinct points, where branches made it 3.3.
 */
import { type Code, type ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { NARROW_BITS } from './montgomery.js';
import { modInverse } from './modular.js';

const { I32, I64 } = ValType;
const BITS = 30;
const M30 = 2 ** BITS - 1;

/**
 * Emits (a, b) ← ((m₀₀·a + m₀₁·b)/2^30, (m₁₀·a + m₁₁·b)/2^30) on numbers of signed 30-bit limbs in
 * i64 locals, the matrix's entries (i64 locals) being those of a batch of 30 steps, so that both
 * sums' low 30 bits vanish; with `fold`, multiples (i64 locals) of the modulus (its limbs) are
 * added to the sums first, to make their low 30 bits vanish. `sums` are two i64 scratch locals.
 */
export function emitMatrixUpdate(
  c: Code,
  [m00, m01, m10, m11]: readonly [number, number, number, number],
  a: readonly number[],
  b: readonly number[],
  [sa, sb]: readonly [number, number],
  fold?: { multiples: readonly [number, number]; modulus: readonly number[] },
): void {
  const term = (sum: number, x: number, y: number, k: number, multiple?: number) => {
    c.localGet(sum).localGet(x).localGet(a[k]!).i64Mul().i64Add().localGet(y).localGet(b[k]!).i64Mul().i64Add();
    if (multiple !== undefined) c.localGet(multiple).i64Const(0, fold!.modulus[k]!).i64Mul().i64Add();
    c.localSet(sum);
  };
  c.i64ConstI32(0).localSet(sa);
  c.i64ConstI32(0).localSet(sb);
  for (let k = 0; k < a.length; k++) {
    term(sa, m00, m01, k, fold?.multiples[0]);
    term(sb, m10, m11, k, fold?.multiples[1]);
    if (k) {
      c.localGet(sa)
        .i64Const(0, M30)
        .i64And()
        .localSet(a[k - 1]!);
      c.localGet(sb)
        .i64Const(0, M30)
        .i64And()
        .localSet(b[k - 1]!);
    }
    c.localGet(sa).i64Const(0, BITS).i64ShrS().localSet(sa);
    c.localGet(sb).i64Const(0, BITS).i64ShrS().localSet(sb);
  }
  c.localGet(sa).localSet(a[a.length - 1]!);
  c.localGet(sb).localSet(b[b.length - 1]!);
}

/**
 * Emits `invert(dst, src)`: dst = src⁻¹ mod q for the value at src (`limbs` of montgomery.ts's
 * narrow limbs, below q, not Montgomery form; 0 gives 0), as `limbs` narrow limbs. Needs an odd q
 * below 2^(29·limbs).
 */
export function emitInverse(m: ModuleBuilder, q: bigint, limbs: number): number {
  // Room for values in (−2q, q) and their sign.
  const N = Math.ceil((q.toString(2).length + 2) / BITS);
  const invert = m.addFunction([I32, I32], []);
  const c = invert.code;
  const [DST, SRC] = [0, 1];
  const local = () => c.locals(1, I64);
  const number = () => Array.from({ length: N }, local);
  const [f, g, d, e] = [number(), number(), number(), number()];
  const [u, v, w, r, f0, g0, cf, cg, md, me, sd, se] = Array.from({ length: 12 }, local);
  const [delta, positive, odd, swap, x, y, z] = Array.from({ length: 7 }, local);
  const step = c.locals(1, I32);
  const qLimbs = Array.from({ length: N }, (_, k) => Number((q >> BigInt(BITS * k)) & BigInt(M30)));
  const qInverse = Number(modInverse(q, 2n ** BigInt(BITS))); // q⁻¹ mod 2^30
  const set = (l: number, value: () => void) => {
    value();
    c.localSet(l);
  };
  const k64 = (v: number) => c.i64Const(v < 0 ? -1 : 0, v);

  // g = x in 30-bit limbs (from the limbs at src, below q: any above N·30 bits are zero), f = q, d = 0, e = 1, δ = 1.
  g.forEach((gk, k) => {
    const bit = BITS * k;
    const word = Math.floor(bit / NARROW_BITS);
    const shift = bit % NARROW_BITS;
    if (word >= limbs) return void c.i64ConstI32(0).localSet(gk);
    c.localGet(SRC).i64Load32U(4 * word);
    if (shift) c.i64Const(0, shift).i64ShrU();
    if (word + 1 < limbs && shift + BITS > NARROW_BITS) {
      c.localGet(SRC)
        .i64Load32U(4 * (word + 1))
        .i64Const(0, NARROW_BITS - shift)
        .i64Shl()
        .i64Or();
    }
    c.i64Const(0, M30).i64And().localSet(gk);
  });
  f.forEach((fk, k) => set(fk, () => k64(qLimbs[k])));
  d.forEach((dk) => set(dk, () => c.i64ConstI32(0)));
  e.forEach((ek, k) => set(ek, () => c.i64ConstI32(k === 0 ? 1 : 0)));
  set(delta, () => c.i64ConstI32(1));

  c.block();
  c.loop();
  // Stop when g = 0.
  g.forEach((gk, k) => {
    c.localGet(gk);
    if (k) c.i64Or();
  });
  c.i64Eqz().brIf(1);

  // 30 divsteps on the low limbs; (u, v; w, r) tracks f·2^i = u·F + v·G, g·2^i = w·F + r·G.
  set(u, () => c.i64ConstI32(1));
  set(v, () => c.i64ConstI32(0));
  set(w, () => c.i64ConstI32(0));
  set(r, () => c.i64ConstI32(1));
  set(f0, () => c.localGet(f[0]));
  set(g0, () => c.localGet(g[0]));
  c.i32Const(BITS).localSet(step);
  c.loop();
  // Without branches: which case a divstep takes depends on bits of g and δ that no predictor can
  // learn (with a branch per case, half of them mispredicted, a compress took 3.3 µs, not 1.2).
  // After libsecp256k1's constant-time divsteps, with masks positive = δ > 0 and odd = g odd:
  // g += ±f (−f when δ > 0) if odd, w += ±u, r += ±v; then where both (the swap case) f += g,
  // u += w, v += r (f becomes the old g, u the old w, v the old r) and δ = −δ; then δ += 1, g
  // halves, u and v double. g's chain is a mask, an add and a shift a step.
  set(positive, () => c.i64ConstI32(0).localGet(delta).i64Sub().i64Const(0, 63).i64ShrS());
  set(odd, () => c.i64ConstI32(0).localGet(g0).i64Const(0, 1).i64And().i64Sub());
  const signed = (to: number, from: number) => set(to, () => c.localGet(from).localGet(positive).i64Xor().localGet(positive).i64Sub());
  signed(x, f0);
  signed(y, u);
  signed(z, v);
  const addIf = (to: number, from: number, mask: number) => set(to, () => c.localGet(to).localGet(from).localGet(mask).i64And().i64Add());
  addIf(g0, x, odd);
  addIf(w, y, odd);
  addIf(r, z, odd);
  set(swap, () => c.localGet(positive).localGet(odd).i64And());
  set(delta, () => c.localGet(delta).localGet(swap).i64Xor().localGet(swap).i64Sub().i64Const(0, 1).i64Add());
  addIf(f0, g0, swap);
  addIf(u, w, swap);
  addIf(v, r, swap);
  set(g0, () => c.localGet(g0).i64Const(0, 1).i64ShrS());
  set(u, () => c.localGet(u).localGet(u).i64Add());
  set(v, () => c.localGet(v).localGet(v).i64Add());
  c.localGet(step).i32Const(1).i32Sub().localTee(step).brIf(0);
  c.end();

  const update = (a: number[], b: number[], fold?: [number, number]) =>
    emitMatrixUpdate(c, [u, v, w, r], a, b, [cf, cg], fold && { multiples: fold, modulus: qLimbs });
  // d, e: first the multiples of q that keep them in (−2q, q) and make the low 30 bits vanish.
  set(sd, () =>
    c
      .localGet(d[N - 1])
      .i64Const(0, 63)
      .i64ShrS(),
  );
  set(se, () =>
    c
      .localGet(e[N - 1])
      .i64Const(0, 63)
      .i64ShrS(),
  );
  const correction = (mk: number, x: number, y: number) => {
    set(mk, () => c.localGet(x).localGet(sd).i64And().localGet(y).localGet(se).i64And().i64Add());
    // mk −= (q⁻¹·(x·d0 + y·e0) + mk) mod 2^30
    c.localGet(mk);
    c.localGet(x).localGet(d[0]).i64Mul().localGet(y).localGet(e[0]).i64Mul().i64Add();
    c.i64Const(0, qInverse).i64Mul().localGet(mk).i64Add().i64Const(0, M30).i64And().i64Sub().localSet(mk);
  };
  correction(md, u, v);
  correction(me, w, r);
  update(d, e, [md, me]);
  update(f, g);
  c.br(0);
  c.end();
  c.end();

  // f = ±1: x⁻¹ = d·f, brought from (−2q, q) into [0, q).
  const addQIfNegative = () => {
    set(sd, () =>
      c
        .localGet(d[N - 1])
        .i64Const(0, 63)
        .i64ShrS(),
    );
    set(cf, () => c.i64ConstI32(0));
    for (let k = 0; k < N; k++) {
      set(cf, () => c.localGet(cf).localGet(d[k]).i64Add().localGet(sd).i64Const(0, qLimbs[k]).i64And().i64Add());
      if (k < N - 1) {
        set(d[k], () => c.localGet(cf).i64Const(0, M30).i64And());
        set(cf, () => c.localGet(cf).i64Const(0, BITS).i64ShrS());
      } else set(d[k], () => c.localGet(cf));
    }
  };
  addQIfNegative();
  c.localGet(f[N - 1])
    .i64Const(0, 63)
    .i64ShrS()
    .i32WrapI64();
  c.if();
  // d = −d
  set(cf, () => c.i64ConstI32(0));
  for (let k = 0; k < N; k++) {
    set(cf, () => c.localGet(cf).localGet(d[k]).i64Sub());
    if (k < N - 1) {
      set(d[k], () => c.localGet(cf).i64Const(0, M30).i64And());
      set(cf, () => c.localGet(cf).i64Const(0, BITS).i64ShrS());
    } else set(d[k], () => c.localGet(cf));
  }
  c.end();
  addQIfNegative();
  // Back to limbs of NARROW_BITS bits.
  for (let k = 0; k < limbs; k++) {
    const bit = NARROW_BITS * k;
    const limb = Math.floor(bit / BITS);
    const shift = bit % BITS;
    c.localGet(DST);
    if (limb >= N) {
      c.i64ConstI32(0).i64Store32(4 * k);
      continue;
    }
    c.localGet(d[limb]);
    if (shift) c.i64Const(0, shift).i64ShrU();
    if (limb + 1 < N)
      c.localGet(d[limb + 1])
        .i64Const(0, BITS - shift)
        .i64Shl()
        .i64Or();
    c.i64Const(0, 2 ** NARROW_BITS - 1).i64And();
    c.i64Store32(4 * k);
  }
  return invert.index;
}
