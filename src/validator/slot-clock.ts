/**
 * How a validator's slots advance: with time (a block ends every `ms` milliseconds, and at once
 * after a batch of transactions so that it confirms in milliseconds), only after each batch of
 * transactions, or only when asked (`advanceSlots`, for tests that count slots). The clock can be
 * paused (`surfnet_pauseClock`): then slots advance only when asked, whatever the mode.
 */
import { WebsvmError } from '../errors.js';
import type { Ledger } from './ledger.js';

/** A slot time in milliseconds, `'transaction'` or `'manual'`. */
export type SlotTime = number | 'transaction' | 'manual';

/** solana-test-validator's slot time (`DEFAULT_MS_PER_SLOT`). */
export const DEFAULT_SLOT_TIME_MS = 400;

/** Drives a ledger's slots as its mode says, until paused or stopped. */
export class SlotClock {
  private timer: ReturnType<typeof setInterval> | undefined;
  private paused = false;

  constructor(
    private readonly ledger: Ledger,
    /** The mode slots advance in while the clock runs. */
    readonly mode: SlotTime,
  ) {
    if (typeof mode === 'number' ? !(Number.isInteger(mode) && mode > 0) : mode !== 'transaction' && mode !== 'manual') {
      throw new WebsvmError('InvalidArgument', `slotTime must be a positive whole number of milliseconds, 'transaction' or 'manual', got ${String(mode)}`);
    }
    this.run();
  }

  /** The milliseconds a slot lasts (what time travel by slots counts with): the mode's, or the default one. */
  get slotTimeMs(): number {
    return typeof this.mode === 'number' ? this.mode : DEFAULT_SLOT_TIME_MS;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Stops slots advancing by themselves (after transactions too) until {@link resume}. */
  pause(): void {
    this.paused = true;
    this.stop();
    this.ledger.endBlocksAfterTransactions = false;
  }

  /** Lets slots advance again as the mode says. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.run();
  }

  /** Stops the timer for good (the validator closes). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private run(): void {
    const mode = this.mode;
    this.ledger.endBlocksAfterTransactions = mode !== 'manual';
    if (typeof mode !== 'number') return;
    this.timer = setInterval(() => this.ledger.endBlock(), mode);
    this.timer.unref();
  }
}
