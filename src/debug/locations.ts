/**
 * Where a variable is: DWARF location lists (`.debug_loc` of DWARF 2–4, `.debug_loclists` of DWARF
 * 5), and the evaluation of location expressions — a register, an address computed on the DWARF
 * stack (from registers, the frame base, constants and memory), a value computed there
 * (`DW_OP_stack_value`) or given (`DW_OP_implicit_value`), and a value split in pieces over
 * several of these (`DW_OP_piece`, `DW_OP_bit_piece`), some of which may be missing. What the
 * evaluator does not handle (implicit pointers, entry values, control flow) comes out as a
 * reason, never a throw.
 */
import { Cursor } from './cursor.js';
import { DebugInfoError, malformed } from './errors.js';
import { listStart, walkAddressPairs, walkListEntries, type RangeContext } from './ranges.js';

/** What reading a unit's location lists needs. */
export interface LocationListContext extends RangeContext {
  /** `DW_AT_loclists_base`, for `DW_FORM_loclistx` indices. */
  loclistsBase?: number;
  loc: Uint8Array;
  loclists: Uint8Array;
}

/** A location list's entries: from `start` to `end` (exclusive) the variable is where `expression` says. */
export type LocationEntry = [start: number, end: number, expression: Uint8Array];

/** The entries of the list at `offset` (DWARF 5: an offset in `.debug_loclists`, or an index when `isIndex`). */
export function readLocationList(ctx: LocationListContext, offset: number, isIndex: boolean): LocationEntry[] {
  const out: LocationEntry[] = [];
  if (ctx.version < 5) {
    walkAddressPairs('.debug_loc', ctx.loc, offset, ctx, (start, end, c) => void out.push([start, end, c.slice(c.u16())]));
  } else {
    const at = listStart('.debug_loclists', ctx.loclists, ctx.loclistsBase, offset, isIndex, ctx);
    walkListEntries('.debug_loclists', ctx.loclists, at, ctx, true, (start, end, c) => void out.push([start, end, c.slice(c.uleb())]));
  }
  return out;
}

/** Where an expression puts a variable, or one piece of it. */
export type SimpleLocation =
  | { kind: 'memory'; address: bigint }
  /** In a register, or computed (`DW_OP_stack_value`): the value itself, eight bytes of it. */
  | { kind: 'value'; value: bigint }
  /** Given in the expression (`DW_OP_implicit_value`, or a constant value DWARF states). */
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'unavailable'; reason: string };

/** One piece of a value: `bits` bits of `location`, from its bit `from`, following the pieces before it. */
export interface Piece {
  location: SimpleLocation;
  bits: number;
  from: number;
}

export type Location = SimpleLocation | { kind: 'pieces'; pieces: Piece[] };

/** What an expression reads from the stopped machine. */
export interface MachineState {
  /** A register, undefined where the frame does not know it. */
  register(n: number): bigint | undefined;
  frameBase(): bigint | undefined;
  /** `size` bytes of memory at `address` (for `DW_OP_deref`), undefined where they cannot be read. */
  memory?(address: bigint, size: number): Uint8Array | undefined;
  /** The address the VM maps an address of the ELF as linked at (for `DW_OP_addr`); the same by default. */
  relocate?(address: bigint): bigint;
  /** What the expression's unit holds that it refers to. */
  unit?: UnitReferences;
}

/** What a unit's location expressions refer to outside themselves. */
export interface UnitReferences {
  /** The address at an index of the unit's `.debug_addr` (for `DW_OP_addrx`, `DW_OP_constx`), as linked. */
  indexedAddress(index: number): number | undefined;
  /** The base type entry at `offset` in the unit (for `DW_OP_convert` and the typed operations of DWARF 5). */
  baseType(offset: number): { size: number; signed: boolean } | undefined;
}

const U64 = (1n << 64n) - 1n;
const OP = {
  addr: 0x03,
  deref: 0x06,
  const1u: 0x08,
  const1s: 0x09,
  const2u: 0x0a,
  const2s: 0x0b,
  const4u: 0x0c,
  const4s: 0x0d,
  const8u: 0x0e,
  const8s: 0x0f,
  constu: 0x10,
  consts: 0x11,
  dup: 0x12,
  drop: 0x13,
  over: 0x14,
  pick: 0x15,
  swap: 0x16,
  rot: 0x17,
  abs: 0x19,
  and: 0x1a,
  div: 0x1b,
  minus: 0x1c,
  mod: 0x1d,
  mul: 0x1e,
  neg: 0x1f,
  not: 0x20,
  or: 0x21,
  plus: 0x22,
  plusUconst: 0x23,
  shl: 0x24,
  shr: 0x25,
  shra: 0x26,
  xor: 0x27,
  eq: 0x29,
  ge: 0x2a,
  gt: 0x2b,
  le: 0x2c,
  lt: 0x2d,
  ne: 0x2e,
  lit0: 0x30,
  reg0: 0x50,
  breg0: 0x70,
  regx: 0x90,
  fbreg: 0x91,
  bregx: 0x92,
  piece: 0x93,
  derefSize: 0x94,
  nop: 0x96,
  bitPiece: 0x9d,
  implicitValue: 0x9e,
  stackValue: 0x9f,
  addrx: 0xa1,
  constx: 0xa2,
  constType: 0xa4,
  regvalType: 0xa5,
  derefType: 0xa6,
  convert: 0xa8,
  reinterpret: 0xa9,
  gnuConvert: 0xf7,
  gnuReinterpret: 0xf9,
  gnuAddrIndex: 0xfb,
  gnuConstIndex: 0xfc,
} as const;

const signed = (v: bigint) => BigInt.asIntN(64, v);
/** Two-operand operations on the top two entries (`a` below `b`), as unsigned 64-bit results. */
const BINARY = new Map<number, (a: bigint, b: bigint) => bigint | undefined>([
  [OP.and, (a, b) => a & b],
  [OP.or, (a, b) => a | b],
  [OP.xor, (a, b) => a ^ b],
  [OP.plus, (a, b) => a + b],
  [OP.minus, (a, b) => a - b],
  [OP.mul, (a, b) => a * b],
  [OP.div, (a, b) => (b === 0n ? undefined : signed(a) / signed(b))],
  [OP.mod, (a, b) => (b === 0n ? undefined : a % b)],
  [OP.shl, (a, b) => (b >= 64n ? 0n : a << b)],
  [OP.shr, (a, b) => (b >= 64n ? 0n : a >> b)],
  [OP.shra, (a, b) => signed(a) >> (b >= 64n ? 63n : b)],
  [OP.eq, (a, b) => BigInt(signed(a) === signed(b))],
  [OP.ne, (a, b) => BigInt(signed(a) !== signed(b))],
  [OP.lt, (a, b) => BigInt(signed(a) < signed(b))],
  [OP.le, (a, b) => BigInt(signed(a) <= signed(b))],
  [OP.gt, (a, b) => BigInt(signed(a) > signed(b))],
  [OP.ge, (a, b) => BigInt(signed(a) >= signed(b))],
]);

/** Evaluates the location expression `expression` on `state`. */
export function evaluateLocation(expression: Uint8Array, state: MachineState): Location {
  try {
    return evaluate(expression, state);
  } catch (e) {
    if (e instanceof DebugInfoError) return { kind: 'unavailable', reason: 'malformed location' };
    throw e;
  }
}

function evaluate(expression: Uint8Array, state: MachineState): Location {
  if (expression.length === 0) return { kind: 'unavailable', reason: 'optimized out' };
  const c = new Cursor('location expression', expression);
  const stack: bigint[] = [];
  const push = (v: bigint) => void stack.push(v & U64);
  const pop = () => {
    const v = stack.pop();
    if (v === undefined) throw malformed('location expression', 'stack empty');
    return v;
  };
  /** A location that ends a piece (a register, a computed or given value); only a piece may follow it. */
  let settled: SimpleLocation | undefined;
  /** Why the current piece cannot be known (a register this frame does not have, memory that cannot be read). */
  let missing: string | undefined;
  const pieces: Piece[] = [];
  const register = (n: number) => {
    const value = state.register(n);
    if (value === undefined) missing ??= `r${n} not saved in this frame`;
    return value ?? 0n;
  };
  const deref = (address: bigint, size: number) => {
    if (size < 1 || size > 8) throw malformed('location expression', `dereference of ${size} bytes`);
    const bytes = state.memory?.(address, size);
    if (!bytes) missing ??= 'memory unreadable';
    return bytes ? littleEndian(bytes) : 0n;
  };
  /** `value` as the base type at unit offset `type` has it (0: the generic type, any value). */
  const converted = (value: bigint, type: number) => {
    if (type === 0) return value;
    const base = state.unit?.baseType(type);
    if (!base || base.size < 1 || base.size > 8) throw malformed('location expression', `no base type of up to 8 bytes at unit offset ${type}`);
    return base.signed ? BigInt.asIntN(8 * base.size, value) : BigInt.asUintN(8 * base.size, value);
  };
  const endPiece = (bits: number, from: number) => {
    const location: SimpleLocation = missing
      ? { kind: 'unavailable', reason: missing }
      : (settled ?? (stack.length > 0 ? { kind: 'memory', address: pop() } : { kind: 'unavailable', reason: 'optimized out' }));
    pieces.push({ location, bits, from });
    [settled, missing, stack.length] = [undefined, undefined, 0];
  };

  while (!c.done) {
    const op = c.u8();
    if (settled && op !== OP.piece && op !== OP.bitPiece) throw malformed('location expression', `operation 0x${op.toString(16)} after a register or value`);
    if (op >= OP.lit0 && op < OP.lit0 + 32) push(BigInt(op - OP.lit0));
    else if ((op >= OP.reg0 && op < OP.reg0 + 32) || op === OP.regx) {
      const value = register(op === OP.regx ? c.uleb() : op - OP.reg0);
      settled = { kind: 'value', value };
    } else if ((op >= OP.breg0 && op < OP.breg0 + 32) || op === OP.bregx) {
      const value = register(op === OP.bregx ? c.uleb() : op - OP.breg0);
      push(value + c.leb64(true));
    } else if (BINARY.has(op)) {
      const b = pop();
      const result = BINARY.get(op)!(pop(), b);
      if (result === undefined) missing ??= 'division by zero';
      push(result ?? 0n);
    } else {
      switch (op) {
        case OP.addr: {
          const address = c.u64n();
          push(state.relocate ? state.relocate(address) : address);
          break;
        }
        case OP.addrx:
        case OP.gnuAddrIndex:
        case OP.constx:
        case OP.gnuConstIndex: {
          // An address by index: relocated like DW_OP_addr; a constant by index (thread-local offsets) as it is.
          const indexed = state.unit?.indexedAddress(c.uleb());
          if (indexed === undefined) return { kind: 'unavailable', reason: 'address index unknown' };
          const address = BigInt(indexed);
          push((op === OP.addrx || op === OP.gnuAddrIndex) && state.relocate ? state.relocate(address) : address);
          break;
        }
        case OP.const1u:
          push(BigInt(c.u8()));
          break;
        case OP.const1s:
          push(BigInt(c.i8()));
          break;
        case OP.const2u:
          push(BigInt(c.u16()));
          break;
        case OP.const2s:
          push(BigInt((c.u16() << 16) >> 16));
          break;
        case OP.const4u:
          push(BigInt(c.u32()));
          break;
        case OP.const4s:
          push(BigInt(c.u32() | 0));
          break;
        case OP.const8u:
        case OP.const8s:
          push(c.u64n());
          break;
        case OP.constu:
        case OP.consts:
          push(c.leb64(op === OP.consts));
          break;
        case OP.plusUconst:
          push(pop() + c.leb64(false));
          break;
        case OP.dup:
        case OP.over:
        case OP.pick: {
          const depth = op === OP.dup ? 0 : op === OP.over ? 1 : c.u8();
          const v = stack[stack.length - 1 - depth];
          if (v === undefined) throw malformed('location expression', `no stack entry ${depth} deep`);
          push(v);
          break;
        }
        case OP.drop:
          pop();
          break;
        case OP.swap: {
          const [b, a] = [pop(), pop()];
          stack.push(b, a);
          break;
        }
        case OP.rot: {
          const [top, second, third] = [pop(), pop(), pop()];
          stack.push(top, third, second);
          break;
        }
        case OP.abs: {
          const v = signed(pop());
          push(v < 0n ? -v : v);
          break;
        }
        case OP.neg:
          push(-pop());
          break;
        case OP.not:
          push(~pop());
          break;
        case OP.fbreg: {
          const base = state.frameBase();
          if (base === undefined) missing ??= 'no frame base';
          push((base ?? 0n) + c.leb64(true));
          break;
        }
        case OP.deref:
          push(deref(pop(), 8));
          break;
        case OP.derefSize:
          push(deref(pop(), c.u8()));
          break;
        case OP.derefType: {
          const size = c.u8();
          push(converted(deref(pop(), size), c.uleb()));
          break;
        }
        case OP.constType: {
          const type = c.uleb();
          const bytes = c.slice(c.u8());
          push(converted(littleEndian(bytes), type));
          break;
        }
        case OP.regvalType: {
          const value = register(c.uleb());
          push(converted(value, c.uleb()));
          break;
        }
        case OP.convert:
        case OP.reinterpret:
        case OP.gnuConvert:
        case OP.gnuReinterpret:
          push(converted(pop(), c.uleb()));
          break;
        case OP.stackValue: // the top of the stack is the value, not its address
          settled = { kind: 'value', value: pop() };
          break;
        case OP.implicitValue:
          settled = { kind: 'bytes', bytes: c.slice(c.uleb()) };
          break;
        case OP.piece:
          endPiece(8 * c.uleb(), 0);
          break;
        case OP.bitPiece: {
          const bits = c.uleb();
          endPiece(bits, c.uleb());
          break;
        }
        case OP.nop:
          break;
        default:
          return { kind: 'unavailable', reason: `location operation 0x${op.toString(16)} not supported` };
      }
    }
  }
  if (pieces.length > 0) return { kind: 'pieces', pieces };
  if (missing) return { kind: 'unavailable', reason: missing };
  if (settled) return settled;
  return stack.length > 0 ? { kind: 'memory', address: pop() } : { kind: 'unavailable', reason: 'optimized out' };
}

function littleEndian(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** A `DW_OP_addr` expression: the variable is at `address` (of the ELF as linked). */
export function addressExpression(address: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = OP.addr;
  new DataView(out.buffer).setBigUint64(1, BigInt(address), true);
  return out;
}

/** A `DW_OP_implicit_value` expression: the variable's value is `bytes`. */
export function valueExpression(bytes: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = bytes.length;
  do {
    length.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return Uint8Array.from([OP.implicitValue, ...length, ...bytes]);
}

/**
 * The location expressions the sBPF calling convention gives a function's parameters when it is
 * entered: in r1 to r5, in order; a value of up to 8 bytes in one register, a structure of up to
 * 16 in two (its pieces), a larger one by reference (the register holds its address). Undefined
 * for a parameter past r5 or of unknown size.
 */
export function parameterExpressions(parameters: readonly { size: number; aggregate: boolean }[]): (Uint8Array | undefined)[] {
  let next = 1;
  return parameters.map(({ size, aggregate }) => {
    const registers = size === 0 ? 0 : size <= 8 || (aggregate && size > 16) ? 1 : aggregate ? 2 : 0;
    if (registers === 0 || next + registers > 6) {
      next = 6; // what follows is not where the convention says either
      return undefined;
    }
    const r = next;
    next += registers;
    if (registers === 2) return Uint8Array.from([OP.reg0 + r, OP.piece, 8, OP.reg0 + r + 1, OP.piece, size - 8]);
    return size > 8 ? Uint8Array.from([OP.breg0 + r, 0]) : Uint8Array.from([OP.reg0 + r]);
  });
}
