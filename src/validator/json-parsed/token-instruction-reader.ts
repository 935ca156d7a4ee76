/**
 * Reading SPL Token / Token-2022 instruction data as `TokenInstruction::unpack` does, and the
 * authority fields every token instruction parser shares (agave transaction-status/src/parse_token.rs).
 */
import { encodeAddress } from '../../runtime/accounts.js';
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

/** `TokenInstruction::unpack`'s readers over the data after the tag; running short throws. */
export class Unpacker {
  /** `at`: where the fields start (after the tag, or after the tag and an extension's sub-tag). */
  constructor(
    private readonly data: Uint8Array,
    private at = 1,
  ) {}
  private take(n: number): Uint8Array {
    if (this.at + n > this.data.length) throw new NotParsable('instruction data too short');
    this.at += n;
    return this.data.subarray(this.at - n, this.at);
  }
  private view(n: number): DataView {
    const b = this.take(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }
  u8 = () => this.take(1)[0];
  u16 = () => this.view(2).getUint16(0, true);
  i16 = () => this.view(2).getInt16(0, true);
  u64 = () => this.view(8).getBigUint64(0, true);
  i64 = () => this.view(8).getBigInt64(0, true);
  f64 = () => this.view(8).getFloat64(0, true);
  pubkey = () => encodeAddress(this.take(32));
  /** `unpack_pubkey_option`: tag 0 none, tag 1 and a key; anything else fails. */
  optionalPubkey = (): string | null => {
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 1) return this.pubkey();
    throw new NotParsable('bad COption tag');
  };
  /** `OptionalNonZeroPubkey`: 32 bytes, all zero for none. */
  nonZeroPubkey = (): string | null => {
    const raw = this.take(32);
    return raw.some((b) => b !== 0) ? encodeAddress(raw) : null;
  };
  /** `decode_instruction_data`: the pod fields must fill the data exactly. */
  end = () => {
    if (this.at !== this.data.length) throw new NotParsable('instruction data of the wrong length');
  };
  /** The rest as u16 extension types (each must be known). */
  extensionTypes = (): string[] => {
    const rest = this.data.subarray(this.at);
    if (rest.length % 2 !== 0) throw new NotParsable('odd extension type bytes');
    return Array.from({ length: rest.length / 2 }, (_, i) => {
      const name = EXTENSION_TYPES[rest[2 * i] | (rest[2 * i + 1] << 8)];
      if (name === undefined) throw new NotParsable('unknown extension type');
      return name;
    });
  };
  rest = () => this.data.subarray(this.at);
}

/**
 * `parse_signers`: the account at `index` signs alone (`single`), or, with more accounts after
 * it, is a multisig (`multisig`) whose signers follow.
 */
export function signers(a: readonly string[], index: number, single: string, multisig: string): object {
  if (a.length > index + 1) return { [multisig]: a[index], signers: a.slice(index + 1) };
  return index < a.length ? { [single]: a[index] } : {};
}
