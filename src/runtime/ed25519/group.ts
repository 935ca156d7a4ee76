/**
 * The Edwards25519 group for the curve25519 syscalls, on the same WebAssembly arithmetic as the
 * signature verifier (./module.ts): an instance of its own, points held as their extended
 * coordinates' bytes. Edwards decoding is curve25519-dalek's `CompressedEdwardsY::decompress` (y
 * need not be below p, x = 0 may carry the sign bit) and ristretto255's is RFC 9496's (canonical
 * only); the group law is complete (identity, points of small or mixed order alike), so a
 * ristretto255 class is computed on any of its representatives; encodings are canonical.
 */
import { fixedModule } from '../../crypto/fixed-modules.js';
import { emitEd25519, KEY_NAF_WIDTH, NAF_STRIDE, ODD_MULTIPLES, POINT, type Ed25519Exports, type Layout } from './module.js';

/** Points a multiscalar multiplication takes at once (their doublings shared; the batches' sums added). */
const BATCH = 32;

/** x < 2^256 as 32 little-endian bytes. */
function littleEndian32(x: bigint): Uint8Array {
  const out = new Uint8Array(32);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++, x >>= 64n) view.setBigUint64(8 * i, BigInt.asUintN(64, x), true);
  return out;
}

/** A point: the bytes of its extended coordinates as the module lays them out. */
export type EdwardsPoint = Uint8Array;

class EdwardsGroup {
  private readonly wasm: Ed25519Exports;
  private readonly layout: Layout;
  private readonly bytes: Uint8Array;
  /** Scratch: an accumulator, an operand, a sum of batches, then a batch's odd multiples, their addresses and digits. */
  private readonly acc: number;
  private readonly operand: number;
  private readonly total: number;
  private readonly odd: number;
  private readonly oddAt: number;
  private readonly naf: number;

  constructor() {
    const { module, meta } = fixedModule('ed25519', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitEd25519 : undefined);
    this.wasm = new WebAssembly.Instance(module).exports as unknown as Ed25519Exports;
    this.wasm.initialize();
    this.layout = meta;
    this.acc = meta.heap;
    this.operand = this.acc + POINT;
    this.total = this.operand + POINT;
    this.odd = this.total + POINT;
    this.oddAt = this.odd + BATCH * ODD_MULTIPLES * POINT;
    this.naf = this.oddAt + 4 * BATCH;
    const needed = this.naf + BATCH * NAF_STRIDE;
    const missing = needed - this.wasm.memory.buffer.byteLength;
    if (missing > 0) this.wasm.memory.grow(Math.ceil(missing / 65536));
    this.bytes = new Uint8Array(this.wasm.memory.buffer);
    const addresses = new DataView(this.wasm.memory.buffer, this.oddAt, 4 * BATCH);
    for (let j = 0; j < BATCH; j++) addresses.setUint32(4 * j, this.odd + j * ODD_MULTIPLES * POINT, true);
  }

  private take(at: number): EdwardsPoint {
    return this.bytes.slice(at, at + POINT);
  }

  /** The point 32 bytes encode (decoded by the module's `decompress`), or undefined when they encode none. */
  private decodeWith(decompress: (p: number) => number, encoding: Uint8Array): EdwardsPoint | undefined {
    this.bytes.set(encoding.subarray(0, 32), this.layout.bytesIn);
    return decompress(this.acc) ? this.take(this.acc) : undefined;
  }

  /** The 32-byte encoding the module's `compress` gives `p`. */
  private encodeWith(compress: (p: number) => void, p: EdwardsPoint): Uint8Array {
    this.bytes.set(p, this.acc);
    compress(this.acc);
    return this.bytes.slice(this.layout.bytesOut, this.layout.bytesOut + 32);
  }

  /** The point 32 bytes encode, or undefined when they encode none. */
  decode(encoding: Uint8Array): EdwardsPoint | undefined {
    return this.decodeWith(this.wasm.decompress, encoding);
  }

  /** The canonical encoding of `p`. */
  encode(p: EdwardsPoint): Uint8Array {
    return this.encodeWith(this.wasm.compress, p);
  }

  /** The point a ristretto255 encoding names (a representative of its class), or undefined when the bytes are no canonical encoding. */
  decodeRistretto(encoding: Uint8Array): EdwardsPoint | undefined {
    return this.decodeWith(this.wasm.ristrettoDecompress, encoding);
  }

  /** The canonical ristretto255 encoding of `p`'s class. */
  encodeRistretto(p: EdwardsPoint): Uint8Array {
    return this.encodeWith(this.wasm.ristrettoCompress, p);
  }

  add(p: EdwardsPoint, q: EdwardsPoint): EdwardsPoint {
    const bytes = this.bytes;
    bytes.set(p, this.acc);
    bytes.set(q, this.operand);
    this.wasm.addPoint(this.acc, this.operand);
    return this.take(this.acc);
  }

  sub(p: EdwardsPoint, q: EdwardsPoint): EdwardsPoint {
    const bytes = this.bytes;
    bytes.set(p, this.acc);
    bytes.set(q, this.operand);
    this.wasm.negate(this.operand);
    this.wasm.addPoint(this.acc, this.operand);
    return this.take(this.acc);
  }

  /** [k]p for 0 ≤ k < 2^253. */
  mul(p: EdwardsPoint, k: bigint): EdwardsPoint {
    return this.msm([p], [k]);
  }

  /** Σ [k_i]p_i for 0 ≤ k_i < 2^253, by batches of points whose ladders share their doublings. */
  msm(points: readonly EdwardsPoint[], scalars: readonly bigint[]): EdwardsPoint {
    const { wasm, bytes } = this;
    wasm.identity(this.total);
    for (let start = 0; start < points.length; start += BATCH) {
      const count = Math.min(BATCH, points.length - start);
      let length = 0;
      for (let j = 0; j < count; j++) {
        bytes.set(points[start + j]!, this.operand);
        wasm.oddMultiples(this.odd + j * ODD_MULTIPLES * POINT, this.operand, ODD_MULTIPLES, 1);
        const digits = this.naf + j * NAF_STRIDE;
        bytes.set(littleEndian32(scalars[start + j]!), this.layout.scalarIn);
        length = Math.max(length, wasm.naf(this.layout.scalarIn, 32, digits, KEY_NAF_WIDTH));
      }
      wasm.identity(this.acc);
      if (length > 0) wasm.multiLadder(this.acc, this.naf, count, length, this.oddAt);
      wasm.addPoint(this.total, this.acc);
    }
    return this.take(this.total);
  }
}

let group: EdwardsGroup | undefined;

/** The process's Edwards group (its module instantiated on first use). */
export const edwardsGroup = (): EdwardsGroup => (group ??= new EdwardsGroup());
