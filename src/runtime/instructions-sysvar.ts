/**
 * The Instructions sysvar account data (solana-instructions-sysvar `construct_instructions_data`):
 * every top-level instruction with its account flags, then the index of the executing one.
 */
import { decodeAddress } from './accounts.js';
import type { LoadedMessage } from './loaded-message.js';

export function instructionsSysvarData(msg: LoadedMessage): Uint8Array {
  const ixs = msg.message.instructions;
  let size = 2 + 2 * ixs.length + 2;
  for (const ix of ixs) size += 2 + 33 * ix.accounts.length + 32 + 2 + ix.data.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint16(0, ixs.length, true);
  let at = 2 + 2 * ixs.length;
  ixs.forEach((ix, n) => {
    view.setUint16(2 + 2 * n, at, true);
    view.setUint16(at, ix.accounts.length, true);
    at += 2;
    for (const a of ix.accounts) {
      out[at++] = (msg.isSigner(a) ? 1 : 0) | (msg.writable[a] ? 2 : 0);
      out.set(decodeAddress(msg.keys[a]), at);
      at += 32;
    }
    out.set(decodeAddress(msg.keys[ix.programIdIndex]), at);
    at += 32;
    view.setUint16(at, ix.data.length, true);
    out.set(ix.data, at + 2);
    at += 2 + ix.data.length;
  });
  return out;
}

/** Records which top-level instruction is executing (the trailing u16). */
export function setCurrentInstruction(data: Uint8Array, index: number): void {
  if (data.length >= 2) new DataView(data.buffer, data.byteOffset, data.byteLength).setUint16(data.length - 2, index, true);
}
