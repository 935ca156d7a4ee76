/** Agave's `LogCollector`: program log lines with a byte limit, after which one `Log truncated` is kept. */
export class LogCollector {
  readonly messages: string[] = [];
  private bytes = 0;
  private truncated = false;

  /** `limit`: bytes of messages kept (default 10 000, Agave's `LOG_MESSAGES_BYTES_LIMIT`); undefined = unlimited. */
  constructor(private readonly limit: number | undefined = 10_000) {}

  log(message: string): void {
    if (this.limit !== undefined && this.bytes + message.length >= this.limit) {
      if (!this.truncated) {
        this.truncated = true;
        this.messages.push('Log truncated');
      }
      return;
    }
    this.bytes += message.length;
    this.messages.push(message);
  }
}
