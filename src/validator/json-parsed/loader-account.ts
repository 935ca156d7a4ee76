/**
 * `jsonParsed` for upgradeable-loader accounts (agave account-decoder/src/parse_bpf_loader.rs):
 * buffers and program data carry their bytes after the metadata as `[base64, "base64"]`.
 */
import { BUFFER_METADATA_SIZE, decodeLoaderState, PROGRAMDATA_METADATA_SIZE } from '../../runtime/loader-state.js';
import { bytesToBase64 } from '../../platform.js';

/** The metadata is 32 bytes shorter without an authority. */
const AUTHORITY_BYTES = 32;

const code = (data: Uint8Array, metadata: number, authority: string | undefined) => [
  bytesToBase64(data.subarray(authority === undefined ? metadata - AUTHORITY_BYTES : metadata)),
  'base64',
];

/** `parse_bpf_upgradeable_loader`, or undefined where the state does not deserialize. */
export function parseUpgradeableLoader(data: Uint8Array): object | undefined {
  let state;
  try {
    state = decodeLoaderState(data);
  } catch {
    return undefined;
  }
  switch (state.kind) {
    case 'Uninitialized':
      return { type: 'uninitialized' };
    case 'Buffer':
      return { type: 'buffer', info: { authority: state.authority ?? null, data: code(data, BUFFER_METADATA_SIZE, state.authority) } };
    case 'Program':
      return { type: 'program', info: { programData: state.programData } };
    case 'ProgramData':
      return {
        type: 'programData',
        info: { slot: state.slot, authority: state.authority ?? null, data: code(data, PROGRAMDATA_METADATA_SIZE, state.authority) },
      };
  }
}
