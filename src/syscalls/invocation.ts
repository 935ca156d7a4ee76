/**
 * Syscalls about the running invocation (agave `syscalls/src/lib.rs`): its stack height and the
 * bump allocator of the deprecated `sol_alloc_free_` interface.
 */
import type { SyscallRegistry } from '../vm/syscalls.js';
import { consumeChecked, SYSCALL_BASE_COST } from './logging.js';

/** What these syscalls read from the runtime. */
export interface InvocationInfo {
  /** 1 for a top-level instruction, +1 per CPI level. */
  stackHeight(): number;
  /** Bump-allocates `size` heap bytes aligned to `align`; the VM address, or 0 when out of heap. */
  allocate(size: number, align: number): bigint;
  /** Whether pointers must be aligned (false for loader-v1 programs). */
  checkAligned(): boolean;
}

/** Registers `sol_get_stack_height` and `sol_alloc_free_`. */
export function registerInvocationSyscalls(registry: SyscallRegistry, info: InvocationInfo): SyscallRegistry {
  return registry
    .register('sol_get_stack_height', (ctx) => {
      consumeChecked(ctx, SYSCALL_BASE_COST);
      return BigInt(info.stackHeight());
    })
    .register('sol_alloc_free_', (_ctx, size, freeAddr) => {
      if (freeAddr !== 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) return 0n;
      return info.allocate(Number(size), info.checkAligned() ? 8 : 1);
    });
}
