/**
 * Where a variable is: DWARF location lists (`.debug_loc` of DWARF 2–4, `.debug_loclists` of DWARF
 * 5), and the evaluation of the location expressions clang emits for sBPF — a register, a
 * register or the frame base plus an offset, an address, or a computed value. What the evaluator
 * does not handle (pieces, implicit pointers, entry values) comes out as a reason, never a throw.
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

/** Where an expression puts a variable. */
export type Location =
  | { kind: 'memory'; address: bigint }
  /** In a register, or computed (`DW_OP_stack_value`): the value itself. */
  | { kind: 'value'; value: bigint }
  | { kind: 'unavailable'; reason: string };

/** What an expression reads from the stopped machine: a register (undefined where the frame does not know it) and the frame base. */
export interface MachineState {
  register(n: number): bigint | undefined;
  frameBase(): bigint | undefined;
}

const U64 = (1n << 64n) - 1n;

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
  const pop = () => {
    const v = stack.pop();
    if (v === undefined) throw malformed('location expression', 'stack empty');
    return v;
  };
  const register = (n: number): bigint | undefined => state.register(n);
  while (!c.done) {
    const op = c.u8();
    if (op >= 0x50 && op <= 0x6f) {
      // DW_OP_reg0..31: the value is the register, which must be all the expression says.
      const value = register(op - 0x50);
      return value === undefined ? { kind: 'unavailable', reason: `r${op - 0x50} not saved in this frame` } : { kind: 'value', value };
    }
    if (op >= 0x70 && op <= 0x8f) {
      // DW_OP_breg0..31: register plus offset.
      const value = register(op - 0x70);
      if (value === undefined) return { kind: 'unavailable', reason: `r${op - 0x70} not saved in this frame` };
      stack.push((value + BigInt(c.sleb())) & U64);
      continue;
    }
    if (op >= 0x30 && op <= 0x4f) {
      stack.push(BigInt(op - 0x30)); // DW_OP_lit0..31
      continue;
    }
    switch (op) {
      case 0x03: // DW_OP_addr
        stack.push(BigInt(c.u64()));
        break;
      case 0x08: // const1u
        stack.push(BigInt(c.u8()));
        break;
      case 0x0a: // const2u
        stack.push(BigInt(c.u16()));
        break;
      case 0x0c: // const4u
        stack.push(BigInt(c.u32()));
        break;
      case 0x10: // constu
        stack.push(BigInt(c.uleb()));
        break;
      case 0x11: // consts
        stack.push(BigInt(c.sleb()) & U64);
        break;
      case 0x23: // plus_uconst
        stack.push((pop() + BigInt(c.uleb())) & U64);
        break;
      case 0x22: // plus
        stack.push((pop() + pop()) & U64);
        break;
      case 0x1c: {
        // minus
        const b = pop();
        stack.push((pop() - b) & U64);
        break;
      }
      case 0x91: {
        // fbreg
        const base = state.frameBase();
        if (base === undefined) return { kind: 'unavailable', reason: 'no frame base' };
        stack.push((base + BigInt(c.sleb())) & U64);
        break;
      }
      case 0x9f: // stack_value: the top of the stack is the value, not its address
        return { kind: 'value', value: pop() };
      default:
        return { kind: 'unavailable', reason: `location operation 0x${op.toString(16)} not supported` };
    }
  }
  return { kind: 'memory', address: pop() };
}
