/**
 * DWARF location expressions, operation by operation (the programs under programs/ exercise the
 * ones clang emits; these also reach the rest): registers, the stack machine, memory, pieces and
 * bit pieces with missing parts, implicit values, addresses by index and typed conversions, and
 * malformed or unsupported expressions as reasons, never throws. And the calling convention's
 * places for a function's parameters.
 */
import { describe, expect, it } from 'vitest';
import { evaluateLocation, parameterExpressions, valueExpression, type MachineState } from '../../src/debug/locations.js';

const OP = { addr: 0x03, deref: 0x06, const1s: 0x09, constu: 0x10, consts: 0x11, dup: 0x12, drop: 0x13, over: 0x14, pick: 0x15, swap: 0x16, rot: 0x17 };
const lit = (n: number) => 0x30 + n;
const reg = (n: number) => 0x50 + n;
const breg = (n: number, offset: number) => [0x70 + n, offset & 0x7f];
const [plus, minus, mul, div, shl, shra, abs, neg, and] = [0x22, 0x1c, 0x1e, 0x1b, 0x24, 0x26, 0x19, 0x1f, 0x1a];
const [fbreg, piece, bitPiece, stackValue, addrx, convert, skip] = [0x91, 0x93, 0x9d, 0x9f, 0xa1, 0xa8, 0x2f];

/** A machine with r1 = 0x1000, r2 = 7, r3 = -1 and frame base 0x2000, whose memory at 0x1000 holds 0x1122334455667788. */
const machine: MachineState = {
  register: (n) => ({ 1: 0x1000n, 2: 7n, 3: (1n << 64n) - 1n })[n],
  frameBase: () => 0x2000n,
  memory: (address, size) => (address === 0x1000n ? Uint8Array.of(0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11).subarray(0, size) : undefined),
  relocate: (address) => address + 0x1_0000_0000n,
  unit: { indexedAddress: (i) => (i === 1 ? 0x460 : undefined), baseType: (offset) => (offset === 0x2b ? { size: 1, signed: true } : undefined) },
};
const at = (...bytes: (number | number[])[]) => evaluateLocation(Uint8Array.from(bytes.flat()), machine);
const value = (...bytes: (number | number[])[]) => {
  const l = at(...bytes, stackValue);
  if (l.kind !== 'value') throw new Error(`not a value: ${JSON.stringify(l, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
  return BigInt.asIntN(64, l.value);
};

describe('location expressions', () => {
  it('put a variable in a register, in memory, or give its value', () => {
    expect(at(reg(2))).toEqual({ kind: 'value', value: 7n });
    expect(at(breg(1, 8))).toEqual({ kind: 'memory', address: 0x1008n });
    expect(at(fbreg, 0x7c)).toEqual({ kind: 'memory', address: 0x2000n - 4n });
    expect(at(OP.addr, [0x60, 4, 0, 0, 0, 0, 0, 0])).toEqual({ kind: 'memory', address: 0x1_0000_0460n }); // relocated as the VM maps it
    expect(at(addrx, 1)).toEqual({ kind: 'memory', address: 0x1_0000_0460n });
    expect(at(...valueExpression(Uint8Array.of(1, 2, 3)))).toEqual({ kind: 'bytes', bytes: Uint8Array.of(1, 2, 3) });
    expect(at()).toEqual({ kind: 'unavailable', reason: 'optimized out' });
  });

  it('compute on the DWARF stack', () => {
    expect(value(lit(5), lit(3), minus)).toBe(2n);
    expect(value(lit(6), lit(7), mul, lit(4), div)).toBe(10n);
    expect(value(OP.const1s, 0xfe, abs)).toBe(2n);
    expect(value(lit(1), lit(4), shl, neg)).toBe(-16n);
    expect(value(reg(3) - 0x50 + 0x70, 0, lit(4), shra)).toBe(-1n); // breg3 + 0: -1 shifted stays -1
    expect(value(OP.constu, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toBe(-1n); // 2^64 - 1, exactly
    expect(value(OP.consts, 0x7e)).toBe(-2n);
    expect(value(lit(1), lit(2), OP.swap, minus)).toBe(1n);
    expect(value(lit(1), lit(2), lit(3), OP.rot, OP.drop, OP.drop)).toBe(3n); // 1 2 3 → 3 1 2
    expect(value(lit(1), lit(2), OP.over, plus, plus)).toBe(4n);
    expect(value(lit(9), lit(1), lit(2), OP.pick, 2, OP.dup, plus, plus, plus, plus)).toBe(30n);
    expect(value(breg(1, 0), OP.deref)).toBe(0x1122334455667788n);
    expect(value(OP.constu, 0xff, 0x01, convert, 0x2b)).toBe(-1n); // to a signed byte
    expect(value(breg(2, 0), OP.constu, 0xff, 0x01, and)).toBe(7n);
  });

  it('say why a value cannot be had', () => {
    expect(at(reg(7))).toEqual({ kind: 'unavailable', reason: 'r7 not saved in this frame' });
    expect(at(lit(1), lit(0), div, stackValue)).toEqual({ kind: 'unavailable', reason: 'division by zero' });
    expect(at(lit(4), OP.deref, stackValue)).toEqual({ kind: 'unavailable', reason: 'memory unreadable' });
    expect(at(addrx, 2)).toEqual({ kind: 'unavailable', reason: 'address index unknown' });
    expect(at(plus)).toEqual({ kind: 'unavailable', reason: 'malformed location' }); // nothing on the stack
    expect(at(reg(1), lit(0))).toEqual({ kind: 'unavailable', reason: 'malformed location' }); // a register is all a piece says
    expect(at(lit(1), convert, 0x30)).toEqual({ kind: 'unavailable', reason: 'malformed location' }); // no base type there
    expect(at(OP.constu, 0x80)).toEqual({ kind: 'unavailable', reason: 'malformed location' }); // truncated
    expect(at(skip, 0, 0)).toEqual({ kind: 'unavailable', reason: 'location operation 0x2f not supported' });
  });

  it('split a value in pieces, each where it is, some missing', () => {
    expect(at(reg(2), piece, 8, breg(1, 16), stackValue, piece, 4, piece, 4, reg(7), piece, 8, breg(1, 0), piece, 2)).toEqual({
      kind: 'pieces',
      pieces: [
        { location: { kind: 'value', value: 7n }, bits: 64, from: 0 },
        { location: { kind: 'value', value: 0x1010n }, bits: 32, from: 0 },
        { location: { kind: 'unavailable', reason: 'optimized out' }, bits: 32, from: 0 },
        { location: { kind: 'unavailable', reason: 'r7 not saved in this frame' }, bits: 64, from: 0 },
        { location: { kind: 'memory', address: 0x1000n }, bits: 16, from: 0 },
      ],
    });
    expect(at(reg(2), bitPiece, 3, 1, reg(1), bitPiece, 5, 8)).toEqual({
      kind: 'pieces',
      pieces: [
        { location: { kind: 'value', value: 7n }, bits: 3, from: 1 },
        { location: { kind: 'value', value: 0x1000n }, bits: 5, from: 8 },
      ],
    });
  });
});

describe('parameter locations at a function entry', () => {
  it('follow the sBPF calling convention: r1 to r5, two registers for a structure of 9 to 16 bytes, an address for a larger one', () => {
    const places = parameterExpressions([
      { size: 8, aggregate: false },
      { size: 16, aggregate: true },
      { size: 4, aggregate: true },
      { size: 24, aggregate: true },
      { size: 1, aggregate: false },
      { size: 8, aggregate: false },
    ]);
    expect(places.map((p) => p && [...p])).toEqual([[reg(1)], [reg(2), piece, 8, reg(3), piece, 8], [reg(4)], [0x70 + 5, 0], undefined, undefined]);
    expect(
      parameterExpressions([
        { size: 0, aggregate: false },
        { size: 8, aggregate: false },
      ]),
    ).toEqual([undefined, undefined]);
  });
});
