/**
 * Syscalls about the running invocation (agave `syscalls/src/lib.rs`): its stack height and the
 * bump allocator of the deprecated `sol_alloc_free_` interface.
 */
import type { SyscallRegistry } from '../vm/syscalls.js';
import { bytesCost, DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';
import { PROCESSED_SIBLING_INSTRUCTION as SIBLING, RUST_ACCOUNT_META } from '../runtime/abi-layouts.js';

/** An already processed instruction at the caller's stack height. */
export interface SiblingInstruction {
  programId: Uint8Array;
  data: Uint8Array;
  /** A Rust `AccountMeta` each ({@link RUST_ACCOUNT_META}). */
  accountMetas: Uint8Array;
  accountCount: number;
}

/** What these syscalls read from the runtime. */
export interface InvocationInfo {
  /** The `index`-th most recent processed instruction at the current stack height (0 = the latest). */
  sibling(index: bigint): SiblingInstruction | undefined;
  /** Total activated stake (`vote` undefined) or a vote account's stake in the current epoch. */
  epochStake(vote: Uint8Array | undefined): bigint;
  /** 1 for a top-level instruction, +1 per CPI level. */
  stackHeight(): number;
  /** Bump-allocates `size` heap bytes aligned to `align`; the VM address, or 0 when out of heap. */
  allocate(size: number, align: number): bigint;
  /** Whether pointers must be aligned (false for loader-v1 programs). */
  checkAligned(): boolean;
}

const nonOverlapping = (a: bigint, an: bigint, b: bigint, bn: bigint) => (a > b ? a - b >= bn : b - a >= an);

/**
 * Registers `sol_get_stack_height`, `sol_alloc_free_`, `sol_get_processed_sibling_instruction`
 * and `sol_get_epoch_stake`.
 */
export function registerInvocationSyscalls(
  registry: SyscallRegistry,
  info: InvocationInfo,
  costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS,
): SyscallRegistry {
  return registry
    .register('sol_get_processed_sibling_instruction', (ctx, index, metaAddr, programIdAddr, dataAddr, accountsAddr) => {
      consumeChecked(ctx, costs.syscallBaseCost);
      const found = info.sibling(index);
      if (!found) return 0n;
      const aligned = info.checkAligned();
      const header = ctx.memory.slice(metaAddr, SIBLING.fixedSize, true);
      if (aligned && metaAddr % 8n !== 0n) throw new SyscallError('UnalignedPointer');
      const hv = new DataView(header.buffer, header.byteOffset, SIBLING.fixedSize);
      const dataLen = hv.getBigUint64(SIBLING.offsets.dataLen, true);
      const accountsLen = hv.getBigUint64(SIBLING.offsets.accountsLen, true);
      if (dataLen === BigInt(found.data.length) && accountsLen === BigInt(found.accountCount)) {
        const metasBytes = BigInt(RUST_ACCOUNT_META.fixedSize) * accountsLen;
        const programId = ctx.memory.slice(programIdAddr, 32, true);
        const data = ctx.memory.slice(dataAddr, dataLen, true);
        const metas = ctx.memory.slice(accountsAddr, metasBytes, true);
        const ranges: [bigint, bigint][] = [
          [metaAddr, BigInt(SIBLING.fixedSize)],
          [programIdAddr, 32n],
          [dataAddr, dataLen],
          [accountsAddr, metasBytes],
        ];
        for (let i = 0; i < ranges.length; i++)
          for (let j = i + 1; j < ranges.length; j++)
            if (!nonOverlapping(ranges[i][0], ranges[i][1], ranges[j][0], ranges[j][1])) throw new SyscallError('CopyOverlapping');
        programId.set(found.programId);
        data.set(found.data);
        metas.set(found.accountMetas);
      }
      hv.setBigUint64(SIBLING.offsets.dataLen, BigInt(found.data.length), true);
      hv.setBigUint64(SIBLING.offsets.accountsLen, BigInt(found.accountCount), true);
      return 1n;
    })
    .register('sol_get_epoch_stake', (ctx, voteAddr) => {
      if (voteAddr === 0n) {
        consumeChecked(ctx, costs.syscallBaseCost);
        return info.epochStake(undefined);
      }
      consumeChecked(ctx, costs.syscallBaseCost + bytesCost(costs, 32) + costs.memOpBaseCost);
      return info.epochStake(ctx.memory.slice(voteAddr, 32, false));
    })
    .register('sol_get_stack_height', (ctx) => {
      consumeChecked(ctx, costs.syscallBaseCost);
      return BigInt(info.stackHeight());
    })
    .register('sol_alloc_free_', (_ctx, size, freeAddr) => {
      if (freeAddr !== 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) return 0n;
      return info.allocate(Number(size), info.checkAligned() ? 8 : 1);
    });
}
