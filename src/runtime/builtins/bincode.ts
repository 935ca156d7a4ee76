/** A bincode reader for builtin instruction data (`limited_deserialize`: trailing bytes allowed). */
import { encodeAddress } from '../accounts.js';
import { fail } from '../errors.js';

/** Instruction data longer than a packet is rejected before decoding. */
const LIMIT = 1232;

export class BincodeReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes_: Uint8Array) {
    if (bytes_.length > LIMIT) fail('InvalidInstructionData');
    this.view = new DataView(bytes_.buffer, bytes_.byteOffset, bytes_.byteLength);
  }

  private need(n: number): void {
    if (this.at + n > this.bytes_.length) fail('InvalidInstructionData');
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
    const len = this.u64();
    if (len > BigInt(this.bytes_.length)) fail('InvalidInstructionData');
    this.need(Number(len));
    const raw = this.bytes_.subarray(this.at, this.at + Number(len));
    this.at += Number(len);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      fail('InvalidInstructionData');
    }
  }
}
