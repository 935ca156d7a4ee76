import { guarded, toFields, toInteger } from '../arguments.js';
import { toExecutable } from '../executable.js';
import { MAX_HEAP_SIZE } from '../isa/constants.js';
import * as execution from './execute.js';

export { EbpfError, type EbpfErrorKind } from './errors.js';
export { MemoryMap, type RegionSpec } from './memory.js';
export { SyscallRegistry, type SyscallContext, type SyscallEntry, type SyscallFn } from './syscalls.js';
export { testSyscalls } from './test-syscalls.js';
export { Interpreter, type TraceEntry, type TraceSink, type RunResult } from './interpreter.js';
export { execute, DEFAULT_COMPUTE_UNITS, DEFAULT_ENGINE, type Engine, type ExecuteOptions, type ExecuteResult, type InputWriter } from './execute.js';

/** {@link execution.createMemoryMap} behind checks of its arguments (the engines call it unchecked per invocation). */
export const createMemoryMap = guarded(execution.createMemoryMap, [
  ['exe', toExecutable],
  ['input', execution.toInput],
  ['heapBytes', (v, name) => toInteger(v, name, 0, MAX_HEAP_SIZE, `a heap size from 0 to ${MAX_HEAP_SIZE} bytes`)],
  ['layout', (v, name) => (v === undefined ? undefined : toFields(v, name, 'memory map options or undefined'))],
]);
