/**
 * `report()` of the API's results: their run handed to the transaction inspector (src/inspect),
 * with the IDLs the caller gives and those the SVM or harness was told of (`useIdl`).
 */
import bs58 from 'bs58';
import { backtraceOfFaults } from '../debug/index.js';
import { renderReport, type InspectedRun, type ProgramDecoder, type ReportOptions } from '../inspect/index.js';
import type { TransactionOutcome } from '../runtime/runtime.js';
import { refused, toFields } from '../arguments.js';

/** Whether `value` decodes for the page (an `AnchorProgram` does; a bare error namer does not). */
export function isProgramDecoder<T>(value: T): value is T & ProgramDecoder {
  const v = value as Partial<Record<keyof ProgramDecoder, unknown>> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.programId === 'string' &&
    typeof v.name === 'string' &&
    typeof v.decodeInstruction === 'function' &&
    typeof v.decodeAnyAccount === 'function' &&
    typeof v.decodeEvents === 'function'
  );
}

/** Checks `report()`'s options and adds the decoders already `known` after the given ones (a given IDL wins). */
function checkedOptions(options: unknown, known: readonly ProgramDecoder[]): ReportOptions {
  const fields = options === undefined ? {} : toFields(options, 'options', 'an object ({ idls?, readSource? })');
  const { idls = [], readSource } = fields;
  if (!Array.isArray(idls)) throw refused('options.idls', 'an array of AnchorPrograms', idls);
  idls.forEach((d: unknown, i) => {
    if (!isProgramDecoder(d)) throw refused(`options.idls[${i}]`, 'an AnchorProgram', d);
  });
  if (readSource !== undefined && typeof readSource !== 'function') throw refused('options.readSource', 'a function', readSource);
  return { idls: [...(idls as ProgramDecoder[]), ...known], readSource: readSource as ReportOptions['readSource'] };
}

/** The page of a transaction, `error` being its error in words. */
export function transactionReport(o: TransactionOutcome, error: string | undefined, options: unknown, known: readonly ProgramDecoder[]): string {
  const run: InspectedRun = {
    kind: 'transaction',
    signature: bs58.encode(o.signature),
    error,
    failedInstruction: o.error?.kind === 'InstructionError' ? o.error.index : undefined,
    computeUnits: o.computeUnitsConsumed,
    fee: o.included ? o.fee : undefined,
    logs: o.logs,
    returnData: o.returnData,
    execution: o.execution,
    refused: !o.included,
    backtrace: backtraceOfFaults(o.faults),
    profile: o.profile,
  };
  return renderReport(run, checkedOptions(options, known));
}

/** The page of instructions run without a transaction (the harness). */
export function instructionsReport(run: Omit<InspectedRun, 'kind'>, options: unknown, known: readonly ProgramDecoder[]): string {
  return renderReport({ kind: 'instructions', ...run }, checkedOptions(options, known));
}
