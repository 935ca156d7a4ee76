/**
 * System program instructions as Agave parses them (agave transaction-status/src/parse_system.rs):
 * bincode `SystemInstruction`, lamports and space as numbers.
 */
import { BincodeReader } from '../../runtime/builtins/bincode.js';
import { SYSTEM_INSTRUCTION } from '../../runtime/builtins/system.js';
import { instructionOver, type ParsedInstructionEnum } from './instruction-parser.js';

/** `parse_system`: the instruction decoded as the System program decodes it, named and laid out as Agave shows it. */
export function parseSystemInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const ix = SYSTEM_INSTRUCTION.read(new BincodeReader(data, { limit: Infinity }));
  const parsed = instructionOver(a);
  switch (ix.kind) {
    case 'CreateAccount': {
      const { lamports, space, owner } = ix;
      return parsed('createAccount', 2, () => ({ source: a[0], newAccount: a[1], lamports, space, owner }));
    }
    case 'Assign':
      return parsed('assign', 1, () => ({ account: a[0], owner: ix.owner }));
    case 'Transfer':
      return parsed('transfer', 2, () => ({ source: a[0], destination: a[1], lamports: ix.lamports }));
    case 'CreateAccountWithSeed': {
      const { base, seed, lamports, space, owner } = ix;
      return parsed('createAccountWithSeed', 2, () => ({ source: a[0], newAccount: a[1], base, seed, lamports, space, owner }));
    }
    case 'AdvanceNonceAccount':
      return parsed('advanceNonce', 3, () => ({ nonceAccount: a[0], recentBlockhashesSysvar: a[1], nonceAuthority: a[2] }));
    case 'WithdrawNonceAccount':
      return parsed('withdrawFromNonce', 5, () => ({
        nonceAccount: a[0],
        destination: a[1],
        recentBlockhashesSysvar: a[2],
        rentSysvar: a[3],
        nonceAuthority: a[4],
        lamports: ix.lamports,
      }));
    case 'InitializeNonceAccount':
      return parsed('initializeNonce', 3, () => ({ nonceAccount: a[0], recentBlockhashesSysvar: a[1], rentSysvar: a[2], nonceAuthority: ix.authority }));
    case 'AuthorizeNonceAccount':
      return parsed('authorizeNonce', 2, () => ({ nonceAccount: a[0], nonceAuthority: a[1], newAuthorized: ix.authority }));
    case 'Allocate':
      return parsed('allocate', 1, () => ({ account: a[0], space: ix.space }));
    case 'AllocateWithSeed': {
      const { base, seed, space, owner } = ix;
      return parsed('allocateWithSeed', 2, () => ({ account: a[0], base, seed, space, owner }));
    }
    case 'AssignWithSeed': {
      const { base, seed, owner } = ix;
      return parsed('assignWithSeed', 2, () => ({ account: a[0], base, seed, owner }));
    }
    case 'TransferWithSeed': {
      const { lamports, fromSeed: sourceSeed, fromOwner: sourceOwner } = ix;
      return parsed('transferWithSeed', 3, () => ({ source: a[0], sourceBase: a[1], destination: a[2], lamports, sourceSeed, sourceOwner }));
    }
    case 'UpgradeNonceAccount':
      return parsed('upgradeNonce', 1, () => ({ nonceAccount: a[0] }));
    case 'CreateAccountAllowPrefund': {
      const { lamports, space, owner } = ix;
      // Without lamports there is no payer: only the new account.
      if (lamports === 0n) return parsed('createAccountAllowPrefund', 1, () => ({ newAccount: a[0], space, owner }));
      return parsed('createAccountAllowPrefund', 2, () => ({ newAccount: a[0], source: a[1], lamports, space, owner }));
    }
  }
}
