/**
 * Our WebAssembly emitter: LEB128 edge values (decoded independently here), and modules that Node's
 * WebAssembly engine validates and runs — i64 arithmetic checked against BigInt, memory, imports
 * with i64 at the JS boundary, multi-value blocks, br_table and call_indirect.
 */
import { describe, expect, it } from 'vitest';
import { ByteWriter, ModuleBuilder, ValType } from '../../src/jit/wasm/index.js';

function readSleb(bytes: Uint8Array): bigint {
  let result = 0n;
  let shift = 0n;
  for (const b of bytes) {
    result |= BigInt(b & 0x7f) << shift;
    shift += 7n;
    if ((b & 0x80) === 0) {
      if (b & 0x40) result -= 1n << shift;
      return result;
    }
  }
  throw new Error('unterminated');
}
function readUleb(bytes: Uint8Array): number {
  let result = 0;
  let mul = 1;
  for (const b of bytes) {
    result += (b & 0x7f) * mul;
    mul *= 128;
    if ((b & 0x80) === 0) return result;
  }
  throw new Error('unterminated');
}

describe('LEB128', () => {
  it('unsigned', () => {
    for (const v of [0, 1, 63, 64, 127, 128, 255, 624485, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1]) {
      expect(readUleb(new ByteWriter().u32(v).view())).toBe(v);
    }
    expect([...new ByteWriter().u32(624485).view()]).toEqual([0xe5, 0x8e, 0x26]);
  });
  it('signed 32 and 64', () => {
    for (const v of [0, 1, -1, 63, 64, -64, -65, 2 ** 31 - 1, -(2 ** 31), -123456]) {
      expect(readSleb(new ByteWriter().s32(v).view())).toBe(BigInt(v));
    }
    expect([...new ByteWriter().s32(-123456).view()]).toEqual([0xc0, 0xbb, 0x78]);
    const edges = [0n, 1n, -1n, 63n, 64n, -64n, -65n, (1n << 63n) - 1n, -(1n << 63n), 0x1234_5678_9abc_def0n, -(1n << 32n), 1n << 32n, 0xffff_ffffn];
    for (const v of edges) expect(readSleb(new ByteWriter().s64Big(v).view())).toBe(v);
  });
});

const I64 = ValType.I64;
const I32 = ValType.I32;

function instantiate(m: ModuleBuilder, imports: WebAssembly.Imports = {}) {
  const bytes = m.encode();
  expect(WebAssembly.validate(bytes)).toBe(true);
  return new WebAssembly.Instance(new WebAssembly.Module(bytes), imports).exports as Record<
    string,
    ((...args: unknown[]) => unknown) & { buffer: ArrayBuffer }
  >;
}

describe('modules', () => {
  it('i64 binary operations match BigInt wrapping semantics', () => {
    const m = new ModuleBuilder();
    const ops = ['i64Add', 'i64Sub', 'i64Mul', 'i64And', 'i64Or', 'i64Xor', 'i64Shl', 'i64ShrU', 'i64ShrS', 'i64Rotl'] as const;
    ops.forEach((name) => {
      const f = m.addFunction([I64, I64], [I64]);
      f.code.localGet(0).localGet(1)[name]();
      m.export(name, 'func', f.index);
    });
    const e = instantiate(m);
    const u = (v: bigint) => BigInt.asIntN(64, v);
    const ref: Record<(typeof ops)[number], (a: bigint, b: bigint) => bigint> = {
      i64Add: (a, b) => u(a + b),
      i64Sub: (a, b) => u(a - b),
      i64Mul: (a, b) => u(a * b),
      i64And: (a, b) => a & b,
      i64Or: (a, b) => a | b,
      i64Xor: (a, b) => a ^ b,
      i64Shl: (a, b) => u(a << (b & 63n)),
      i64ShrU: (a, b) => u(BigInt.asUintN(64, a) >> (b & 63n)),
      i64ShrS: (a, b) => a >> (b & 63n),
      i64Rotl: (a, b) => {
        const s = b & 63n;
        const x = BigInt.asUintN(64, a);
        return u((x << s) | (x >> ((64n - s) & 63n)));
      },
    };
    let seed = 7n;
    const rnd = () => (seed = BigInt.asIntN(64, seed * 6364136223846793005n + 1442695040888963407n));
    for (let i = 0; i < 200; i++) {
      const a = rnd();
      const b = rnd();
      for (const name of ops) expect(e[name](a, b), name).toBe(ref[name](a, b));
    }
  });

  it('constants from 32-bit halves, memory loads/stores, globals', () => {
    const m = new ModuleBuilder();
    m.defineMemory(1);
    const g = m.addGlobal(I64, true, 0n);
    const f = m.addFunction([I32], [I64]);
    f.code.localGet(0).i64Const(0x12345678, 0x9abcdef0).i64Store(3);
    f.code.localGet(0).i64Load32U(3).globalSet(g);
    f.code.localGet(0).i64Load(3).globalGet(g).i64Add();
    m.export('f', 'func', f.index);
    m.export('mem', 'memory', 0);
    const e = instantiate(m);
    expect(e.f(5)).toBe(BigInt.asIntN(64, 0x123456789abcdef0n + 0x9abcdef0n));
    expect(new DataView(e.mem.buffer).getBigUint64(8, true)).toBe(0x123456789abcdef0n);
  });

  it('imported host functions exchange i64 as BigInt; br_table and multi-value blocks work', () => {
    const m = new ModuleBuilder();
    const host = m.importFunction('env', 'host', [I64], [I64]);
    const pair = m.type([], [I64, I64]);
    const f = m.addFunction([I32], [I64]);
    const out = f.code.locals(1, I64);
    // switch (x) { case 0: out = host(10); case 1: out = 20; default: out = 30 }
    f.code.block().block().block().block();
    f.code.localGet(0).brTable([0, 1], 2).end();
    f.code.i64ConstI32(10).call(host).localSet(out).br(2).end();
    f.code.i64ConstI32(20).localSet(out).br(1).end();
    f.code.i64ConstI32(30).localSet(out).end();
    f.code.block({ typeIndex: pair }).localGet(out).i64ConstI32(-1).end().i64Add();
    m.export('f', 'func', f.index);
    const e = instantiate(m, { env: { host: (x: bigint) => x * 1000n } });
    expect([e.f(0), e.f(1), e.f(2), e.f(9)]).toEqual([9999n, 19n, 29n, 29n]);
  });

  it('call_indirect through a table', () => {
    const m = new ModuleBuilder();
    const sig = m.type([I64], [I64]);
    const double = m.addFunction([I64], [I64]);
    double.code.localGet(0).localGet(0).i64Add();
    const negate = m.addFunction([I64], [I64]);
    negate.code.i64ConstI32(0).localGet(0).i64Sub();
    m.defineTable([double.index, negate.index]);
    const f = m.addFunction([I64, I32], [I64]);
    f.code.localGet(0).localGet(1).callIndirect(sig);
    m.export('f', 'func', f.index);
    const e = instantiate(m);
    expect([e.f(21n, 0), e.f(21n, 1)]).toEqual([42n, -21n]);
    expect(() => e.f(1n, 2)).toThrow(WebAssembly.RuntimeError);
  });
});

describe('throughput', () => {
  it('emits a 75 000-instruction function that validates (its speed is measured by npm run bench)', () => {
    const m = new ModuleBuilder();
    const f = m.addFunction([], []);
    const locals = f.code.locals(11, I64);
    for (let i = 0; i < 75_000; i++) {
      f.code
        .localGet(locals + (i % 11))
        .i64Const(i, i * 7)
        .i64Add()
        .localSet(locals + ((i + 1) % 11));
      f.code.localGet(locals).i64Eqz().if().nop().end();
    }
    const bytes = m.encode();
    expect(WebAssembly.validate(bytes)).toBe(true);
  });
});
