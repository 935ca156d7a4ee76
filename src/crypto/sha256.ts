/**
 * SHA-256 (FIPS 180-4) with the compression function in a small WebAssembly module built by our
 * own emitter: program-derived addresses hash on every bump they try and `sol_sha256` is among the
 * most called syscalls, so the per-call overhead matters more than the per-byte speed (padding and
 * the digest's byte order are done in WebAssembly too). Built and instantiated synchronously on
 * first use.
 */
import { type Code, ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { BlockHasher } from './block-hash.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { nodeModule } from '../platform.js';
import { compileAhead, fixedModule, type EmittedModule } from './fixed-modules.js';

const { I32 } = ValType;
const K = Uint32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74,
  0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d,
  0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e,
  0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5,
  0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const INITIAL = Uint32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);

/** Memory: state, round constants, message schedule, digest, then the input buffer (whole blocks, plus room for padding). */
const STATE = 0;
const ROUND_CONSTANTS = 32;
const SCHEDULE = 288;
const DIGEST = 544;
const BUFFER = 1024;
const CAPACITY = 62 * 1024;

/** rotr(x, a) ^ rotr(x, b) ^ (rotr(x, third), or x >>> third when `shift`), x in local `x`. */
function sigma(c: Code, x: number, a: number, b: number, third: number, shift: boolean): void {
  c.localGet(x).i32Const(a).i32Rotr();
  c.localGet(x).i32Const(b).i32Rotr().i32Xor();
  c.localGet(x).i32Const(third);
  if (shift) c.i32ShrU();
  else c.i32Rotr();
  c.i32Xor();
}

/** Pushes local `x` with its bytes reversed (big-endian words ↔ wasm's little-endian loads). */
function byteSwapped(c: Code, x: number): void {
  c.localGet(x).i32Const(8).i32Rotl().i32Const(0x00ff00ff).i32And();
  c.localGet(x)
    .i32Const(8)
    .i32Rotr()
    .i32Const(0xff00ff00 | 0)
    .i32And()
    .i32Or();
}

interface Exports {
  memory: WebAssembly.Memory;
  /** Sets the initial hash value. */
  reset(): void;
  /** Runs the compression function over `blocks` 64-byte blocks of the buffer. */
  compress(blocks: number): void;
  /** Pads the `used` bytes in the buffer for a message of `bitsHi`·2^32 + `bitsLo` bits, compresses them, writes the digest. */
  finish(used: number, bitsHi: number, bitsLo: number): void;
}

/** The module's bytes (see fixed-modules.ts). */
export function emitSha256(): EmittedModule {
  const m = new ModuleBuilder();
  m.defineMemory(1, 1);
  m.export('memory', 'memory', 0);
  const f = m.addFunction([I32], []);
  const c = f.code;
  const [ptr, t, x, t1] = [c.locals(1, I32), c.locals(1, I32), c.locals(1, I32), c.locals(1, I32)];
  const v = Array.from({ length: 8 }, () => c.locals(1, I32)); // a..h
  const [a, b, cc, d, e, ff, g, h] = v;
  c.i32Const(BUFFER).localSet(ptr);
  c.block().loop();
  c.localGet(0).i32Eqz().brIf(1);
  // W[0..15]: the block's big-endian words.
  c.i32Const(0).localSet(t);
  c.loop();
  c.localGet(ptr).localGet(t).i32Add().i32Load().localSet(x);
  c.i32Const(SCHEDULE).localGet(t).i32Add();
  byteSwapped(c, x);
  c.i32Store();
  c.localGet(t).i32Const(4).i32Add().localTee(t).i32Const(64).i32LtU().brIf(0);
  c.end();
  // W[16..63] = σ1(W[t−2]) + W[t−7] + σ0(W[t−15]) + W[t−16]; t is a byte offset.
  c.loop();
  c.i32Const(SCHEDULE).localGet(t).i32Add();
  c.localGet(t)
    .i32Load(SCHEDULE - 8)
    .localSet(x);
  sigma(c, x, 17, 19, 10, true);
  c.localGet(t)
    .i32Load(SCHEDULE - 28)
    .i32Add();
  c.localGet(t)
    .i32Load(SCHEDULE - 60)
    .localSet(x);
  sigma(c, x, 7, 18, 3, true);
  c.i32Add();
  c.localGet(t)
    .i32Load(SCHEDULE - 64)
    .i32Add();
  c.i32Store();
  c.localGet(t).i32Const(4).i32Add().localTee(t).i32Const(256).i32LtU().brIf(0);
  c.end();
  v.forEach((l, i) =>
    c
      .i32Const(0)
      .i32Load(STATE + 4 * i)
      .localSet(l),
  );
  // 64 rounds.
  c.i32Const(0).localSet(t);
  c.loop();
  // T1 = h + Σ1(e) + Ch(e, f, g) + K[t] + W[t]
  c.localGet(h);
  sigma(c, e, 6, 11, 25, false);
  c.i32Add();
  c.localGet(g).localGet(e).localGet(ff).localGet(g).i32Xor().i32And().i32Xor().i32Add();
  c.localGet(t).i32Load(ROUND_CONSTANTS).i32Add();
  c.localGet(t).i32Load(SCHEDULE).i32Add();
  c.localSet(t1);
  c.localGet(g).localSet(h);
  c.localGet(ff).localSet(g);
  c.localGet(e).localSet(ff);
  c.localGet(d).localGet(t1).i32Add().localSet(e);
  c.localGet(cc).localSet(d);
  // a = T1 + Σ0(a) + Maj(a, b, c)
  c.localGet(t1);
  sigma(c, a, 2, 13, 22, false);
  c.i32Add();
  c.localGet(a).localGet(b).i32And().localGet(cc).localGet(a).localGet(b).i32Or().i32And().i32Or().i32Add();
  c.localSet(x);
  c.localGet(b).localSet(cc);
  c.localGet(a).localSet(b);
  c.localGet(x).localSet(a);
  c.localGet(t).i32Const(4).i32Add().localTee(t).i32Const(256).i32LtU().brIf(0);
  c.end();
  v.forEach((l, i) =>
    c
      .i32Const(0)
      .i32Const(0)
      .i32Load(STATE + 4 * i)
      .localGet(l)
      .i32Add()
      .i32Store(STATE + 4 * i),
  );
  c.localGet(ptr).i32Const(64).i32Add().localSet(ptr);
  c.localGet(0).i32Const(1).i32Sub().localSet(0);
  c.br(0);
  c.end().end();
  m.export('compress', 'func', f.index);

  const reset = m.addFunction([], []);
  INITIAL.forEach((h, i) =>
    reset.code
      .i32Const(0)
      .i32Const(h | 0)
      .i32Store(STATE + 4 * i),
  );
  m.export('reset', 'func', reset.index);

  // finish(used, bitsHi, bitsLo): 0x80, zeros to 56 mod 64, the bit length big-endian; then the digest.
  const finish = m.addFunction([I32, I32, I32], []);
  {
    const c = finish.code;
    const [used, bitsHi, bitsLo] = [0, 1, 2];
    const x = c.locals(1, I32);
    c.localGet(used).i32Const(0x80).i32Store8(BUFFER);
    c.block().loop();
    c.localGet(used).i32Const(1).i32Add().localTee(used).i32Const(63).i32And().i32Const(56).i32Eq().brIf(1);
    c.localGet(used).i32Const(0).i32Store8(BUFFER);
    c.br(0);
    c.end().end();
    for (const [half, at] of [
      [bitsHi, 0],
      [bitsLo, 4],
    ]) {
      c.localGet(used);
      byteSwapped(c, half);
      c.i32Store(BUFFER + at);
    }
    c.localGet(used).i32Const(8).i32Add().i32Const(6).i32ShrU().call(f.index);
    for (let i = 0; i < 8; i++) {
      c.i32Const(0)
        .i32Load(STATE + 4 * i)
        .localSet(x);
      c.i32Const(0);
      byteSwapped(c, x);
      c.i32Store(DIGEST + 4 * i);
    }
  }
  m.export('finish', 'func', finish.index);
  return { bytes: m.encode(), meta: undefined };
}

/** Starts compiling the hash's module in the background, then hashes once (see `compileAhead`). */
export const compileSha256Ahead = (): void => compileAhead('sha256', () => sha256(new Uint8Array(0)));

function build(): Exports {
  const exports = new WebAssembly.Instance(fixedModule('sha256', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitSha256 : undefined).module, {})
    .exports as unknown as Exports;
  new Uint32Array(exports.memory.buffer, ROUND_CONSTANTS, 64).set(K);
  return exports;
}

/** SHA-256 fed a piece at a time (see `BlockHasher`). */
export const sha256Hasher = new BlockHasher(
  () => {
    const exports = build();
    const finish = (used: number, total: number) => exports.finish(used, Math.floor(total / 2 ** 29), (total % 2 ** 29) * 8);
    return { memory: exports.memory, reset: exports.reset, blocks: exports.compress, finish };
  },
  { buffer: BUFFER, capacity: CAPACITY, digest: DIGEST, digestBytes: 32, blockBytes: 64 },
);

/** SHA-256 of the concatenation of the arguments. */
export const sha256 = (...parts: Uint8Array[]): Uint8Array => sha256Hasher.hash(...parts);

interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: Uint8Array): { digest(encoding: 'hex'): string } };
}

/**
 * Hex SHA-256 of `bytes`: node:crypto's where there is one (a megabyte program hashes in about
 * a millisecond, many times faster than in JavaScript), else the module above.
 */
export function sha256Hex(bytes: Uint8Array): string {
  const crypto = nodeModule<NodeCrypto>('node:crypto');
  return crypto ? crypto.createHash('sha256').update(bytes).digest('hex') : bytesToHex(sha256(bytes));
}
