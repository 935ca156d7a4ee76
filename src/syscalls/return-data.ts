/**
 * Return data (agave `syscalls/src/lib.rs` `SyscallSetReturnData` / `SyscallGetReturnData`): at most
 * 1024 bytes, stored with the id of the program that set it.
 */
import type { SyscallRegistry } from '../vm/syscalls.js';
import { bytesCost, DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import { consumeChecked } from './logging.js';
import { SyscallError } from './errors.js';

/** The largest return data a program may set. */
export const MAX_RETURN_DATA = 1024;

/** What the return-data syscalls read and write: the running program and the current data. */
export interface ReturnDataState {
  /** Id of the program that is executing (32 bytes). */
  programId: Uint8Array;
  /** The current return data and the program that set it. */
  returnData: { programId: Uint8Array; data: Uint8Array };
}

/** Registers `sol_set_return_data` and `sol_get_return_data` over `state`. */
export function registerReturnDataSyscalls(
  registry: SyscallRegistry,
  state: ReturnDataState,
  costs: Readonly<ExecutionCosts> = DEFAULT_EXECUTION_COSTS,
): SyscallRegistry {
  return registry
    .register('sol_set_return_data', (ctx, addr, len) => {
      consumeChecked(ctx, bytesCost(costs, Number(len)) + costs.syscallBaseCost);
      if (len > BigInt(MAX_RETURN_DATA)) throw new SyscallError('ReturnDataTooLarge', `Return data too large (${len} > ${MAX_RETURN_DATA})`);
      const data = len === 0n ? new Uint8Array(0) : ctx.memory.slice(addr, len, false).slice();
      state.returnData = { programId: state.programId, data };
      return 0n;
    })
    .register('sol_get_return_data', (ctx, out, length, programIdOut) => {
      consumeChecked(ctx, costs.syscallBaseCost);
      const { programId, data } = state.returnData;
      const n = Math.min(Number(length), data.length);
      if (n !== 0) {
        consumeChecked(ctx, bytesCost(costs, n + 32));
        const dst = ctx.memory.slice(out, n, true);
        const id = ctx.memory.slice(programIdOut, 32, true);
        const apart = out > programIdOut ? out - programIdOut >= 32n : programIdOut - out >= BigInt(n);
        if (!apart) throw new SyscallError('CopyOverlapping');
        dst.set(data.subarray(0, n));
        id.set(programId);
      }
      return BigInt(data.length);
    });
}
