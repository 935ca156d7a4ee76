/**
 * Keccak-256 (the original Keccak padding, as Ethereum and `sol_keccak256` use it) with the
 * Keccak-f[1600] permutation in a small WebAssembly module built by our own emitter: 25 lanes in
 * i64 locals, one round unrolled and run 24 times. Built and instantiated synchronously on first
 * use.
 */
import { type Code, ModuleBuilder, ValType } from '../jit/wasm/index.js';
import { BlockHasher } from './block-hash.js';
import { fixedModule, type EmittedModule } from './fixed-modules.js';

const { I32, I64 } = ValType;
/** Bytes absorbed per permutation (1088 bits). */
const RATE = 136;
const ROUNDS = 24;
const ROUND_CONSTANTS = [
  0x0000000000000001n,
  0x0000000000008082n,
  0x800000000000808an,
  0x8000000080008000n,
  0x000000000000808bn,
  0x0000000080000001n,
  0x8000000080008081n,
  0x8000000000008009n,
  0x000000000000008an,
  0x0000000000000088n,
  0x0000000080008009n,
  0x000000008000000an,
  0x000000008000808bn,
  0x800000000000008bn,
  0x8000000000008089n,
  0x8000000000008003n,
  0x8000000000008002n,
  0x8000000000000080n,
  0x000000000000800an,
  0x800000008000000an,
  0x8000000080008081n,
  0x8000000000008080n,
  0x0000000080000001n,
  0x8000000080008008n,
];
/** ρ offsets by lane x + 5y. */
const ROTATIONS = [0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14];

/** Memory: the state's 25 lanes, the round constants, the digest, then the input buffer (whole blocks, plus one for padding). */
const STATE = 0;
const CONSTANTS = 200;
const DIGEST = CONSTANTS + 8 * ROUNDS;
const BUFFER = 1024;
const CAPACITY = RATE * 450;

interface Exports {
  memory: WebAssembly.Memory;
  /** Zeroes the state. */
  reset(): void;
  /** Absorbs `blocks` blocks of the buffer. */
  absorb(blocks: number): void;
  /** Pads the `used` bytes in the buffer, absorbs them, and writes the 32-byte digest. */
  finish(used: number): void;
}

/** One round of Keccak-f on the lanes in `a` (`b`, `parity`, `d`: scratch); local `index` holds the round number. */
function round(c: Code, a: number[], b: number[], parity: number[], d: number, index: number): void {
  // θ
  for (let x = 0; x < 5; x++) {
    c.localGet(a[x]);
    for (let y = 1; y < 5; y++) c.localGet(a[x + 5 * y]).i64Xor();
    c.localSet(parity[x]);
  }
  for (let x = 0; x < 5; x++) {
    c.localGet(parity[(x + 4) % 5])
      .localGet(parity[(x + 1) % 5])
      .i64Const(0, 1)
      .i64Rotl()
      .i64Xor()
      .localSet(d);
    for (let y = 0; y < 5; y++)
      c.localGet(a[x + 5 * y])
        .localGet(d)
        .i64Xor()
        .localSet(a[x + 5 * y]);
  }
  // ρ and π: B[y, 2x + 3y] = rotl(A[x, y], r[x, y])
  for (let x = 0; x < 5; x++) {
    for (let y = 0; y < 5; y++) {
      c.localGet(a[x + 5 * y])
        .i64Const(0, ROTATIONS[x + 5 * y])
        .i64Rotl()
        .localSet(b[y + 5 * ((2 * x + 3 * y) % 5)]);
    }
  }
  // χ
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < 5; x++) {
      c.localGet(b[x + 5 * y])
        .localGet(b[((x + 1) % 5) + 5 * y])
        .i64Const(-1, -1)
        .i64Xor()
        .localGet(b[((x + 2) % 5) + 5 * y])
        .i64And()
        .i64Xor();
      c.localSet(a[x + 5 * y]);
    }
  }
  // ι
  c.localGet(a[0]).i32Const(0).localGet(index).i32Const(8).i32Mul().i32Add().i64Load(CONSTANTS).i64Xor().localSet(a[0]);
}

/** The module's bytes (see fixed-modules.ts). */
export function emitKeccak256(): EmittedModule {
  const m = new ModuleBuilder();
  m.defineMemory(1, 1);
  m.export('memory', 'memory', 0);

  const absorb = m.addFunction([I32], []);
  {
    const c = absorb.code;
    const BLOCKS = 0;
    const a = Array.from({ length: 25 }, () => c.locals(1, I64));
    const b = Array.from({ length: 25 }, () => c.locals(1, I64));
    const parity = Array.from({ length: 5 }, () => c.locals(1, I64));
    const d = c.locals(1, I64);
    const [ptr, r] = [c.locals(1, I32), c.locals(1, I32)];
    a.forEach((l, k) =>
      c
        .i32Const(0)
        .i64Load(STATE + 8 * k)
        .localSet(l),
    );
    c.i32Const(BUFFER).localSet(ptr);
    c.block().loop();
    c.localGet(BLOCKS).i32Eqz().brIf(1);
    for (let k = 0; k < RATE / 8; k++)
      c.localGet(a[k])
        .localGet(ptr)
        .i64Load(8 * k)
        .i64Xor()
        .localSet(a[k]);
    c.i32Const(0).localSet(r);
    c.loop();
    round(c, a, b, parity, d, r);
    c.localGet(r).i32Const(1).i32Add().localTee(r).i32Const(ROUNDS).i32LtU().brIf(0);
    c.end();
    c.localGet(ptr).i32Const(RATE).i32Add().localSet(ptr);
    c.localGet(BLOCKS).i32Const(1).i32Sub().localSet(BLOCKS);
    c.br(0);
    c.end().end();
    a.forEach((l, k) =>
      c
        .i32Const(0)
        .localGet(l)
        .i64Store(STATE + 8 * k),
    );
  }
  m.export('absorb', 'func', absorb.index);

  const reset = m.addFunction([], []);
  for (let k = 0; k < 25; k++)
    reset.code
      .i32Const(0)
      .i64ConstI32(0)
      .i64Store(STATE + 8 * k);
  m.export('reset', 'func', reset.index);

  // finish(used): zeros to the end of the block, 0x01 after the message, 0x80 in the block's last byte.
  const finish = m.addFunction([I32], []);
  {
    const c = finish.code;
    const USED = 0;
    const [i, end] = [c.locals(1, I32), c.locals(1, I32)];
    c.localGet(USED).i32Const(RATE).i32DivU().i32Const(1).i32Add().i32Const(RATE).i32Mul().localSet(end);
    c.localGet(USED).localSet(i);
    c.block().loop();
    c.localGet(i).localGet(end).i32GeU().brIf(1);
    c.localGet(i).i32Const(0).i32Store8(BUFFER);
    c.localGet(i).i32Const(1).i32Add().localSet(i);
    c.br(0);
    c.end().end();
    c.localGet(USED).i32Const(0x01).i32Store8(BUFFER);
    c.localGet(end)
      .localGet(end)
      .i32Load8U(BUFFER - 1)
      .i32Const(0x80)
      .i32Or()
      .i32Store8(BUFFER - 1);
    c.localGet(end).i32Const(RATE).i32DivU().call(absorb.index);
    for (let k = 0; k < 4; k++)
      c.i32Const(0)
        .i32Const(0)
        .i64Load(STATE + 8 * k)
        .i64Store(DIGEST + 8 * k);
  }
  m.export('finish', 'func', finish.index);
  return { bytes: m.encode(), meta: undefined };
}

function build(): Exports {
  const exports = new WebAssembly.Instance(fixedModule('keccak256', typeof WEBSVM_CARRIES_FIXED_MODULES === 'undefined' ? emitKeccak256 : undefined).module, {})
    .exports as unknown as Exports;
  new BigUint64Array(exports.memory.buffer, CONSTANTS, ROUNDS).set(ROUND_CONSTANTS);
  return exports;
}

/** Keccak-256 fed a piece at a time (see `BlockHasher`). */
export const keccak256Hasher = new BlockHasher(
  () => {
    const exports = build();
    return { memory: exports.memory, reset: exports.reset, blocks: exports.absorb, finish: (used: number) => exports.finish(used) };
  },
  { buffer: BUFFER, capacity: CAPACITY, digest: DIGEST, digestBytes: 32, blockBytes: RATE },
);

/** Keccak-256 of the concatenation of the arguments. */
export const keccak256 = (...parts: Uint8Array[]): Uint8Array => keccak256Hasher.hash(...parts);
