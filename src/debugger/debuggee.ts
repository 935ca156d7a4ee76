/** A {@link Debuggee} of one instruction run by an {@link InstructionHarness} (what `websvm debug` runs). */
import type { InstructionHarness } from '../api/harness.js';
import { toAccount, toAddress, toInstruction, type AccountInput, type AddressInput, type InstructionInput } from '../api/inputs.js';
import type { Executable } from '../executable.js';
import type { Debuggee, DebuggeeOutcome } from './controller.js';

/**
 * `instruction` on `accounts`, as `harness.process` runs it, every time from the same accounts.
 * Its programs are the instruction's program and the accounts that are programs (CPI callees).
 */
export function instructionDebuggee(harness: InstructionHarness, instruction: InstructionInput, accounts: [AddressInput, AccountInput][]): Debuggee {
  const ix = toInstruction(instruction);
  const given = accounts.map(([k, a]): [string, ReturnType<typeof toAccount>] => [toAddress(k), toAccount(a)]);
  const ids = [...new Set([ix.programId, ...ix.accounts.map((a) => a.pubkey)])];
  const programs = ids.map((id) => harness.runtime.executableOf(id)).filter((exe): exe is Executable => exe !== undefined);
  return {
    programs,
    run(watcher): DebuggeeOutcome {
      const config = harness.runtime.config;
      config.watcher = watcher;
      try {
        const result = harness.run([ix], given);
        const backtrace = result.backtrace();
        return {
          success: result.success,
          ...(result.success ? {} : { error: failureText(result.logs) ?? result.describeError() }),
          faulted: backtrace !== undefined,
          computeUnits: result.computeUnitsConsumed,
          logs: result.logs,
          returnData: result.returnData,
          ...(backtrace ? { backtrace: backtrace.toString() } : {}),
        };
      } finally {
        config.watcher = undefined;
      }
    },
  };
}

/** What the runtime logged of the failure (`Program … failed: <why>`), which names a VM error where the instruction error does not. */
function failureText(logs: readonly string[]): string | undefined {
  for (let i = logs.length - 1; i >= 0; i--) {
    const why = /^Program \S+ failed: (.*)$/.exec(logs[i])?.[1];
    if (why !== undefined) return why;
  }
  return undefined;
}
