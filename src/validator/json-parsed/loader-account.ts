/**
 * `jsonParsed` for upgradeable-loader accounts (agave account-decoder/src/parse_bpf_loader.rs):
 * buffers and program data carry their bytes after the metadata as `[base64, "base64"]`.
 */
import { decodeLoaderState, loaderStateSize, type LoaderState } from '../../runtime/loader-state.js';
import { bytesToBase64 } from '../../platform.js';

/** The bytes after the state's own encoding (32 fewer of metadata without an authority). */
const code = (data: Uint8Array, state: LoaderState) => [bytesToBase64(data.subarray(loaderStateSize(state))), 'base64'];

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
      return { type: 'buffer', info: { authority: state.authority ?? null, data: code(data, state) } };
    case 'Program':
      return { type: 'program', info: { programData: state.programData } };
    case 'ProgramData':
      return {
        type: 'programData',
        info: { slot: state.slot, authority: state.authority ?? null, data: code(data, state) },
      };
  }
}
