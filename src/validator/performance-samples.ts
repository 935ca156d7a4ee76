/** `getRecentPerformanceSamples`: what each minute saw (slots, transactions), as Agave's sampler records it. */
import type { Ledger } from './ledger.js';

/** Agave's `SAMPLE_INTERVAL`: one sample a minute. */
export const SAMPLE_INTERVAL_MS = 60_000;
/** Agave's `PERFORMANCE_SAMPLES_LIMIT`: the samples kept (twelve hours). */
export const PERFORMANCE_SAMPLES_LIMIT = 720;

/** `RpcPerfSample`. */
export interface PerformanceSample {
  slot: bigint;
  numTransactions: bigint;
  /** No vote transactions are made here: the same count. */
  numNonVoteTransactions: bigint;
  numSlots: bigint;
  samplePeriodSecs: number;
}

export class PerformanceSamples {
  /** Newest first. */
  private readonly samples: PerformanceSample[] = [];
  private last: { slot: bigint; transactions: bigint; at: number };

  constructor(
    private readonly ledger: Ledger,
    private readonly now: () => number = Date.now,
  ) {
    this.last = { slot: ledger.slot, transactions: ledger.transactionCount, at: now() };
  }

  /** Records the slots and transactions since the previous sample. */
  take(): void {
    const next = { slot: this.ledger.slot, transactions: this.ledger.transactionCount, at: this.now() };
    const transactions = next.transactions - this.last.transactions;
    this.samples.unshift({
      slot: next.slot,
      numTransactions: transactions,
      numNonVoteTransactions: transactions,
      numSlots: next.slot - this.last.slot,
      samplePeriodSecs: Math.round((next.at - this.last.at) / 1000),
    });
    if (this.samples.length > PERFORMANCE_SAMPLES_LIMIT) this.samples.pop();
    this.last = next;
  }

  /** The newest `limit` samples, newest first. */
  recent(limit: number): PerformanceSample[] {
    return this.samples.slice(0, limit);
  }
}
