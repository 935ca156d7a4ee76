/**
 * Memory-operation syscalls with Agave's costs and checks (agave `syscalls/src/mem_ops.rs`):
 * each charges max(mem_op_base_cost, n / cpi_bytes_per_unit) before touching memory.
 */
import { requireAligned, type SyscallContext, type SyscallFn, type SyscallRegistry } from '../vm/syscalls.js';
import { hashSymbolName } from '../elf/murmur3.js';
import { DEFAULT_EXECUTION_COSTS, memOpCost, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';

/** `is_nonoverlapping`: the two ranges share no byte. */
const nonOverlapping = (a: bigint, b: bigint, n: bigint) => (a > b ? a - b >= n : b - a >= n);

function copy(ctx: SyscallContext, dst: bigint, src: bigint, n: bigint): void {
  const to = ctx.memory.sliceAt(dst, n, true); // Agave translates the destination first
  const from = ctx.memory.sliceAt(src, n, false);
  if (to >= 0) ctx.memory.bytes.copyWithin(to, from, from + Number(n)); // memmove semantics when the ranges overlap
}

/**
 * The memory syscalls whose plain case compiled code runs inline (see {@link inlineMemOpPrices}),
 * in the order the JIT header keeps their prices.
 */
export const INLINE_MEM_OPS = ['sol_memcpy_', 'sol_memmove_', 'sol_memset_', 'sol_memcmp_'] as const;
/** The `call` immediates of {@link INLINE_MEM_OPS}, in their order. */
export const INLINE_MEM_OP_HASHES: readonly number[] = INLINE_MEM_OPS.map(hashSymbolName);

/** The built-in memory syscall functions, and the prices each charges. */
const builtinMemOps = new WeakMap<SyscallFn, Readonly<ExecutionCosts>>();

/**
 * The prices of `registry`'s syscall `hash` (one of {@link INLINE_MEM_OP_HASHES}) when it is a
 * built-in one charging nothing before it runs, at prices that are whole numbers of units and a
 * positive divisor: compiled code may then do what it does in the plain case inline. Otherwise
 * undefined.
 */
export function inlineMemOpPrices(registry: SyscallRegistry, hash: number): Readonly<ExecutionCosts> | undefined {
  const entry = registry.lookup(hash);
  const costs = entry?.cost === 0 ? builtinMemOps.get(entry.fn) : undefined;
  if (!costs) return undefined;
  const { memOpBaseCost, cpiBytesPerUnit } = costs;
  return Number.isSafeInteger(memOpBaseCost) && memOpBaseCost >= 0 && Number.isSafeInteger(cpiBytesPerUnit) && cpiBytesPerUnit > 0 ? costs : undefined;
}

/** Registers `sol_memcpy_`, `sol_memmove_`, `sol_memset_` and `sol_memcmp_`. */
export function registerMemorySyscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  const ops: Record<(typeof INLINE_MEM_OPS)[number], SyscallFn> = {
    sol_memcpy_: (ctx, dst, src, n) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      if (!nonOverlapping(src, dst, n)) throw new SyscallError('CopyOverlapping');
      copy(ctx, dst, src, n);
      return 0n;
    },
    sol_memmove_: (ctx, dst, src, n) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      copy(ctx, dst, src, n);
      return 0n;
    },
    sol_memset_: (ctx, dst, value, n) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      const at = ctx.memory.sliceAt(dst, n, true);
      if (at >= 0) ctx.memory.bytes.fill(Number(value & 0xffn), at, at + Number(n));
      return 0n;
    },
    sol_memcmp_: (ctx, a, b, n, result) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      const memory = ctx.memory;
      const x = memory.sliceAt(a, n, false);
      const y = memory.sliceAt(b, n, false);
      // The i32 result is translated, then checked for alignment, after the compared ranges.
      const out = memory.sliceAt(result, 4, true);
      requireAligned(ctx, result, 4);
      const bytes = memory.bytes;
      const length = x < 0 ? 0 : Number(n);
      let diff = 0;
      for (let i = 0; i < length; i++) {
        if (bytes[x + i] !== bytes[y + i]) {
          diff = bytes[x + i]! - bytes[y + i]!;
          break;
        }
      }
      memory.view.setInt32(out, diff, true);
      return 0n;
    },
  };
  for (const name of INLINE_MEM_OPS) {
    builtinMemOps.set(ops[name], costs);
    registry.register(name, ops[name]);
  }
  return registry;
}
