/**
 * Transactions as RPC clients send them: the encoded text decoded and size-checked as Agave's
 * `decode_and_deserialize` does, and a copy with another blockhash (`replaceRecentBlockhash`).
 */
import bs58 from 'bs58';
import { decodeAddress } from '../runtime/accounts.js';
import { decodeTransaction, PACKET_DATA_SIZE, type WireTransaction } from '../runtime/message.js';
import { invalidParams } from './json-rpc.js';
import { base64Param } from './params.js';

const TYPE_NAME = 'solana_transaction::versioned::VersionedTransaction';
/** Longest encodings of a packet (`MAX_BASE58_SIZE`, `MAX_BASE64_SIZE`). */
const MAX_BASE58_SIZE = 1683;
const MAX_BASE64_SIZE = 1644;

/** The binary encodings a transaction may arrive in. */
export type TransactionBinaryEncoding = 'base58' | 'base64';

/** The first character bs58 cannot read, in the `bs58::decode::Error` Debug form. */
function base58Error(text: string): string {
  const index = [...text].findIndex((c) => !/[1-9A-HJ-NP-Za-km-z]/.test(c));
  return index < 0 ? 'BufferTooSmall' : `InvalidCharacter { character: '${text[index]}', index: ${index} }`;
}

/** Decodes a transaction sent as `encoding` text; refusals are Agave's -32602 messages. */
export function decodeWire(text: string, encoding: TransactionBinaryEncoding): { wire: Uint8Array; tx: WireTransaction } {
  let wire: Uint8Array;
  if (encoding === 'base58') {
    if (text.length > MAX_BASE58_SIZE)
      throw invalidParams(`base58 encoded ${TYPE_NAME} too large: ${text.length} bytes (max: encoded/raw ${MAX_BASE58_SIZE}/${PACKET_DATA_SIZE})`);
    const bytes = bs58.decodeUnsafe(text);
    if (!bytes) throw invalidParams(`invalid base58 encoding: ${base58Error(text)}`);
    wire = bytes;
  } else {
    if (text.length > MAX_BASE64_SIZE)
      throw invalidParams(`base64 encoded ${TYPE_NAME} too large: ${text.length} bytes (max: encoded/raw ${MAX_BASE64_SIZE}/${PACKET_DATA_SIZE})`);
    wire = base64Param(text);
  }
  if (wire.length > PACKET_DATA_SIZE) throw invalidParams(`decoded ${TYPE_NAME} too large: ${wire.length} bytes (max: ${PACKET_DATA_SIZE} bytes)`);
  try {
    return { wire, tx: decodeTransaction(wire) };
  } catch (e) {
    throw invalidParams(`failed to deserialize ${TYPE_NAME}: ${(e as Error).message}`);
  }
}

/** A legacy or v0 transaction decoded from a copy of `wire` whose message names `blockhash` (its signatures no longer match). */
export function replaceBlockhash(wire: Uint8Array, tx: WireTransaction, blockhash: string): WireTransaction {
  if (tx.message.version === 1) return tx;
  const keys = tx.message.staticKeys.length;
  const offset = wire.length - tx.messageBytes.length + (tx.message.version === 0 ? 1 : 0) + 3 + (keys < 0x80 ? 1 : 2) + 32 * keys;
  const copy = wire.slice();
  copy.set(decodeAddress(blockhash), offset);
  return decodeTransaction(copy);
}
