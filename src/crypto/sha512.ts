/**
 * SHA-512 of a byte string: node:crypto's one-shot `hash` where there is one (Node ≥ 20.12),
 * else @noble/hashes, loaded on first use (so importing websvm loads no hash code).
 */
import { nodeModule } from '../platform.js';
import { nobleSha2 } from './noble.js';

interface NodeHash {
  hash?(algorithm: 'sha512', data: Uint8Array, encoding: 'buffer'): Uint8Array;
}
const nodeHash = nodeModule<NodeHash>('node:crypto')?.hash;

/** SHA-512 of `data`. */
export const sha512: (data: Uint8Array) => Uint8Array = nodeHash ? (data) => nodeHash('sha512', data, 'buffer') : (data) => nobleSha2().sha512(data);
