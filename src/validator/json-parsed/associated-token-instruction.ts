/**
 * Associated Token Account instructions as Agave parses them (agave
 * transaction-status/src/parse_associated_token.rs): empty data is `create`, else one borsh tag.
 */
import { NotParsable, requireAccounts, type ParsedInstructionEnum } from './instruction-parser.js';

const CREATE_TYPES = ['create', 'createIdempotent'] as const;

/** `parse_associated_token`. */
export function parseAssociatedTokenInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  // `try_from_slice` reads the whole data: exactly one tag byte.
  const tag = data.length === 0 ? 0 : data.length === 1 ? data[0] : -1;
  if (tag === 0 || tag === 1) {
    requireAccounts(a, 6);
    return { type: CREATE_TYPES[tag], info: { source: a[0], account: a[1], wallet: a[2], mint: a[3], systemProgram: a[4], tokenProgram: a[5] } };
  }
  if (tag === 2) {
    requireAccounts(a, 7);
    return {
      type: 'recoverNested',
      info: { nestedSource: a[0], nestedMint: a[1], destination: a[2], nestedOwner: a[3], ownerMint: a[4], wallet: a[5], tokenProgram: a[6] },
    };
  }
  throw new NotParsable('unknown Associated Token Account instruction');
}
