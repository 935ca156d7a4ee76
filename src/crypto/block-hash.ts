/**
 * What our WebAssembly block hashes (sha256.ts, keccak256.ts) share: the module is built on the
 * first call, and the message goes through an input buffer in its memory, a whole number of
 * blocks at a time, so any length works.
 */

/** A block hash's WebAssembly side. */
export interface BlockHashModule {
  memory: WebAssembly.Memory;
  reset(): void;
  /** Processes `count` whole blocks from the start of the input buffer. */
  blocks(count: number): void;
  /** Pads the `used` bytes left in the buffer (of a `total`-byte message), processes them and writes the digest. */
  finish(used: number, total: number): void;
}

/** Where a module keeps its input buffer and its digest, and its block size. */
export interface BlockHashLayout {
  buffer: number;
  /** Bytes of the input buffer: a whole number of blocks (the module keeps room for padding after it). */
  capacity: number;
  digest: number;
  digestBytes: number;
  blockBytes: number;
}

/** The hash of the concatenation of its arguments, with the module `build` makes on first use. */
export function blockHash(build: () => BlockHashModule, layout: BlockHashLayout): (...parts: Uint8Array[]) => Uint8Array {
  let instance: { module: BlockHashModule; buffer: Uint8Array; digest: Uint8Array } | undefined;
  return (...parts) => {
    if (!instance) {
      const module = build();
      instance = {
        module,
        buffer: new Uint8Array(module.memory.buffer, layout.buffer, layout.capacity),
        digest: new Uint8Array(module.memory.buffer, layout.digest, layout.digestBytes),
      };
    }
    const { module, buffer, digest } = instance;
    module.reset();
    let used = 0;
    let total = 0;
    for (const part of parts) {
      total += part.length;
      for (let at = 0; at < part.length;) {
        const n = Math.min(part.length - at, buffer.length - used);
        buffer.set(n === part.length ? part : part.subarray(at, at + n), used);
        used += n;
        at += n;
        if (used === buffer.length) {
          module.blocks(buffer.length / layout.blockBytes);
          used = 0;
        }
      }
    }
    module.finish(used, total);
    return digest.slice();
  };
}
