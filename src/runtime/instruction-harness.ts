/**
 * The harness mode: instructions run directly on given accounts, without a transaction (no fee,
 * signatures or blockhash), the way Mollusk runs them.
 */
import type { FaultSite } from '../debug/index.js';
import type { Profile } from '../profile/index.js';
import { cloneAccount, emptyAccount, type Account } from './accounts.js';
import { MAX_COMPUTE_UNIT_LIMIT } from './compute-budget.js';
import { InstructionFailure, type InstructionError } from './errors.js';
import { InvokeContext } from './invoke-context.js';
import { LogCollector } from './log-collector.js';
import type { Instruction } from './message.js';
import { TransactionContext, type ExecutionRecord } from './transaction-context.js';
import type { Bank } from './transaction-processor.js';

/** What running instructions without a transaction reports. */
export interface InstructionsOutcome {
  /** The first failing instruction and its error. */
  failure?: { index: number; error: InstructionError };
  logs: string[];
  computeUnitsConsumed: number;
  /** Units each instruction consumed (up to and including a failing one). */
  perInstruction: number[];
  returnData: { programId: string; data: Uint8Array };
  /** Every account involved, after execution (as before the failing instruction, if one failed). */
  accounts: [string, Account][];
  /** Where programs stopped with VM errors, innermost first. */
  faults: FaultSite[];
  /** Compute units by call stack, when profiling is on. */
  profile?: Profile;
  /** The accounts before and after and the instruction trace (after: as before the failing instruction, if one failed). */
  execution: ExecutionRecord;
}

/**
 * Runs `instructions` on the `given` accounts; accounts not given are taken from the bank
 * (programs, sysvars) or start empty. Stops at the first failing instruction. Changes nothing stored.
 */
export function processInstructions(
  bank: Pick<Bank, 'accounts' | 'config' | 'latestBlockhash' | 'maxStackDepth' | 'maxTraceLength' | 'environment'>,
  instructions: Instruction[],
  given: [string, Account][],
  computeUnitLimit = MAX_COMPUTE_UNIT_LIMIT,
): InstructionsOutcome {
  const keys: string[] = [];
  const accounts: Account[] = [];
  const add = (key: string, account?: Account) => {
    if (keys.includes(key)) return;
    keys.push(key);
    const stored = account ?? bank.accounts.get(key);
    accounts.push(stored ? cloneAccount(stored) : emptyAccount());
  };
  for (const [key, account] of given) add(key, account);
  for (const ix of instructions) {
    for (const a of ix.accounts) add(a.pubkey);
    add(ix.programId);
  }
  for (const key of [...keys]) {
    const owner = accounts[keys.indexOf(key)].owner;
    if (accounts[keys.indexOf(key)].executable && bank.accounts.get(owner)) add(owner);
  }
  const context = new TransactionContext(keys, accounts, bank.maxStackDepth(), bank.maxTraceLength());
  const logs = new LogCollector(bank.config.logBytesLimit);
  const ic = new InvokeContext(context, bank.environment(bank.latestBlockhash), computeUnitLimit, bank.config.computeBudget?.heapBytes ?? 32 * 1024, logs);
  const writable = keys.map((k) => instructions.some((ix) => ix.accounts.some((a) => a.isWritable && a.pubkey === k)));
  let accountsBefore: Account[] | undefined;
  const perInstruction: number[] = [];
  let failure: { index: number; error: InstructionError } | undefined;
  for (let index = 0; index < instructions.length && !failure; index++) {
    const ix = instructions[index];
    const metas = ix.accounts.map((a) => ({ txIndex: keys.indexOf(a.pubkey), isSigner: a.isSigner, isWritable: a.isWritable }));
    const before = ic.remaining;
    const saved = accounts.map(cloneAccount);
    accountsBefore ??= saved;
    try {
      ic.processInstruction(context.frame(keys.indexOf(ix.programId), metas, ix.data, 1));
    } catch (e) {
      if (!(e instanceof InstructionFailure)) throw e;
      failure = { index, error: e.error };
      saved.forEach((a, i) => (accounts[i] = a)); // a failed instruction changes nothing
    }
    perInstruction.push(before - ic.remaining);
  }
  return {
    failure,
    logs: logs.messages,
    computeUnitsConsumed: perInstruction.reduce((a, b) => a + b, 0),
    perInstruction,
    returnData: { ...context.returnData },
    accounts: keys.map((k, i) => [k, accounts[i]]),
    faults: ic.faults,
    profile: ic.env.profiler?.profile,
    execution: { keys, before: accountsBefore ?? accounts.map(cloneAccount), after: accounts, writable, instructions: context.trace },
  };
}
