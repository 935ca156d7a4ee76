export { EbpfError, type EbpfErrorKind } from './errors.js';
export { MemoryMap, type RegionSpec } from './memory.js';
export { SyscallRegistry, type SyscallContext, type SyscallEntry, type SyscallFn } from './syscalls.js';
export { testSyscalls } from './test-syscalls.js';
export { Interpreter, type TraceEntry, type TraceSink, type RunResult } from './interpreter.js';
export {
  execute,
  createMemoryMap,
  DEFAULT_COMPUTE_UNITS,
  DEFAULT_ENGINE,
  type Engine,
  type ExecuteOptions,
  type ExecuteResult,
  type InputWriter,
} from './execute.js';
