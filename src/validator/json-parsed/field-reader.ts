/**
 * Little-endian field reading over account or instruction bytes, for the jsonParsed parsers: the
 * pod, `COption` and borsh forms the token programs use. Running past the end, or a malformed
 * value, throws {@link NotParsable}.
 */
import { encodeAddress } from '../../runtime/accounts.js';
import { bytesToBase64 } from '../../platform.js';
import { NotParsable } from './instruction-parser.js';

export class FieldReader {
  /** `at`: where the fields start. */
  constructor(
    private readonly data: Uint8Array,
    private at = 0,
  ) {}
  private take(n: number): Uint8Array {
    if (this.at + n > this.data.length) throw new NotParsable('data too short');
    this.at += n;
    return this.data.subarray(this.at - n, this.at);
  }
  private view(n: number): DataView {
    const b = this.take(n);
    return new DataView(b.buffer, b.byteOffset, n);
  }
  u8 = () => this.take(1)[0];
  u16 = () => this.view(2).getUint16(0, true);
  i16 = () => this.view(2).getInt16(0, true);
  u32 = () => this.view(4).getUint32(0, true);
  u64 = () => this.view(8).getBigUint64(0, true);
  i64 = () => this.view(8).getBigInt64(0, true);
  f64 = () => this.view(8).getFloat64(0, true);
  pubkey = () => encodeAddress(this.take(32));
  /** A pod bool (`PodBool`): any non-zero byte is true. */
  podBool = () => this.u8() !== 0;
  /** A borsh bool: 0 or 1. */
  bool = () => {
    const b = this.u8();
    if (b > 1) throw new NotParsable('bad bool');
    return b === 1;
  };
  /** `n` bytes of a pod key or ciphertext, which display as base64. */
  base64 = (n: number) => bytesToBase64(this.take(n));
  /** `OptionalNonZeroPubkey`: 32 bytes, all zero for none. */
  nonZeroPubkey = (): string | null => {
    const raw = this.take(32);
    return raw.some((b) => b !== 0) ? encodeAddress(raw) : null;
  };
  /** `OptionalNonZeroElGamalPubkey`: 32 bytes, all zero for none, else base64. */
  nonZeroElGamal = (): string | null => {
    const raw = this.take(32);
    return raw.some((b) => b !== 0) ? bytesToBase64(raw) : null;
  };
  /** `COption<Pubkey>` as the token instructions pack it: tag 0 none, tag 1 and a key. */
  optionalPubkey = (): string | null => {
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 1) return this.pubkey();
    throw new NotParsable('bad COption tag');
  };
  /** A borsh `Option<u64>`. */
  optionalU64 = () => (this.bool() ? this.u64() : undefined);
  /** A borsh string: u32 length, UTF-8. */
  string = () => {
    const bytes = this.take(this.u32());
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new NotParsable('string is not UTF-8');
    }
  };
  /** The bytes not read yet. */
  rest = () => this.data.subarray(this.at);
  /** `value`, once every byte has been read (pod and borsh forms leave nothing over). */
  end = <T>(value: T): T => {
    if (this.at !== this.data.length) throw new NotParsable('data of the wrong length');
    return value;
  };
}
