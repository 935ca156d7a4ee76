/**
 * SPL Token and Token-2022 instructions as Agave parses them (agave
 * transaction-status/src/parse_token.rs over `TokenInstruction::unpack`): the base instructions and
 * the Token-2022 ones (extension families in token-extension-instruction.ts). Amounts are strings,
 * checked amounts `UiTokenAmount`s; an authority signed by a multisig shows as the multisig and its
 * `signers`. Confidential transfers, `Batch` and the token group / metadata interfaces are not parsed
 * here: they stay partially decoded.
 */
import { uiTokenAmount } from '../spl-token.js';
import { instructionOver, NotParsable, type ParsedInstructionEnum } from './instruction-parser.js';
import { parseTokenExtensionInstruction } from './token-extension-instruction.js';
import { parseTokenInterfaceInstruction } from './token-interface-instruction.js';
import { FieldReader } from './field-reader.js';
import { readExtensionTypes, signers } from './token-instruction-fields.js';

/** Tags `TokenInstruction::unpack` knows (0–46 and `Batch`); other data is tried as an interface instruction. */
const isTokenInstructionTag = (tag: number) => tag <= 46 || tag === 255;

/** `UiAuthorityType` by `AuthorityType` number, and whether it is a mint's (else an account's). */
const AUTHORITY_TYPES: [string, 'mint' | 'account'][] = [
  ['mintTokens', 'mint'],
  ['freezeAccount', 'mint'],
  ['accountOwner', 'account'],
  ['closeAccount', 'account'],
  ['transferFeeConfig', 'mint'],
  ['withheldWithdraw', 'mint'],
  ['closeMint', 'mint'],
  ['interestRate', 'mint'],
  ['permanentDelegate', 'mint'],
  ['confidentialTransferMint', 'mint'],
  ['transferHookProgramId', 'mint'],
  ['confidentialTransferFeeConfig', 'mint'],
  ['metadataPointer', 'mint'],
  ['groupPointer', 'mint'],
  ['groupMemberPointer', 'mint'],
  ['scaledUiAmount', 'mint'],
  ['pause', 'mint'],
  ['permissionedBurn', 'mint'],
];

const withFreezeAuthority = (freezeAuthority: string | null) => (freezeAuthority === null ? {} : { freezeAuthority });

/** `parse_token`. */
export function parseTokenInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum {
  if (data.length === 0) throw new NotParsable('empty token instruction');
  const u = new FieldReader(data, 1);
  const parsed = instructionOver(a);
  const checked = () => {
    const amount = u.u64();
    return uiTokenAmount(amount, u.u8());
  };
  switch (data[0]) {
    case 0: {
      const [decimals, mintAuthority, freezeAuthority] = [u.u8(), u.pubkey(), u.optionalPubkey()];
      return parsed('initializeMint', 2, () => ({ mint: a[0], decimals, mintAuthority, rentSysvar: a[1], ...withFreezeAuthority(freezeAuthority) }));
    }
    case 1:
      return parsed('initializeAccount', 4, () => ({ account: a[0], mint: a[1], owner: a[2], rentSysvar: a[3] }));
    case 2: {
      const m = u.u8();
      return parsed('initializeMultisig', 3, () => ({ multisig: a[0], rentSysvar: a[1], signers: a.slice(2), m }));
    }
    case 3: {
      const amount = u.u64().toString();
      return parsed('transfer', 3, () => ({ source: a[0], destination: a[1], amount, ...signers(a, 2, 'authority', 'multisigAuthority') }));
    }
    case 4: {
      const amount = u.u64().toString();
      return parsed('approve', 3, () => ({ source: a[0], delegate: a[1], amount, ...signers(a, 2, 'owner', 'multisigOwner') }));
    }
    case 5:
      return parsed('revoke', 2, () => ({ source: a[0], ...signers(a, 1, 'owner', 'multisigOwner') }));
    case 6: {
      const authority = AUTHORITY_TYPES[u.u8()];
      if (!authority) throw new NotParsable('unknown authority type');
      const newAuthority = u.optionalPubkey();
      return parsed('setAuthority', 2, () => ({
        [authority[1]]: a[0],
        authorityType: authority[0],
        newAuthority,
        ...signers(a, 1, 'authority', 'multisigAuthority'),
      }));
    }
    case 7: {
      const amount = u.u64().toString();
      return parsed('mintTo', 3, () => ({ mint: a[0], account: a[1], amount, ...signers(a, 2, 'mintAuthority', 'multisigMintAuthority') }));
    }
    case 8: {
      const amount = u.u64().toString();
      return parsed('burn', 3, () => ({ account: a[0], mint: a[1], amount, ...signers(a, 2, 'authority', 'multisigAuthority') }));
    }
    case 9:
      return parsed('closeAccount', 3, () => ({ account: a[0], destination: a[1], ...signers(a, 2, 'owner', 'multisigOwner') }));
    case 10:
      return parsed('freezeAccount', 3, () => ({ account: a[0], mint: a[1], ...signers(a, 2, 'freezeAuthority', 'multisigFreezeAuthority') }));
    case 11:
      return parsed('thawAccount', 3, () => ({ account: a[0], mint: a[1], ...signers(a, 2, 'freezeAuthority', 'multisigFreezeAuthority') }));
    case 12: {
      const tokenAmount = checked();
      return parsed('transferChecked', 4, () => ({
        source: a[0],
        mint: a[1],
        destination: a[2],
        tokenAmount,
        ...signers(a, 3, 'authority', 'multisigAuthority'),
      }));
    }
    case 13: {
      const tokenAmount = checked();
      return parsed('approveChecked', 4, () => ({ source: a[0], mint: a[1], delegate: a[2], tokenAmount, ...signers(a, 3, 'owner', 'multisigOwner') }));
    }
    case 14: {
      const tokenAmount = checked();
      return parsed('mintToChecked', 3, () => ({ mint: a[0], account: a[1], tokenAmount, ...signers(a, 2, 'mintAuthority', 'multisigMintAuthority') }));
    }
    case 15: {
      const tokenAmount = checked();
      return parsed('burnChecked', 3, () => ({ account: a[0], mint: a[1], tokenAmount, ...signers(a, 2, 'authority', 'multisigAuthority') }));
    }
    case 16: {
      const owner = u.pubkey();
      return parsed('initializeAccount2', 3, () => ({ account: a[0], mint: a[1], owner, rentSysvar: a[2] }));
    }
    case 17:
      return parsed('syncNative', 1, () => ({ account: a[0] }));
    case 18: {
      const owner = u.pubkey();
      return parsed('initializeAccount3', 2, () => ({ account: a[0], mint: a[1], owner }));
    }
    case 19: {
      const m = u.u8();
      return parsed('initializeMultisig2', 2, () => ({ multisig: a[0], signers: a.slice(1), m }));
    }
    case 20: {
      const [decimals, mintAuthority, freezeAuthority] = [u.u8(), u.pubkey(), u.optionalPubkey()];
      return parsed('initializeMint2', 1, () => ({ mint: a[0], decimals, mintAuthority, ...withFreezeAuthority(freezeAuthority) }));
    }
    case 21: {
      const extensionTypes = readExtensionTypes(u);
      return parsed('getAccountDataSize', 1, () => ({ mint: a[0], ...(extensionTypes.length === 0 ? {} : { extensionTypes }) }));
    }
    case 22:
      return parsed('initializeImmutableOwner', 1, () => ({ account: a[0] }));
    case 23: {
      const amount = u.u64().toString();
      return parsed('amountToUiAmount', 1, () => ({ mint: a[0], amount }));
    }
    case 24: {
      let uiAmount: string;
      try {
        uiAmount = new TextDecoder('utf-8', { fatal: true }).decode(u.rest());
      } catch {
        throw new NotParsable('ui amount is not UTF-8');
      }
      return parsed('uiAmountToAmount', 1, () => ({ mint: a[0], uiAmount }));
    }
    case 25: {
      const closeAuthority = u.optionalPubkey();
      return parsed('initializeMintCloseAuthority', 1, () => ({ mint: a[0], newAuthority: closeAuthority }));
    }
    case 29: {
      const extensionTypes = readExtensionTypes(u);
      return parsed('reallocate', 4, () => ({ account: a[0], payer: a[1], systemProgram: a[2], extensionTypes, ...signers(a, 3, 'owner', 'multisigOwner') }));
    }
    case 31:
      return parsed('createNativeMint', 3, () => ({ payer: a[0], nativeMint: a[1], systemProgram: a[2] }));
    case 32:
      return parsed('initializeNonTransferableMint', 1, () => ({ mint: a[0] }));
    case 35: {
      const delegate = u.pubkey();
      return parsed('initializePermanentDelegate', 1, () => ({ mint: a[0], delegate }));
    }
    case 38:
      return parsed('withdrawExcessLamports', 3, () => ({ source: a[0], destination: a[1], ...signers(a, 2, 'authority', 'multisigAuthority') }));
    default: {
      const parsed = isTokenInstructionTag(data[0]) ? parseTokenExtensionInstruction(data[0], data, a) : parseTokenInterfaceInstruction(data, a);
      if (!parsed) throw new NotParsable('token instruction not parsed here');
      return parsed;
    }
  }
}
