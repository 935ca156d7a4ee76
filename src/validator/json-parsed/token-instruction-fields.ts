/**
 * What the SPL Token / Token-2022 instruction parsers share (agave transaction-status/src/parse_token.rs):
 * extension-type lists and the authority fields.
 */
import type { FieldReader } from './field-reader.js';
import { NotParsable } from './instruction-parser.js';

/** `UiExtensionType` by `ExtensionType` number. */
const EXTENSION_TYPES = [
  'uninitialized',
  'transferFeeConfig',
  'transferFeeAmount',
  'mintCloseAuthority',
  'confidentialTransferMint',
  'confidentialTransferAccount',
  'defaultAccountState',
  'immutableOwner',
  'memoTransfer',
  'nonTransferable',
  'interestBearingConfig',
  'cpiGuard',
  'permanentDelegate',
  'nonTransferableAccount',
  'transferHook',
  'transferHookAccount',
  'confidentialTransferFeeConfig',
  'confidentialTransferFeeAmount',
  'metadataPointer',
  'tokenMetadata',
  'groupPointer',
  'groupMemberPointer',
  'tokenGroup',
  'tokenGroupMember',
  'confidentialMintBurn',
  'scaledUiAmount',
  'pausable',
  'pausableAccount',
  'permissionedBurn',
];

/** The rest of `data` as u16 `ExtensionType`s (`GetAccountDataSize`, `Reallocate`): each must be known. */
export function readExtensionTypes(r: FieldReader): string[] {
  const rest = r.rest();
  if (rest.length % 2 !== 0) throw new NotParsable('odd extension type bytes');
  return Array.from({ length: rest.length / 2 }, () => {
    const name = EXTENSION_TYPES[r.u16()];
    if (name === undefined) throw new NotParsable('unknown extension type');
    return name;
  });
}

/**
 * `parse_signers`: the account at `index` signs alone (`single`), or, with more accounts after
 * it, is a multisig (`multisig`) whose signers follow.
 */
export function signers(a: readonly string[], index: number, single: string, multisig: string): object {
  if (a.length > index + 1) return { [multisig]: a[index], signers: a.slice(index + 1) };
  return index < a.length ? { [single]: a[index] } : {};
}
