export { registerLoggingSyscalls, registerComputeUnitSyscalls, consumeChecked } from './logging.js';
export { defaultExecutionCosts, DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
export { registerMemorySyscalls } from './memory.js';
export { registerHashingSyscalls } from './hashing.js';
export { registerPdaSyscalls, createProgramAddress, isOnCurve } from './pda.js';
export { registerReturnDataSyscalls, MAX_RETURN_DATA, type ReturnDataState } from './return-data.js';
export { SyscallError, type SyscallErrorKind } from './errors.js';

import { SyscallRegistry } from '../vm/syscalls.js';
import { registerHashingSyscalls } from './hashing.js';
import { registerLoggingSyscalls } from './logging.js';
import { registerMemorySyscalls } from './memory.js';
import { registerPdaSyscalls } from './pda.js';
import { registerReturnDataSyscalls, type ReturnDataState } from './return-data.js';

/**
 * A registry with the Solana syscalls implemented so far, as LiteSVM's default feature set enables
 * them: logging, memory, hashing, program-derived addresses and (given `invocation`) return data.
 * `sol_remaining_compute_units` is feature-gated and off there (a call fails as an unsupported
 * instruction); add it with `registerComputeUnitSyscalls`.
 */
export function solanaSyscalls(log: (line: string) => void, invocation?: ReturnDataState): SyscallRegistry {
  const registry = new SyscallRegistry();
  if (invocation) registerReturnDataSyscalls(registry, invocation);
  registerLoggingSyscalls(registry, log);
  registerMemorySyscalls(registry);
  registerPdaSyscalls(registry);
  return registerHashingSyscalls(registry, log);
}
