/** The bincode reader of builtin instruction data and account state (trailing bytes allowed). */
import { ByteReader } from '../codec.js';
import { fail, type InstructionErrorName } from '../errors.js';
import { PACKET_DATA_SIZE } from '../message.js';

/** `limited_deserialize` reads at most a packet's worth of bytes; the rest is ignored. */
export const LIMITED_DESERIALIZE_BYTES = PACKET_DATA_SIZE;

export interface BincodeReaderOptions {
  /** The error any malformed input fails with (InvalidInstructionData by default). */
  error?: InstructionErrorName;
  /** Most bytes read (a packet by default); unread trailing bytes do not count. */
  limit?: number;
}

/** A {@link ByteReader} whose malformed input fails the instruction with one error. */
export class BincodeReader extends ByteReader {
  constructor(bytes: Uint8Array, options: BincodeReaderOptions = {}) {
    const error = options.error ?? 'InvalidInstructionData';
    super(bytes, () => fail(error), options.limit ?? LIMITED_DESERIALIZE_BYTES);
  }
}
