/**
 * Memory-operation syscalls with Agave's costs and checks (agave `syscalls/src/mem_ops.rs`):
 * each charges max(mem_op_base_cost, n / cpi_bytes_per_unit) before touching memory.
 */
import { requireAligned, type SyscallContext, type SyscallRegistry } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, memOpCost, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';

/** `is_nonoverlapping`: the two ranges share no byte. */
const nonOverlapping = (a: bigint, b: bigint, n: bigint) => (a > b ? a - b >= n : b - a >= n);

function copy(ctx: SyscallContext, dst: bigint, src: bigint, n: bigint): void {
  const to = ctx.memory.slice(dst, n, true); // Agave translates the destination first
  const from = ctx.memory.slice(src, n, false);
  to.set(from.slice()); // through a copy: memmove semantics when the ranges overlap
}

/** Registers `sol_memcpy_`, `sol_memmove_`, `sol_memset_` and `sol_memcmp_`. */
export function registerMemorySyscalls(registry: SyscallRegistry, costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS): SyscallRegistry {
  return registry
    .register('sol_memcpy_', (ctx, dst, src, n) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      if (!nonOverlapping(src, dst, n)) throw new SyscallError('CopyOverlapping');
      copy(ctx, dst, src, n);
      return 0n;
    })
    .register('sol_memmove_', (ctx, dst, src, n) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      copy(ctx, dst, src, n);
      return 0n;
    })
    .register('sol_memset_', (ctx, dst, value, n) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      ctx.memory.slice(dst, n, true).fill(Number(value & 0xffn));
      return 0n;
    })
    .register('sol_memcmp_', (ctx, a, b, n, result) => {
      consumeChecked(ctx, memOpCost(costs, Number(n)));
      const x = ctx.memory.slice(a, n, false);
      const y = ctx.memory.slice(b, n, false);
      // The i32 result is translated, then checked for alignment, after the compared ranges.
      const out = ctx.memory.slice(result, 4, true);
      requireAligned(ctx, result, 4);
      let diff = 0;
      for (let i = 0; i < x.length; i++) {
        if (x[i] !== y[i]) {
          diff = x[i] - y[i];
          break;
        }
      }
      new DataView(out.buffer, out.byteOffset, 4).setInt32(0, diff, true);
      return 0n;
    });
}
