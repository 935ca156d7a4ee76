/** A bincode reader for builtin instruction data and account state (trailing bytes allowed). */
import { encodeAddress } from '../accounts.js';
import { fail, type InstructionErrorName } from '../errors.js';

/** `limited_deserialize` reads at most a packet's worth of bytes. */
const PACKET_LIMIT = 1232;

export interface BincodeReaderOptions {
  /** The error any malformed input fails with (InvalidInstructionData by default). */
  error?: InstructionErrorName;
  /** Most bytes read (a packet by default); unread trailing bytes do not count. */
  limit?: number;
}

export class BincodeReader {
  private at = 0;
  private readonly view: DataView;
  private readonly error: InstructionErrorName;
  private readonly end: number;

  constructor(
    private readonly bytes_: Uint8Array,
    options: BincodeReaderOptions = {},
  ) {
    this.error = options.error ?? 'InvalidInstructionData';
    this.end = Math.min(bytes_.length, options.limit ?? PACKET_LIMIT);
    this.view = new DataView(bytes_.buffer, bytes_.byteOffset, bytes_.byteLength);
  }

  private need(n: number): void {
    if (this.at + n > this.end) fail(this.error);
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.end - this.at;
  }

  u8(): number {
    this.need(1);
    return this.bytes_[this.at++];
  }

  u16(): number {
    this.need(2);
    this.at += 2;
    return this.view.getUint16(this.at - 2, true);
  }

  u32(): number {
    this.need(4);
    this.at += 4;
    return this.view.getUint32(this.at - 4, true);
  }

  u64(): bigint {
    this.need(8);
    this.at += 8;
    return this.view.getBigUint64(this.at - 8, true);
  }

  i64(): bigint {
    this.need(8);
    this.at += 8;
    return this.view.getBigInt64(this.at - 8, true);
  }

  /** A bool: 0 or 1, anything else is malformed. */
  bool(): boolean {
    const b = this.u8();
    if (b > 1) fail(this.error);
    return b === 1;
  }

  /** An `Option` tag: whether a value follows. */
  option(): boolean {
    return this.bool();
  }

  /** A u64 collection length whose `elementBytes`-sized elements must fit in what is left. */
  length(elementBytes: number): number {
    const n = this.u64();
    if (n * BigInt(elementBytes) > BigInt(this.remaining)) fail(this.error);
    return Number(n);
  }

  pubkey(): string {
    this.need(32);
    this.at += 32;
    return encodeAddress(this.bytes_.subarray(this.at - 32, this.at));
  }

  /** `n` raw bytes. */
  bytes(n: number): Uint8Array {
    this.need(n);
    this.at += n;
    return this.bytes_.subarray(this.at - n, this.at);
  }

  /** A u64-length-prefixed UTF-8 string. */
  string(): string {
    const raw = this.bytes(this.length(1));
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      fail(this.error);
    }
  }
}
