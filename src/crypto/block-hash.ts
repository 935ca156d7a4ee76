/**
 * What our WebAssembly block hashes (sha256.ts, keccak256.ts) share: the module is built on the
 * first call, and the message goes through an input buffer in its memory, a whole number of
 * blocks at a time, so any length works.
 */

/** Pieces up to this long are copied into the input buffer without a view of them. */
const SHORT_PIECE = 64;

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

/**
 * A hash fed a piece at a time (a syscall's slices straight from VM memory, no copies or arrays
 * between): `start`, `update` as often as needed, then `finishInto`.
 */
export interface StreamingHash {
  start(): void;
  /** Appends `source[from, to)`. */
  update(source: Uint8Array, from: number, to: number): void;
  /** Writes the digest (32 bytes) at `out[at]`. */
  finishInto(out: Uint8Array, at: number): void;
}

/** A block hash on the module `build` makes on first use, streaming or of whole parts at once. */
export class BlockHasher implements StreamingHash {
  private module: BlockHashModule | undefined;
  private buffer = new Uint8Array(0);
  private digest = new Uint8Array(0);
  private used = 0;
  private total = 0;

  constructor(
    private readonly build: () => BlockHashModule,
    private readonly layout: BlockHashLayout,
  ) {}

  start(): void {
    if (!this.module) {
      this.module = this.build();
      this.buffer = new Uint8Array(this.module.memory.buffer, this.layout.buffer, this.layout.capacity);
      this.digest = new Uint8Array(this.module.memory.buffer, this.layout.digest, this.layout.digestBytes);
    }
    this.module.reset();
    this.used = 0;
    this.total = 0;
  }

  update(source: Uint8Array, from: number, to: number): void {
    const { buffer } = this;
    this.total += to - from;
    while (from < to) {
      const n = Math.min(to - from, buffer.length - this.used);
      // Short pieces (a seed, a key) byte by byte: a view of them would be allocated per piece.
      if (n <= SHORT_PIECE) for (let i = 0; i < n; i++) buffer[this.used + i] = source[from + i]!;
      else buffer.set(from === 0 && n === source.length ? source : source.subarray(from, from + n), this.used);
      this.used += n;
      from += n;
      if (this.used === buffer.length) {
        this.module!.blocks(buffer.length / this.layout.blockBytes);
        this.used = 0;
      }
    }
  }

  finishInto(out: Uint8Array, at: number): void {
    this.module!.finish(this.used, this.total);
    out.set(this.digest, at);
  }

  /** The hash of the concatenation of `parts`. */
  hash(...parts: Uint8Array[]): Uint8Array {
    this.start();
    for (const part of parts) this.update(part, 0, part.length);
    const out = new Uint8Array(this.layout.digestBytes);
    this.finishInto(out, 0);
    return out;
  }
}
