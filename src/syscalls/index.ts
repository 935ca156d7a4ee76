import {
  guarded,
  refused,
  toBoolean,
  toBytes,
  toChecked,
  toEach,
  toFields,
  toFunction,
  toInstance,
  toInteger,
  toOptional,
  type FieldCheck,
} from '../arguments.js';
import { SyscallRegistry, type SyscallContext } from '../vm/syscalls.js';
import { DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
import * as hashing from './hashing.js';
import * as logging from './logging.js';
import * as memory from './memory.js';
import * as pda from './pda.js';
import * as returnData from './return-data.js';

export { defaultExecutionCosts, DEFAULT_EXECUTION_COSTS, type ExecutionCosts } from './costs.js';
export { MAX_RETURN_DATA, type ReturnDataState } from './return-data.js';
export { SyscallError, type SyscallErrorKind } from './errors.js';

// The syscall helpers as exported, behind checks of their arguments (the runtime calls them unchecked).
const REGISTRY: [string, FieldCheck<SyscallRegistry>] = ['registry', (v, name) => toInstance(v, name, SyscallRegistry, 'a SyscallRegistry')];
/** A caller's log sink, called with the line alone (the runtime's own sink also takes the line's size). */
const LOG: [string, FieldCheck<(line: string) => void>] = [
  'log',
  (v, name) => {
    const sink = toFunction<(line: string) => void>(v, name, 'a function receiving each log line');
    return (line: string) => sink(line);
  },
];
/** Execution costs: each a number of compute units. */
const toCosts: FieldCheck<Readonly<ExecutionCosts>> = (value, name) => {
  if (value === undefined) return DEFAULT_EXECUTION_COSTS;
  const costs = toFields(value, name, 'ExecutionCosts (see defaultExecutionCosts()) or undefined');
  for (const key of Object.keys(DEFAULT_EXECUTION_COSTS)) toInteger(costs[key], `${name}.${key}`, 0, Number.MAX_SAFE_INTEGER, 'a number of compute units');
  return value as ExecutionCosts;
};
const COSTS: [string, FieldCheck<Readonly<ExecutionCosts>>] = ['costs', toCosts];
const toAddressBytes: FieldCheck<Uint8Array> = (value, name) => {
  if (toBytes(value, name).length !== 32) throw refused(name, '32 bytes', value);
  return value as Uint8Array;
};

export const registerLoggingSyscalls = guarded(logging.registerLoggingSyscalls, [REGISTRY, LOG, COSTS]);
export const registerComputeUnitSyscalls = guarded(logging.registerComputeUnitSyscalls, [REGISTRY, COSTS]);
export const consumeChecked = guarded(logging.consumeChecked, [
  [
    'ctx',
    (v, name) => {
      const ctx = toFields(v, name, 'a SyscallContext');
      if (typeof ctx.remaining !== 'function' || typeof ctx.consume !== 'function') throw refused(name, 'a SyscallContext', v);
      return v as SyscallContext;
    },
  ],
  ['units', (v, name) => toInteger(v, name, 0, Number.MAX_SAFE_INTEGER, 'a number of compute units')],
]);
export const registerMemorySyscalls = guarded(memory.registerMemorySyscalls, [REGISTRY, COSTS]);
export const registerHashingSyscalls = guarded(hashing.registerHashingSyscalls, [
  REGISTRY,
  LOG,
  [
    'opts',
    (v, name) =>
      v === undefined
        ? {}
        : toChecked(v, name, 'options { blake3?, costs? } or undefined', name, { blake3: (b, at) => toOptional(b, at, toBoolean), costs: toCosts }),
  ],
]);
export const registerPdaSyscalls = guarded(pda.registerPdaSyscalls, [REGISTRY, COSTS]);
export const createProgramAddress = guarded(pda.createProgramAddress, [
  ['seeds', (v, name) => toEach(v, name, 'an array of seeds (bytes)', toBytes)],
  ['programId', toAddressBytes],
]);
export const isOnCurve = guarded(pda.isOnCurve, [['bytes', toAddressBytes]]);
export const registerReturnDataSyscalls = guarded(returnData.registerReturnDataSyscalls, [
  REGISTRY,
  [
    'state',
    (v, name) => {
      toChecked(v, name, 'a ReturnDataState { programId, returnData }', name, {
        programId: toAddressBytes,
        returnData: (r, at) => toChecked(r, at, 'return data { programId, data }', at, { programId: toAddressBytes, data: toBytes }),
      });
      return v as returnData.ReturnDataState; // the syscalls write into the caller's own state
    },
  ],
  COSTS,
]);

/**
 * A registry with the Solana syscalls implemented so far, as LiteSVM's default feature set enables
 * them: logging, memory, hashing, program-derived addresses and (given `invocation`) return data.
 * `sol_remaining_compute_units` is feature-gated and off there (a call fails as an unsupported
 * instruction); add it with `registerComputeUnitSyscalls`.
 */
export function solanaSyscalls(log: (line: string) => void, invocation?: returnData.ReturnDataState): SyscallRegistry {
  const registry = new SyscallRegistry();
  if (invocation) returnData.registerReturnDataSyscalls(registry, invocation);
  logging.registerLoggingSyscalls(registry, (line) => log(line));
  memory.registerMemorySyscalls(registry);
  pda.registerPdaSyscalls(registry);
  return hashing.registerHashingSyscalls(registry, log);
}
