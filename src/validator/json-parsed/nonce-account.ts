/** `jsonParsed` for nonce accounts (agave account-decoder/src/parse_nonce.rs). */
import { decodeNonce } from '../../runtime/builtins/nonce.js';

/** `parse_nonce`: an initialized nonce; undefined otherwise (Agave refuses uninitialized ones too). */
export function parseNonce(data: Uint8Array): object | undefined {
  const nonce = decodeNonce(data);
  if (!nonce?.initialized) return undefined;
  return {
    type: 'initialized',
    info: { authority: nonce.authority, blockhash: nonce.durableNonce, feeCalculator: { lamportsPerSignature: nonce.lamportsPerSignature.toString() } },
  };
}
