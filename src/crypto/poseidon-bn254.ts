/**
 * The circom-compatible Poseidon permutation over BN254's scalar field (light-poseidon's, which
 * `sol_poseidon` uses): width t = inputs + 1, x^5 S-box, 8 full rounds around circom's number of
 * partial rounds, round constants and Cauchy MDS matrix from the Grain LFSR (@noble/curves derives
 * them). The arithmetic is WebAssembly (crypto/montgomery.ts, on 29-bit limbs); the rounds are rearranged as the
 * Poseidon paper's appendix B describes, with results unchanged:
 *
 * - constants: a partial round's S-box touches element 0 only, so the rest of its round-constant
 *   vector can be pushed through the MDS matrix into the next round; each partial round then adds
 *   one scalar, and what is left after the last joins the next full round's constants;
 * - matrices: the matrix A of a partial round splits as A = M′·M″ with M′ = diag(1, B) (B is A's
 *   lower-right block) and M″ = [[a₀₀, v], [B⁻¹w, I]] sparse; M′ commutes with the next round's
 *   S-box and scalar, so it moves into that round's matrix (M·M′) and only M″ is applied: 2t − 1
 *   products instead of t². The last partial round's M′ is applied once at the end.
 */
import { ModuleBuilder, ValType, type Code } from '../jit/wasm/index.js';
import { grainConstants } from './poseidon-grain.js';
import { modInverse, modulo } from './modular.js';
import { fixedModule, type EmittedModule } from './fixed-modules.js';
import { base64ToBytes, bytesToBase64 } from '../platform.js';
import { emitNarrowDot, emitNarrowMontgomery, limbsOf, NARROW_BITS, narrowElementBytes, narrowLimbs, narrowToWord, wordToNarrow } from './montgomery.js';

const { I32 } = ValType;
/** BN254's scalar field modulus r. */
export const BN254_FR = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;
const R = BN254_FR;
/** Partial rounds by width t, from t = 2 (circom's table). */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65];
const FULL_ROUNDS = 8;
/** Widest permutation: 12 inputs and the capacity element. */
export const MAX_WIDTH = PARTIAL_ROUNDS.length + 1;

/** The permutation's constants for one width, rearranged (all below r, in normal form). */
interface Schedule {
  /** Round-constant vectors of the 8 full rounds. */
  full: bigint[][];
  mds: bigint[][];
  /** Per partial round: the scalar added to element 0, then [a₀₀, v₁…, ŵ₁…] of its sparse matrix. */
  partial: { scalar: bigint; sparse: bigint[] }[];
  /** B of the last partial round's M′. */
  tail: bigint[][];
}

const mod = (v: bigint) => modulo(v, R);
const times = (m: bigint[][], v: bigint[]) => m.map((row) => mod(row.reduce((acc, x, j) => acc + x * v[j], 0n)));
const rowTimes = (v: bigint[], m: bigint[][]) => m[0].map((_, j) => mod(v.reduce((acc, x, l) => acc + x * m[l][j], 0n)));
const product = (a: bigint[][], b: bigint[][]) => a.map((row) => rowTimes(row, b));

/** The inverse of a matrix (Gauss–Jordan modulo r; every minor of a Cauchy matrix is invertible). */
function invert(m: bigint[][]): bigint[][] {
  const n = m.length;
  const rows = m.map((row, i) => [...row, ...row.map((_, j) => (i === j ? 1n : 0n))]);
  for (let col = 0; col < n; col++) {
    const pivot = rows.findIndex((row, i) => i >= col && row[col] !== 0n);
    [rows[col], rows[pivot]] = [rows[pivot], rows[col]];
    const scale = modInverse(rows[col][col], R);
    rows[col] = rows[col].map((x) => mod(x * scale));
    for (let i = 0; i < n; i++) {
      const f = rows[i][col];
      if (i !== col && f !== 0n) rows[i] = rows[i].map((x, j) => mod(x - f * rows[col][j]));
    }
  }
  return rows.map((row) => row.slice(n));
}

/**
 * The rearranged schedule. With M = [[m₀₀, v], [w, M̂]], partial round k's matrix is
 * M·diag(1, M̂^k): its first row is [m₀₀, v·M̂^k], its first column below is w, its block
 * B = M̂^(k+1), so its sparse part holds ŵ = M̂^−(k+1)·w; the last round leaves M̂^(partial rounds).
 */
function schedule(t: number): Schedule {
  const partialRounds = PARTIAL_ROUNDS[t - 2];
  const { roundConstants, mds } = grainConstants(R, t, FULL_ROUNDS, partialRounds);
  const half = FULL_ROUNDS / 2;
  const full = [...roundConstants.slice(0, half), ...roundConstants.slice(half + partialRounds)].map((c) => [...c]);
  const block = mds.slice(1).map((row) => row.slice(1));
  const blockInverse = invert(block);
  const partial: Schedule['partial'] = [];
  let carried = Array<bigint>(t).fill(0n);
  let v = mds[0].slice(1);
  let w = times(
    blockInverse,
    mds.slice(1).map((row) => row[0]),
  );
  for (let k = 0; k < partialRounds; k++) {
    const c = roundConstants[half + k].map((x, i) => mod(x + carried[i]));
    carried = times(mds, [0n, ...c.slice(1)]);
    partial.push({ scalar: c[0], sparse: [mds[0][0], ...v, ...w] });
    v = rowTimes(v, block);
    w = times(blockInverse, w);
  }
  full[half] = full[half].map((x, i) => mod(x + carried[i]));
  // M̂^(partial rounds), by squaring.
  let tail: bigint[][] = block.map((row, i) => row.map((_, j) => (i === j ? 1n : 0n)));
  for (let e = partialRounds, power = block; e > 0; e >>= 1, power = product(power, power)) if (e & 1) tail = product(tail, power);
  return { full, mds, partial, tail };
}

/**
 * The widths whose schedules the bundle carries ready-made (one to five inputs: Merkle trees and
 * most programs, Light Protocol's account hashes included); making one costs a cold process
 * milliseconds.
 */
const CARRIED_WIDTHS = [2, 3, 4, 5, 6];

/** Where one width's schedule lies in memory. */
interface Layout {
  partialRounds: number;
  full: number;
  mds: number;
  partial: number;
  tail: number;
}

/** `layout` with its addresses moved by `by` bytes. */
const moved = ({ partialRounds, full, mds, partial, tail }: Layout, by: number): Layout => ({
  partialRounds,
  full: full + by,
  mds: mds + by,
  partial: partial + by,
  tail: tail + by,
});

/**
 * A schedule as the module's memory holds it (Montgomery form), its layout counted from its first
 * byte; its elements 32 bytes each, little-endian.
 */
interface ScheduleImage {
  layout: Layout;
  /** The bytes, base64. */
  bytes: string;
}

/** What the module's meta holds: schedule images by width. */
interface PoseidonMeta {
  schedules: Record<number, ScheduleImage>;
}

// ---- The WebAssembly module -------------------------------------------------------------

/** Limbs of an element (29 bits each), and its bytes in memory. */
const LIMBS = narrowLimbs(R);
const ELEMENT_BYTES = narrowElementBytes(LIMBS);
/** Memory: constants, state, scratch, then the schedules, allocated per width on first use. */
const TO_MONTGOMERY = 0; // 2^(2·29n) mod r
const ONE = ELEMENT_BYTES; // 1 in normal form
const STATE = 2 * ELEMENT_BYTES;
const NEXT = STATE + MAX_WIDTH * ELEMENT_BYTES;
const SCRATCH = NEXT + MAX_WIDTH * ELEMENT_BYTES;
const SCHEDULES = 2048;
/** Room for every width's schedule: 13 344 elements after SCHEDULES. */
const PAGES = 9;

interface Exports {
  memory: WebAssembly.Memory;
  /** Converts the `count` elements from address `at` into Montgomery form (or out of it when `out`). */
  convert(at: number, count: number, out: number): void;
  /** The permutation of the t elements at STATE, with a schedule laid out by `layout`. */
  permute(t: number, partialRounds: number, full: number, mds: number, partial: number, tail: number): void;
}

/**
 * The module's bytes (see fixed-modules.ts), and with `carrySchedules` (the bundle's copy) the
 * schedules of the common widths.
 */
export function emitPoseidonBn254(carrySchedules = false): EmittedModule<PoseidonMeta> {
  const m = new ModuleBuilder();
  m.defineMemory(PAGES, PAGES);
  m.export('memory', 'memory', 0);
  const { mul, add, sqr, reduce } = emitNarrowMontgomery(m, R);
  const dot = emitNarrowDot(m, R, MAX_WIDTH);
  const at = (c: Code, base: number, index: number) => c.localGet(base).localGet(index).i32Const(ELEMENT_BYTES).i32Mul().i32Add();
  /** for (i = from; i < local n; i++) body */
  const loop = (c: Code, i: number, from: number, n: number, body: () => void) => {
    c.i32Const(from).localSet(i);
    c.block().loop();
    c.localGet(i).localGet(n).i32GeU().brIf(1);
    body();
    c.localGet(i).i32Const(1).i32Add().localSet(i);
    c.br(0);
    c.end().end();
  };
  const copy = (c: Code, dst: () => void, src: () => void) => {
    for (let k = 0; k < ELEMENT_BYTES; k += 8) {
      dst();
      src();
      c.i64Load(k).i64Store(k);
    }
  };

  // sbox(p): p = p^5.
  const sbox = m.addFunction([I32], []);
  sbox.code.i32Const(SCRATCH).localGet(0).call(sqr);
  sbox.code.i32Const(SCRATCH).i32Const(SCRATCH).call(sqr);
  sbox.code.localGet(0).i32Const(SCRATCH).localGet(0).call(mul);

  // matvec(n, matrix, in, out): out_i = Σ_j matrix[i·n + j]·in_j, one dot product a row.
  const matvec = m.addFunction([I32, I32, I32, I32], []);
  {
    const c = matvec.code;
    const [N, MATRIX, IN, OUT] = [0, 1, 2, 3];
    const [i, row] = [c.locals(1, I32), c.locals(1, I32)];
    loop(c, i, 0, N, () => {
      c.localGet(MATRIX).localGet(i).localGet(N).i32Mul().i32Const(ELEMENT_BYTES).i32Mul().i32Add().localSet(row);
      at(c, OUT, i).localGet(N).localGet(row).localGet(IN).call(dot);
    });
  }

  // fullRound(t, constants, mds): add constants, S-box everywhere, multiply by the MDS matrix.
  const fullRound = m.addFunction([I32, I32, I32], []);
  {
    const c = fullRound.code;
    const [T, CONSTANTS, MDS] = [0, 1, 2];
    const [i, state, next] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    c.i32Const(STATE).localSet(state);
    c.i32Const(NEXT).localSet(next);
    loop(c, i, 0, T, () => {
      at(c, state, i);
      at(c, state, i);
      at(c, CONSTANTS, i);
      c.call(add);
      at(c, state, i).call(sbox.index);
    });
    c.localGet(T).localGet(MDS).i32Const(STATE).i32Const(NEXT).call(matvec.index);
    loop(c, i, 0, T, () =>
      copy(
        c,
        () => at(c, state, i),
        () => at(c, next, i),
      ),
    );
  }

  // partialRound(t, scalar, sparse): element 0 gets the scalar and the S-box, then the sparse matrix.
  const partialRound = m.addFunction([I32, I32, I32], []);
  {
    const c = partialRound.code;
    const [T, SCALAR, SPARSE] = [0, 1, 2];
    const [i, state, column] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
    c.i32Const(STATE).localSet(state);
    c.i32Const(STATE).i32Const(STATE).localGet(SCALAR).call(add);
    c.i32Const(STATE).call(sbox.index);
    // NEXT = a₀₀·x₀ + Σ v_j·x_j
    c.i32Const(NEXT).localGet(T).localGet(SPARSE).i32Const(STATE).call(dot);
    // x_i += ŵ_i·x₀ (ŵ_i at index t − 1 + i)
    c.localGet(SPARSE).localGet(T).i32Const(1).i32Sub().i32Const(ELEMENT_BYTES).i32Mul().i32Add().localSet(column);
    loop(c, i, 1, T, () => {
      c.i32Const(SCRATCH);
      at(c, column, i);
      c.i32Const(STATE).call(mul);
      at(c, state, i);
      at(c, state, i);
      c.i32Const(SCRATCH).call(add);
    });
    copy(
      c,
      () => c.i32Const(STATE),
      () => c.i32Const(NEXT),
    );
  }

  // permute(t, partialRounds, full, mds, partial, tail)
  const permute = m.addFunction([I32, I32, I32, I32, I32, I32], []);
  {
    const c = permute.code;
    const [T, ROUNDS, FULL, MDS, PARTIAL, TAIL] = [0, 1, 2, 3, 4, 5];
    const [k, half, stride, constants, w, from, to] = Array.from({ length: 7 }, () => c.locals(1, I32));
    c.localGet(T).i32Const(ELEMENT_BYTES).i32Mul().localSet(stride);
    c.localGet(FULL).localSet(constants);
    c.i32Const(FULL_ROUNDS / 2).localSet(half);
    const fullRounds = () =>
      loop(c, k, 0, half, () => {
        c.localGet(T).localGet(constants).localGet(MDS).call(fullRound.index);
        c.localGet(constants).localGet(stride).i32Add().localSet(constants);
      });
    fullRounds();
    // Each partial round's entry: the scalar, then 2t − 1 sparse-matrix elements.
    c.localGet(T).i32Const(2).i32Mul().i32Const(ELEMENT_BYTES).i32Mul().localSet(w);
    loop(c, k, 0, ROUNDS, () => {
      c.localGet(T);
      c.localGet(PARTIAL).localGet(k).localGet(w).i32Mul().i32Add();
      c.localGet(PARTIAL).localGet(k).localGet(w).i32Mul().i32Add().i32Const(ELEMENT_BYTES).i32Add();
      c.call(partialRound.index);
    });
    // The last partial round's M′ on elements 1…t−1.
    c.localGet(T).i32Const(1).i32Sub().localTee(w);
    c.localGet(TAIL)
      .i32Const(STATE + ELEMENT_BYTES)
      .i32Const(NEXT + ELEMENT_BYTES)
      .call(matvec.index);
    c.i32Const(NEXT + ELEMENT_BYTES).localSet(from);
    c.i32Const(STATE + ELEMENT_BYTES).localSet(to);
    loop(c, k, 0, w, () =>
      copy(
        c,
        () => at(c, to, k),
        () => at(c, from, k),
      ),
    );
    fullRounds();
  }

  // convert(at, count, out): x = x·2^(2·29n)·2^−29n into Montgomery form, or x·1·2^−29n out of
  // it, and then below r (the arithmetic keeps elements below 2r).
  const convert = m.addFunction([I32, I32, I32], []);
  {
    const c = convert.code;
    const [AT, COUNT, OUT] = [0, 1, 2];
    const i = c.locals(1, I32);
    loop(c, i, 0, COUNT, () => {
      at(c, AT, i);
      at(c, AT, i);
      c.i32Const(ONE).i32Const(TO_MONTGOMERY).localGet(OUT).select();
      c.call(mul);
      c.localGet(OUT).if();
      at(c, AT, i);
      at(c, AT, i);
      c.call(reduce);
      c.end();
    });
  }
  m.export('permute', 'func', permute.index);
  m.export('convert', 'func', convert.index);
  const bytes = m.encode();
  const schedules: PoseidonMeta['schedules'] = {};
  if (carrySchedules) {
    // Laid out by the module itself, as a process without them lays them out.
    const scratch = new Poseidon(new WebAssembly.Module(bytes), {});
    for (const t of CARRIED_WIDTHS) {
      const start = scratch.free;
      const layout = moved(scratch.layout(t), -start);
      // Each element packed into 32 bytes (its value is below 2r < 2^255), not its 40 in memory.
      const elements = (scratch.free - start) / ELEMENT_BYTES;
      const packed = new Uint8Array(32 * elements);
      for (let k = 0; k < elements; k++) narrowToWord(scratch.words, (start + k * ELEMENT_BYTES) / 4, packed, 32 * k, true);
      schedules[t] = { layout, bytes: bytesToBase64(packed) };
    }
  }
  return { bytes, meta: { schedules } };
}

/** An instance of the module and the schedules laid out in its memory so far. */
export class Poseidon {
  private readonly exports: Exports;
  readonly words: Uint32Array;
  readonly bytes: Uint8Array;
  private readonly layouts = new Map<number, Layout>();
  /** Where the next schedule goes. */
  free = SCHEDULES;

  /** @param carried schedule images to use instead of computing those widths */
  constructor(
    module: WebAssembly.Module,
    private readonly carried: PoseidonMeta['schedules'],
  ) {
    this.exports = new WebAssembly.Instance(module, {}).exports as unknown as Exports;
    this.words = new Uint32Array(this.exports.memory.buffer);
    this.bytes = new Uint8Array(this.exports.memory.buffer);
    this.words.set(limbsOf((1n << BigInt(2 * NARROW_BITS * LIMBS)) % R, LIMBS, NARROW_BITS), TO_MONTGOMERY / 4);
    this.words.set(limbsOf(1n, LIMBS, NARROW_BITS), ONE / 4);
  }

  /** Where `t`'s schedule lies, laid out (copied, or computed and converted) on first use. */
  layout(t: number): Layout {
    const found = this.layouts.get(t);
    if (found) return found;
    const start = this.free;
    const image = this.carried[t];
    let placed: Layout;
    if (image) {
      const packed = base64ToBytes(image.bytes)!;
      for (let at = 0; at < packed.length; at += 32, this.free += ELEMENT_BYTES) wordToNarrow(this.words, this.free / 4, packed, at, true, LIMBS);
      placed = moved(image.layout, start);
    } else {
      const s = schedule(t);
      const put = (values: bigint[]) => {
        const at = this.free;
        for (const v of values) {
          this.words.set(limbsOf(v, LIMBS, NARROW_BITS), this.free / 4);
          this.free += ELEMENT_BYTES;
        }
        return at;
      };
      placed = {
        partialRounds: s.partial.length,
        full: put(s.full.flat()),
        mds: put(s.mds.flat()),
        partial: put(s.partial.flatMap((p) => [p.scalar, ...p.sparse])),
        tail: put(s.tail.flat()),
      };
      this.exports.convert(start, (this.free - start) / ELEMENT_BYTES, 0);
    }
    this.layouts.set(t, placed);
    return placed;
  }

  /** See {@link poseidonBn254}. */
  hash(inputs: readonly Uint8Array[], littleEndian: boolean): Uint8Array | undefined {
    const t = inputs.length + 1;
    const at = (i: number) => STATE + i * ELEMENT_BYTES;
    this.bytes.fill(0, at(0), at(1));
    for (let i = 0; i < inputs.length; i++) {
      wordToNarrow(this.words, at(i + 1) / 4, inputs[i], 0, littleEndian, LIMBS);
      if (!belowModulus(this.words, at(i + 1) / 4)) return undefined;
    }
    const { partialRounds, full, mds, partial, tail } = this.layout(t);
    this.exports.convert(STATE, t, 0);
    this.exports.permute(t, partialRounds, full, mds, partial, tail);
    this.exports.convert(STATE, 1, 1);
    const out = new Uint8Array(32);
    narrowToWord(this.words, at(0) / 4, out, 0, littleEndian);
    return out;
  }
}

let shared: Poseidon | undefined;

/**
 * Poseidon of `inputs` (1 to 12 field elements as 32 bytes each, big-endian, or little-endian
 * when `littleEndian`), in the same byte order; undefined when an input is not below r.
 */
export function poseidonBn254(inputs: readonly Uint8Array[], littleEndian: boolean): Uint8Array | undefined {
  if (!shared) {
    const { module, meta } = fixedModule('poseidon-bn254', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? () => emitPoseidonBn254() : undefined);
    shared = new Poseidon(module, meta.schedules);
  }
  return shared.hash(inputs, littleEndian);
}

const MODULUS_LIMBS = limbsOf(R, LIMBS, NARROW_BITS);
/** Whether the element whose limbs start at `words[from]` is below r. */
function belowModulus(words: Uint32Array, from: number): boolean {
  for (let k = LIMBS - 1; k >= 0; k--) if (words[from + k] !== MODULUS_LIMBS[k]) return words[from + k] < MODULUS_LIMBS[k];
  return false;
}
