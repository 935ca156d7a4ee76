/**
 * Murmur3 x86 32-bit with seed 0: the hash solana-sbpf uses for syscall names
 * (`hash_symbol_name`) and for function-registry keys of relocated calls.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Murmur3-32 (seed 0) of raw bytes. */
export function murmur3_32(bytes: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const blocks = n & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2] << 16;
    if (tail >= 2) k ^= bytes[blocks + 1] << 8;
    k ^= bytes[blocks];
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
  }
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const utf8 = new TextEncoder();

/** Hash of a symbol name (syscall registry key). */
export const hashSymbolName = (name: string): number => murmur3_32(utf8.encode(name));

/** Function-registry key of an internal call target: murmur3 of the target pc as 8 LE bytes. */
export function hashPc(pc: number): number {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(pc), true);
  return murmur3_32(b);
}
