/**
 * The Instructions sysvar account data (solana-instructions-sysvar `construct_instructions_data`):
 * every top-level instruction with its account flags, then the index of the executing one. Counts,
 * lengths and offsets are u16s.
 */
import { ByteWriter, layout, pubkey, u16, u8 } from './codec.js';
import type { LoadedMessage } from './loaded-message.js';

/** An instruction's account: its flags, then its address. */
const ACCOUNT_ENTRY = layout({ flags: u8, key: pubkey });
const IS_SIGNER = 1;
const IS_WRITABLE = 2;
const U16_BYTES = u16.fixedSize as number;
const ADDRESS_BYTES = pubkey.fixedSize as number;

/** Bytes of an instruction's entry: its account count and accounts, program id, data length and data. */
const entrySize = (ix: { accounts: ArrayLike<number>; data: Uint8Array }) =>
  U16_BYTES + ACCOUNT_ENTRY.fixedSize * ix.accounts.length + ADDRESS_BYTES + U16_BYTES + ix.data.length;

export function instructionsSysvarData(msg: LoadedMessage): Uint8Array {
  const ixs = msg.message.instructions;
  // The count, each instruction's offset, the instructions, and the current index.
  const entriesAt = U16_BYTES + U16_BYTES * ixs.length;
  const size = ixs.reduce((n, ix) => n + entrySize(ix), entriesAt + U16_BYTES);
  const w = new ByteWriter(new Uint8Array(size));
  w.u16(ixs.length);
  let at = entriesAt;
  for (const ix of ixs) {
    w.u16(at);
    at += entrySize(ix);
  }
  for (const ix of ixs) {
    w.u16(ix.accounts.length);
    for (const a of ix.accounts) {
      w.u8((msg.isSigner(a) ? IS_SIGNER : 0) | (msg.writable[a] ? IS_WRITABLE : 0));
      w.raw(msg.keyBytes(a));
    }
    w.raw(msg.keyBytes(ix.programIdIndex));
    w.u16(ix.data.length);
    w.raw(ix.data);
  }
  return w.bytes;
}

/** Records which top-level instruction is executing (the trailing u16). */
export function setCurrentInstruction(data: Uint8Array, index: number): void {
  if (data.length < U16_BYTES) return;
  const w = new ByteWriter(data);
  w.at = data.length - U16_BYTES;
  w.u16(index);
}
