/** What the transaction inspector is given: one run's results, and how to decode its programs. */
import type { Backtrace } from '../debug/index.js';
import type { Profile } from '../profile/index.js';
import type { ExecutionRecord } from '../runtime/transaction-context.js';

/** Decodes one program's instructions, accounts and events for the page; an `AnchorProgram` is one. */
export interface ProgramDecoder {
  readonly programId: string;
  /** The program's name, shown instead of its address. */
  readonly name: string;
  /** The instruction `data` calls and its arguments, or undefined when it is none of the program's. */
  decodeInstruction(data: Uint8Array): { name: string; args: Record<string, unknown> } | undefined;
  /** The account type `data` holds and its fields, or undefined when it is none of the program's. */
  decodeAnyAccount(data: Uint8Array): { name: string; data: Record<string, unknown> } | undefined;
  /** Events in `Program data:` log lines. */
  decodeEvents(logs: string[]): { name: string; data: Record<string, unknown> }[];
}

/** Options of `report()`. */
export interface ReportOptions {
  /** Programs whose IDL decodes instruction data, account data and events on the page (`AnchorProgram`s). */
  idls?: readonly ProgramDecoder[];
  /**
   * Reads a source file that DWARF names, to show the line a program failed at; by default files
   * are read from disk under Node (relative paths from the working directory), and none in a browser.
   */
  readSource?: (file: string) => string | undefined;
}

/** One run as the page shows it. */
export interface InspectedRun {
  /** A transaction (`SVM`), or instructions run without one (`InstructionHarness`, `websvm run`). */
  kind: 'transaction' | 'instructions';
  /** A transaction's first signature, in base58. */
  signature?: string;
  /** The error in words; undefined when the run succeeded. */
  error?: string;
  /** The index of the top-level instruction that failed, when one did. */
  failedInstruction?: number;
  computeUnits: bigint;
  /** A transaction's fee in lamports. */
  fee?: bigint;
  logs: readonly string[];
  returnData: { programId: string; data: Uint8Array };
  /** Accounts before and after and the instruction trace; undefined when refused, or not kept (the transaction history keeps none). */
  execution?: ExecutionRecord;
  /** Whether the transaction was refused before execution (no instruction ran, no fee was charged). */
  refused?: boolean;
  /** Where a program stopped with a VM error. */
  backtrace?: Backtrace;
  /** Where the units went, when the run was profiled. */
  profile?: Profile;
}
