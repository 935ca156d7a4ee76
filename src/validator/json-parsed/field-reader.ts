/**
 * Little-endian field reading over account or instruction bytes, for the jsonParsed parsers: the
 * codec layer's reader with the pod, `COption` and borsh forms the token programs use. Running
 * past the end, or a malformed value, throws {@link NotParsable}.
 */
import { encodeAddress } from '../../runtime/accounts.js';
import { ByteReader, U32_LENGTH, type MalformedHandler } from '../../runtime/codec.js';
import { bytesToBase64 } from '../../platform.js';
import { NotParsable } from './instruction-parser.js';

const notParsable: MalformedHandler = (_why, detail) => {
  throw new NotParsable(detail);
};

export class FieldReader extends ByteReader {
  /** `at`: where the fields start. */
  constructor(data: Uint8Array, at = 0) {
    super(data, notParsable);
    this.at = at;
  }
  /** A pod bool (`PodBool`): any non-zero byte is true. */
  podBool = () => this.u8() !== 0;
  /** `n` bytes of a pod key or ciphertext, which display as base64. */
  base64 = (n: number) => bytesToBase64(this.bytes(n));
  /** `OptionalNonZeroPubkey`: 32 bytes, all zero for none. */
  nonZeroPubkey = (): string | null => {
    const raw = this.bytes(32);
    return raw.some((b) => b !== 0) ? encodeAddress(raw) : null;
  };
  /** `OptionalNonZeroElGamalPubkey`: 32 bytes, all zero for none, else base64. */
  nonZeroElGamal = (): string | null => {
    const raw = this.bytes(32);
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
  borshString = () => this.string(U32_LENGTH);
  /** The bytes not read yet (still unread after this). */
  rest = (): Uint8Array => {
    const at = this.at;
    const rest = this.bytes(this.remaining);
    this.at = at;
    return rest;
  };
  /** `value`, once every byte has been read (pod and borsh forms leave nothing over). */
  finish = <T>(value: T): T => {
    if (this.remaining !== 0) throw new NotParsable('data of the wrong length');
    return value;
  };
}
