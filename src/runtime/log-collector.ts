/** Agave's `LogCollector`: program log lines with a byte limit, after which one `Log truncated` is kept. */

/** Agave's `LOG_MESSAGES_BYTES_LIMIT`: the default limit on a transaction's log bytes. */
export const LOG_MESSAGES_BYTES_LIMIT = 10_000;

/**
 * The length of `text` in UTF-8 bytes, as Rust's `str::len` counts it. Log lines come from valid
 * UTF-8 (sol_log_ refuses anything else), so a surrogate pair is one 4-byte character; a lone
 * surrogate is counted as the 3 bytes of its replacement character.
 */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 2; // two UTF-16 units, four bytes
      i++;
    } else bytes += 2;
  }
  return bytes;
}

export class LogCollector {
  readonly messages: string[] = [];
  private bytes = 0;
  private truncated = false;

  /** `limit`: UTF-8 bytes of messages kept (the runtime's default is {@link LOG_MESSAGES_BYTES_LIMIT}); undefined = unlimited. */
  constructor(private readonly limit: number | undefined) {}

  /**
   * Keeps `message` unless it would bring the bytes kept to the limit or past it; the first
   * message refused is replaced by `Log truncated`, later ones are dropped (as Agave does).
   * `bytes`: its size in UTF-8 when the caller knows it (an ASCII line's length; a guest's text of
   * known length), since counting would first copy a freshly built line into one flat string and
   * walk it.
   */
  log(message: string, bytes?: number): void {
    if (this.limit === undefined) {
      this.messages.push(message);
      return;
    }
    const total = this.bytes + (bytes ?? utf8Length(message));
    if (total >= this.limit) {
      if (!this.truncated) {
        this.truncated = true;
        this.messages.push('Log truncated');
      }
      return;
    }
    this.bytes = total;
    this.messages.push(message);
  }
}
