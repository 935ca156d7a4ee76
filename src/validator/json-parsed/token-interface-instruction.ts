/**
 * The token-metadata and token-group interface instructions Token-2022 implements, as Agave parses
 * them when the data is no `TokenInstruction` (agave transaction-status/src/parse_token/extension/
 * token_metadata.rs, token_group.rs): an 8-byte discriminator (the first bytes of the sha256 of a
 * name), then borsh (metadata) or fixed-size pod fields (group).
 */
import { sha256 } from '../../crypto/sha256.js';
import { FieldReader } from './field-reader.js';
import { NotParsable, requireAccounts, type ParsedInstructionEnum } from './instruction-parser.js';

/** A discriminator's bytes as a lookup key. */
const keyOf = (bytes: Uint8Array) => bytes.subarray(0, 8).join(',');
/** The discriminator `SplDiscriminate` derives from `name`. */
const discriminator = (name: string) => keyOf(sha256(new TextEncoder().encode(name)));

const METADATA_FIELDS = ['name', 'symbol', 'uri'];

/** Each interface instruction's parser by discriminator. */
const PARSERS: Record<string, (f: FieldReader, a: readonly string[]) => ParsedInstructionEnum> = {
  [discriminator('spl_token_metadata_interface:initialize_account')]: (f, a) => {
    const [name, symbol, uri] = f.finish([f.borshString(), f.borshString(), f.borshString()]);
    requireAccounts(a, 4);
    return { type: 'initializeTokenMetadata', info: { metadata: a[0], updateAuthority: a[1], mint: a[2], mintAuthority: a[3], name, symbol, uri } };
  },
  [discriminator('spl_token_metadata_interface:updating_field')]: (f, a) => {
    const tag = f.u8();
    // `Field`: Name, Symbol, Uri, or Key(String).
    const field = tag === 3 ? f.borshString() : METADATA_FIELDS[tag];
    if (field === undefined) throw new NotParsable('unknown metadata field');
    const value = f.finish(f.borshString());
    requireAccounts(a, 2);
    return { type: 'updateTokenMetadataField', info: { metadata: a[0], updateAuthority: a[1], field, value } };
  },
  [discriminator('spl_token_metadata_interface:remove_key_ix')]: (f, a) => {
    const [idempotent, key] = f.finish([f.bool(), f.borshString()] as const);
    requireAccounts(a, 2);
    return { type: 'removeTokenMetadataKey', info: { metadata: a[0], updateAuthority: a[1], key, idempotent } };
  },
  [discriminator('spl_token_metadata_interface:update_the_authority')]: (f, a) => {
    const newAuthority = f.finish(f.nonZeroPubkey());
    requireAccounts(a, 2);
    return { type: 'updateTokenMetadataAuthority', info: { metadata: a[0], updateAuthority: a[1], newAuthority } };
  },
  [discriminator('spl_token_metadata_interface:emitter')]: (f, a) => {
    const [start, end] = f.finish([f.optionalU64(), f.optionalU64()]);
    requireAccounts(a, 1);
    return { type: 'emitTokenMetadata', info: { metadata: a[0], ...(start === undefined ? {} : { start }), ...(end === undefined ? {} : { end }) } };
  },
  [discriminator('spl_token_group_interface:initialize_token_group')]: (f, a) => {
    const [updateAuthority, maxSize] = f.finish([f.nonZeroPubkey(), f.u64()] as const);
    requireAccounts(a, 3);
    return { type: 'initializeTokenGroup', info: { group: a[0], maxSize, mint: a[1], mintAuthority: a[2], updateAuthority } };
  },
  [discriminator('spl_token_group_interface:update_group_max_size')]: (f, a) => {
    const maxSize = f.finish(f.u64());
    requireAccounts(a, 2);
    return { type: 'updateTokenGroupMaxSize', info: { group: a[0], maxSize, updateAuthority: a[1] } };
  },
  [discriminator('spl_token_group_interface:update_authority')]: (f, a) => {
    const newAuthority = f.finish(f.nonZeroPubkey());
    requireAccounts(a, 2);
    return { type: 'updateTokenGroupAuthority', info: { group: a[0], updateAuthority: a[1], newAuthority } };
  },
  [discriminator('spl_token_group_interface:initialize_member')]: (f, a) => {
    f.finish(undefined);
    requireAccounts(a, 5);
    return { type: 'initializeTokenGroupMember', info: { member: a[0], memberMint: a[1], memberMintAuthority: a[2], group: a[3], groupUpdateAuthority: a[4] } };
  },
};

/** The interface instruction in `data`, or undefined when its discriminator names none. */
export function parseTokenInterfaceInstruction(data: Uint8Array, a: readonly string[]): ParsedInstructionEnum | undefined {
  if (data.length < 8) return undefined;
  const parse = PARSERS[keyOf(data)];
  return parse?.(new FieldReader(data, 8), a);
}
