/**
 * System program instructions as Agave parses them (agave transaction-status/src/parse_system.rs):
 * bincode `SystemInstruction`, lamports and space as numbers.
 */
import { BincodeReader } from '../../runtime/builtins/bincode.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum } from './instruction-parser.js';

/** `parse_system`. */
export function parseSystemInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  const r = new BincodeReader(data, { limit: Infinity });
  const parsed = instructionOver(a);
  switch (r.u32()) {
    case 0: {
      const [lamports, space, owner] = [r.u64(), r.u64(), r.pubkey()];
      return parsed('createAccount', 2, () => ({ source: a[0], newAccount: a[1], lamports, space, owner }));
    }
    case 1: {
      const owner = r.pubkey();
      return parsed('assign', 1, () => ({ account: a[0], owner }));
    }
    case 2: {
      const lamports = r.u64();
      return parsed('transfer', 2, () => ({ source: a[0], destination: a[1], lamports }));
    }
    case 3: {
      const [base, seed, lamports, space, owner] = [r.pubkey(), r.string(), r.u64(), r.u64(), r.pubkey()];
      return parsed('createAccountWithSeed', 2, () => ({ source: a[0], newAccount: a[1], base, seed, lamports, space, owner }));
    }
    case 4:
      return parsed('advanceNonce', 3, () => ({ nonceAccount: a[0], recentBlockhashesSysvar: a[1], nonceAuthority: a[2] }));
    case 5: {
      const lamports = r.u64();
      return parsed('withdrawFromNonce', 5, () => ({
        nonceAccount: a[0],
        destination: a[1],
        recentBlockhashesSysvar: a[2],
        rentSysvar: a[3],
        nonceAuthority: a[4],
        lamports,
      }));
    }
    case 6: {
      const authority = r.pubkey();
      return parsed('initializeNonce', 3, () => ({ nonceAccount: a[0], recentBlockhashesSysvar: a[1], rentSysvar: a[2], nonceAuthority: authority }));
    }
    case 7: {
      const authority = r.pubkey();
      return parsed('authorizeNonce', 2, () => ({ nonceAccount: a[0], nonceAuthority: a[1], newAuthorized: authority }));
    }
    case 8: {
      const space = r.u64();
      return parsed('allocate', 1, () => ({ account: a[0], space }));
    }
    case 9: {
      const [base, seed, space, owner] = [r.pubkey(), r.string(), r.u64(), r.pubkey()];
      return parsed('allocateWithSeed', 2, () => ({ account: a[0], base, seed, space, owner }));
    }
    case 10: {
      const [base, seed, owner] = [r.pubkey(), r.string(), r.pubkey()];
      return parsed('assignWithSeed', 2, () => ({ account: a[0], base, seed, owner }));
    }
    case 11: {
      const [lamports, sourceSeed, sourceOwner] = [r.u64(), r.string(), r.pubkey()];
      return parsed('transferWithSeed', 3, () => ({ source: a[0], sourceBase: a[1], destination: a[2], lamports, sourceSeed, sourceOwner }));
    }
    case 12:
      return parsed('upgradeNonce', 1, () => ({ nonceAccount: a[0] }));
    case 13: {
      const [lamports, space, owner] = [r.u64(), r.u64(), r.pubkey()];
      // Without lamports there is no payer: only the new account.
      if (lamports === 0n) return parsed('createAccountAllowPrefund', 1, () => ({ newAccount: a[0], space, owner }));
      return parsed('createAccountAllowPrefund', 2, () => ({ newAccount: a[0], source: a[1], lamports, space, owner }));
    }
    default:
      throw new NotParsable('unknown System instruction');
  }
}
