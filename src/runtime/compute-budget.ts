/**
 * Transaction-wide limits: requested through Compute Budget instructions (agave
 * `compute-budget-instruction/src/compute_budget_instruction_details.rs`, SBPF_SEMANTICS §10), or
 * by a v1 message's config (agave `runtime-transaction/src/transaction_meta.rs`).
 */
import { DEFAULT_HEAP_SIZE, HEAP_FRAME_GRANULARITY, MAX_HEAP_SIZE } from '../isa/constants.js';
import { COMPUTE_BUDGET_PROGRAM } from './ids.js';
import { TransactionFailure, type TransactionError } from './errors.js';
import type { TransactionConfig } from './message.js';
import { enumeration, struct, u32, u64, u8 } from './codec.js';

/** A transaction's compute-unit limit at most (and a harness run's default). */
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;
export const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT = 200_000;
export const MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT = 3_000;
export const MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES = 64 * 1024 * 1024;

/** Whether a transaction may request a heap frame of `bytes`: from the default heap to the largest, in whole KiB. */
export const isValidHeapFrame = (bytes: number): boolean => bytes >= DEFAULT_HEAP_SIZE && bytes <= MAX_HEAP_SIZE && bytes % HEAP_FRAME_GRANULARITY === 0;

/** `ComputeBudgetInstruction` (borsh: a u8 tag); tag 0, the retired `RequestUnitsDeprecated`, is refused. */
export const COMPUTE_BUDGET_INSTRUCTION = enumeration(
  {
    Unused: struct({}),
    RequestHeapFrame: struct({ bytes: u32 }),
    SetComputeUnitLimit: struct({ units: u32 }),
    SetComputeUnitPrice: struct({ microLamports: u64 }),
    SetLoadedAccountsDataSizeLimit: struct({ bytes: u32 }),
  },
  u8,
);

/** The limits a transaction runs under. */
export interface ComputeBudgetLimits {
  computeUnitLimit: number;
  heapBytes: number;
  /** Lamports the transaction pays for priority on top of its signature fees. */
  priorityFee: bigint;
  loadedAccountsDataSizeLimit: number;
}

/** A top-level instruction as the budget parser reads it: its program's index in `keys`, and its data. */
export interface BudgetInstruction {
  programIdIndex: number;
  data: Uint8Array;
}

const TAGS = COMPUTE_BUDGET_INSTRUCTION.tags;

/**
 * The value a Compute Budget instruction carries (`data` past its tag: a little-endian u32, or
 * the u64 of SetComputeUnitPrice), or undefined when the data does not decode as
 * {@link COMPUTE_BUDGET_INSTRUCTION} (an unknown tag, `Unused`, a field cut short; trailing bytes
 * are allowed). Read in place: decoding through the codec cost a warm transaction ~10 µs of cold
 * code.
 */
function budgetValue(data: Uint8Array): number | bigint | undefined {
  const tag = data[0];
  if (tag === TAGS.SetComputeUnitPrice) {
    if (data.length < 9) return undefined;
    return new DataView(data.buffer, data.byteOffset, 9).getBigUint64(1, true);
  }
  if (tag === undefined || tag === TAGS.Unused || tag > TAGS.SetLoadedAccountsDataSizeLimit || data.length < 5) return undefined;
  return (data[1] | (data[2] << 8) | (data[3] << 16) | (data[4] << 24)) >>> 0;
}

/**
 * Reads the budget instructions of a message whose account keys are `keys`. `isBuiltin(programId)`
 * tells which programs are (non-migrated) builtins: they reserve 3 000 units by default instead
 * of 200 000.
 */
export function computeBudgetLimits(
  instructions: readonly BudgetInstruction[],
  keys: readonly string[],
  isBuiltin: (programId: string) => boolean,
): ComputeBudgetLimits {
  let heap: number | undefined;
  let limit: number | undefined;
  let price: bigint | undefined;
  let loaded: number | undefined;
  let heapIndex = 0;
  let builtins = 0;
  let others = 0;
  for (let index = 0; index < instructions.length; index++) {
    const ix = instructions[index];
    const programId = keys[ix.programIdIndex];
    if (programId !== COMPUTE_BUDGET_PROGRAM) {
      if (isBuiltin(programId)) builtins++;
      else others++;
      continue;
    }
    builtins++;
    // Each instruction is decoded before it is checked for a duplicate.
    const value = budgetValue(ix.data);
    if (value === undefined) throw new TransactionFailure({ kind: 'InstructionError', index, error: { kind: 'InvalidInstructionData' } });
    let duplicate: boolean;
    switch (ix.data[0]) {
      case TAGS.RequestHeapFrame:
        duplicate = heap !== undefined;
        heap = value as number;
        heapIndex = index;
        break;
      case TAGS.SetComputeUnitLimit:
        duplicate = limit !== undefined;
        limit = value as number;
        break;
      case TAGS.SetComputeUnitPrice:
        duplicate = price !== undefined;
        price = value as bigint;
        break;
      default:
        duplicate = loaded !== undefined;
        loaded = value as number;
    }
    if (duplicate) throw new TransactionFailure({ kind: 'DuplicateInstruction', index } satisfies TransactionError);
  }
  if (heap !== undefined && !isValidHeapFrame(heap)) {
    throw new TransactionFailure({ kind: 'InstructionError', index: heapIndex, error: { kind: 'InvalidInstructionData' } });
  }
  if (loaded === 0) throw new TransactionFailure({ kind: 'InvalidLoadedAccountsDataSizeLimit' });
  const defaultLimit = builtins * MAX_BUILTIN_ALLOCATION_COMPUTE_UNIT_LIMIT + others * DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT;
  const computeUnitLimit = Math.min(limit ?? defaultLimit, MAX_COMPUTE_UNIT_LIMIT);
  return {
    computeUnitLimit,
    heapBytes: heap ?? DEFAULT_HEAP_SIZE,
    // The price is in micro-lamports per unit: ceil(price × limit / 1 000 000) lamports.
    priorityFee: ((price ?? 0n) * BigInt(computeUnitLimit) + 999_999n) / 1_000_000n,
    loadedAccountsDataSizeLimit: Math.min(loaded ?? MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES, MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES),
  };
}

/**
 * A v1 message's limits: its config, with no units, no loaded data and the minimum heap where it
 * requests none (its Compute Budget instructions run as no-ops and request nothing). The heap was
 * checked when the message was sanitized.
 */
export function configLimits(config: TransactionConfig): ComputeBudgetLimits {
  return {
    computeUnitLimit: Math.min(config.computeUnitLimit ?? 0, MAX_COMPUTE_UNIT_LIMIT),
    heapBytes: config.heapSize ?? DEFAULT_HEAP_SIZE,
    priorityFee: config.priorityFee ?? 0n,
    loadedAccountsDataSizeLimit: Math.min(config.loadedAccountsDataSizeLimit ?? 0, MAX_LOADED_ACCOUNTS_DATA_SIZE_BYTES),
  };
}
