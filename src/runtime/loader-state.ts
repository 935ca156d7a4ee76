/**
 * The upgradeable BPF loader's byte layouts (bincode): its instructions, and its account states
 * (`UpgradeableLoaderState`): buffers and programdata accounts keep a header before the program
 * bytes, and a program account points at its programdata account.
 */
import { byteVec, decode, decodeOrUndefined, encode, enumeration, option, pubkey, struct, u32, u64, type ValueOf } from './codec.js';
import { fail } from './errors.js';

/** `UpgradeableLoaderInstruction`, its variants in tag order (the loader refuses the last two: see there). */
export const LOADER_INSTRUCTION = enumeration({
  InitializeBuffer: struct({}),
  Write: struct({ offset: u32, bytes: byteVec }),
  DeployWithMaxDataLen: struct({ maxDataLen: u64 }),
  Upgrade: struct({}),
  SetAuthority: struct({}),
  Close: struct({}),
  ExtendProgram: struct({ additionalBytes: u32 }),
  SetAuthorityChecked: struct({}),
  Migrate: struct({}),
  ExtendProgramChecked: struct({ additionalBytes: u32 }),
});

/** `UpgradeableLoaderState`. */
const LOADER_STATE = enumeration({
  Uninitialized: struct({}),
  Buffer: struct({ authority: option(pubkey) }),
  Program: struct({ programData: pubkey }),
  ProgramData: struct({ slot: u64, authority: option(pubkey) }),
});
export type LoaderState = ValueOf<typeof LOADER_STATE>;

/** Bytes of `state`'s encoding: the header before a buffer's or a programdata account's bytes. */
export const loaderStateSize = (state: LoaderState): number => LOADER_STATE.size(state);

/** An address standing for any, in the sizes below (an address's encoding has one size). */
const SOME_ADDRESS = '11111111111111111111111111111111';
/** `size_of_uninitialized`: the tag alone. */
export const UNINITIALIZED_SIZE = loaderStateSize({ kind: 'Uninitialized' });
/** `size_of_buffer_metadata`: the tag and `Some(authority)`, before the buffer's bytes. */
export const BUFFER_METADATA_SIZE = loaderStateSize({ kind: 'Buffer', authority: SOME_ADDRESS });
/** `size_of_program`: the tag and the programdata address. */
export const PROGRAM_SIZE = loaderStateSize({ kind: 'Program', programData: SOME_ADDRESS });
/** `size_of_programdata_metadata`: the tag, the slot and `Some(authority)`, before the ELF. */
export const PROGRAMDATA_METADATA_SIZE = loaderStateSize({ kind: 'ProgramData', slot: 0n, authority: SOME_ADDRESS });
/** Where a ProgramData account's `Option<authority>` starts: after the tag and the slot. */
const PROGRAMDATA_AUTHORITY_OFFSET = PROGRAMDATA_METADATA_SIZE - option(pubkey).size(SOME_ADDRESS);

/** Writes a ProgramData account's upgrade authority (undefined: none) in place; the bytes after a None are left as they were. */
export function writeProgramDataAuthority(data: Uint8Array, authority: string | undefined): void {
  data.set(encode(option(pubkey), authority), PROGRAMDATA_AUTHORITY_OFFSET);
}

/** The state at the start of `data`; a bad encoding is InvalidAccountData. */
export const decodeLoaderState = (data: Uint8Array): LoaderState => decode(LOADER_STATE, data, () => fail('InvalidAccountData'));

/** The bytes of `state` (as long as its encoding). */
export const encodeLoaderState = (state: LoaderState): Uint8Array => encode(LOADER_STATE, state);

/** The variant named by the tag `data` starts with (its fields unread), or undefined when there is no such tag. */
export function loaderStateKind(data: Uint8Array): LoaderState['kind'] | undefined {
  const tag = decodeOrUndefined(u32, data);
  return (Object.keys(LOADER_STATE.tags) as LoaderState['kind'][]).find((kind) => LOADER_STATE.tags[kind] === tag);
}

/** The programdata address a program account points at, or undefined when `data` is not a program account. */
export function programDataAddress(data: Uint8Array): string | undefined {
  const state = decodeOrUndefined(LOADER_STATE, data);
  return state?.kind === 'Program' ? state.programData : undefined;
}
