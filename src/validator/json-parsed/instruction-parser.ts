/** What every program's instruction parser shares (agave transaction-status/src/parse_instruction.rs). */
import { WebsvmError } from '../../errors.js';

/** `ParsedInstructionEnum`: the instruction's name and, unless null, its fields. */
export interface ParsedInstructionEnum {
  type: string;
  info?: object;
}

/** A parser of one program's instruction data over its accounts' addresses; it throws where Agave's refuses. */
export type InstructionParser = (data: Uint8Array, accounts: readonly string[]) => ParsedInstructionEnum;

/** Thrown by a parser where Agave's returns `InstructionNotParsable` or `InstructionKeyMismatch` (kind `InstructionNotParsable`). */
export class NotParsable extends WebsvmError<'InstructionNotParsable'> {
  constructor(why: string) {
    super('InstructionNotParsable', why);
  }
}

/** `check_num_accounts`. */
export function requireAccounts(accounts: readonly string[], count: number): void {
  if (accounts.length < count) throw new NotParsable(`needs ${count} accounts`);
}

/**
 * A builder of `{ type, info }` over the accounts `a`: it checks that there are `count` of them,
 * then computes `info` (which may index them).
 */
export const instructionOver =
  (a: readonly string[]) =>
  (type: string, count: number, info: () => object): ParsedInstructionEnum => {
    requireAccounts(a, count);
    return { type, info: info() };
  };
