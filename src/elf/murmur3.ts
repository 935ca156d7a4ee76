/**
 * Murmur3 x86 32-bit with seed 0: the hash solana-sbpf uses for syscall names
 * (`hash_symbol_name`) and for function-registry keys of relocated calls.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** Mixes one little-endian 4-byte block `k` into the state `h`. */
function mixBlock(h: number, k: number): number {
  h ^= mixK(k);
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function mixK(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** The final avalanche over `n` hashed bytes. */
function finish(h: number, n: number): number {
  h ^= n;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Murmur3-32 (seed 0) of raw bytes. */
export function murmur3_32(bytes: Uint8Array, seed = 0): number {
  let h = seed >>> 0;
  const n = bytes.length;
  const blocks = n & ~3;
  // Every index read below is under n: blocks + 3 ≤ n in the loop, blocks + tail = n after it.
  for (let i = 0; i < blocks; i += 4) h = mixBlock(h, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
  const tail = n & 3;
  if (tail > 0) {
    let k = 0;
    if (tail === 3) k ^= bytes[blocks + 2]! << 16;
    if (tail >= 2) k ^= bytes[blocks + 1]! << 8;
    k ^= bytes[blocks]!;
    h ^= mixK(k);
  }
  return finish(h, n);
}

const utf8 = new TextEncoder();

/** Hash of a symbol name (syscall registry key). */
export const hashSymbolName = (name: string): number => murmur3_32(utf8.encode(name));

/**
 * Function-registry key of an internal call target: murmur3 of the target pc as 8 LE bytes,
 * computed on the two 32-bit halves (the loader hashes every call site: no allocation here).
 */
export function hashPc(pc: number): number {
  return finish(mixBlock(mixBlock(0, pc | 0), Math.floor(pc / 0x1_0000_0000) | 0), 8);
}
