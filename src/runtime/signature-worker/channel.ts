/**
 * The shared memory between the main thread and the signature worker: one job at a time (a
 * transaction's message and the signatures still to check), its result, and the handshake.
 * Both sides read and write it through this module only, so its layout is declared once.
 *
 * A job is claimed by whichever side gets to it first: the worker takes it when it wakes, and the
 * main thread takes it back when it needs the verdict before the worker has started (a busy
 * machine that has not scheduled the worker), then checks the signatures itself. So the worker
 * can save the main thread the checks but never make it wait for a thread that is not running.
 */

/** Int32 words at the start of the buffer. */
const JOB = 0; // the latest job's sequence number × 4 + its phase
const DONE = 1; // sequence number of the latest job the worker finished
const READY = 2; // 1 once the worker waits for jobs
const RESULT = 3; // the finished job's verdict
const MESSAGE_LENGTH = 4;
const COUNT = 5;
const ASLEEP = 6; // 1 while the worker sleeps until woken (only then does posting wake it)
const HEADER_BYTES = 64;

/** A job's phase, in JOB's low two bits: posted and waiting, taken by the worker, or taken back by the main thread. */
const POSTED = 1;
const TAKEN = 2;
const TAKEN_BACK = 3;
const SEQUENCE_MASK = 0x1fffffff;
const jobWord = (sequence: number, phase: number) => (sequence << 2) | phase;

/**
 * Waking a sleeping thread costs the waker tens of microseconds here (more in a virtual machine,
 * where the idle core itself must be woken): as much as a check. So the main thread polls for the
 * verdict it is about to need, and the worker, after a job, polls for the next one of a burst (a
 * test sending transactions back to back), then naps (timed waits that cost the main thread
 * nothing: a job posted meanwhile is taken back if the nap outlasts the main thread's patience),
 * and only after a long pause sleeps until a post wakes it.
 */
const MAIN_POLL_MS = 2;
const WORKER_POLL_MS = 0.5;
const WORKER_NAP_MS = 1;
const WORKER_NAPPING_MS = 50;

/** Most signatures one job carries (a transaction has at most 127 signers); most message bytes. */
export const MAX_JOB_SIGNATURES = 128;
export const MAX_JOB_MESSAGE = 64 * 1024;

const SIGNATURES_AT = HEADER_BYTES;
const KEYS_AT = SIGNATURES_AT + MAX_JOB_SIGNATURES * 64;
const MESSAGE_AT = KEYS_AT + MAX_JOB_SIGNATURES * 32;
const BUFFER_BYTES = MESSAGE_AT + MAX_JOB_MESSAGE;

/** A finished job's verdict: every signature holds, one does not, or the worker failed (the caller checks itself). */
export const Verdict = { Invalid: 0, Valid: 1, WorkerFailed: 2 } as const;
export type Verdict = (typeof Verdict)[keyof typeof Verdict];

/** One job: the message and each signature with its signer's key. */
export interface SignatureJob {
  message: Uint8Array;
  signatures: Uint8Array[];
  keys: Uint8Array[];
}

/** Whether `job` fits the channel. */
export function fitsChannel(job: SignatureJob): boolean {
  return job.signatures.length <= MAX_JOB_SIGNATURES && job.message.length <= MAX_JOB_MESSAGE;
}

export class SignatureChannel {
  readonly buffer: SharedArrayBuffer;
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(buffer = new SharedArrayBuffer(BUFFER_BYTES)) {
    this.buffer = buffer;
    this.words = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(buffer);
  }

  // --- the main thread's side ---

  /** Whether the worker has started and waits for jobs. */
  get ready(): boolean {
    return Atomics.load(this.words, READY) === 1;
  }

  /** Writes `job` (which must fit; the previous one settled) and wakes the worker; returns the job's sequence number. */
  post(job: SignatureJob): number {
    const { bytes, words } = this;
    const count = job.signatures.length;
    for (let i = 0; i < count; i++) {
      bytes.set(job.signatures[i]!, SIGNATURES_AT + 64 * i);
      bytes.set(job.keys[i]!, KEYS_AT + 32 * i);
    }
    bytes.set(job.message, MESSAGE_AT);
    words[MESSAGE_LENGTH] = job.message.length;
    words[COUNT] = count;
    const sequence = ((words[JOB]! >>> 2) + 1) & SEQUENCE_MASK;
    Atomics.store(words, JOB, jobWord(sequence, POSTED));
    if (Atomics.load(words, ASLEEP) === 1) Atomics.notify(words, JOB);
    return sequence;
  }

  /**
   * Job `sequence`'s verdict: `'taken back'` when the worker had not started it (the caller checks
   * the signatures itself), else the worker's, waited for (at most `timeoutMs`; undefined when
   * the time ran out).
   */
  verdict(sequence: number, timeoutMs: number): Verdict | 'taken back' | undefined {
    const { words } = this;
    const posted = jobWord(sequence, POSTED);
    if (Atomics.compareExchange(words, JOB, posted, jobWord(sequence, TAKEN_BACK)) === posted) return 'taken back';
    const start = performance.now();
    const deadline = start + timeoutMs;
    for (let now = start; ; now = performance.now()) {
      const done = Atomics.load(words, DONE);
      if (done === sequence) return words[RESULT] as Verdict;
      if (now >= deadline) return undefined;
      if (now - start > MAIN_POLL_MS) Atomics.wait(words, DONE, done, deadline - now);
    }
  }

  // --- the worker's side ---

  /** Tells the main thread the worker waits for jobs. */
  announceReady(): void {
    Atomics.store(this.words, READY, 1);
  }

  /** Waits for a posted job and takes it; returns its sequence number and contents (views of the shared memory). */
  next(): { sequence: number; job: SignatureJob } {
    const { words } = this;
    // Polls, then naps, then sleeps; every wake starts over (a job taken back wakes it too).
    let idleSince = performance.now();
    for (;;) {
      const word = Atomics.load(words, JOB);
      if ((word & 3) === POSTED && Atomics.compareExchange(words, JOB, word, (word & ~3) | TAKEN) === word) return { sequence: word >>> 2, job: this.job() };
      const idle = performance.now() - idleSince;
      if (idle < WORKER_POLL_MS) continue;
      if (idle < WORKER_NAPPING_MS) {
        Atomics.wait(words, JOB, word, WORKER_NAP_MS);
        continue;
      }
      Atomics.store(words, ASLEEP, 1);
      // A post between the store and the wait changes JOB, and the wait returns at once.
      Atomics.wait(words, JOB, word);
      Atomics.store(words, ASLEEP, 0);
      idleSince = performance.now();
    }
  }

  /** The job in the shared memory (views of it). */
  private job(): SignatureJob {
    const { bytes, words } = this;
    const count = words[COUNT]!;
    const job: SignatureJob = {
      message: bytes.subarray(MESSAGE_AT, MESSAGE_AT + words[MESSAGE_LENGTH]!),
      signatures: Array.from({ length: count }, (_, i) => bytes.subarray(SIGNATURES_AT + 64 * i, SIGNATURES_AT + 64 * (i + 1))),
      keys: Array.from({ length: count }, (_, i) => bytes.subarray(KEYS_AT + 32 * i, KEYS_AT + 32 * (i + 1))),
    };
    return job;
  }

  /** Publishes job `sequence`'s verdict and wakes the main thread. */
  finish(sequence: number, verdict: Verdict): void {
    const { words } = this;
    words[RESULT] = verdict;
    Atomics.store(words, DONE, sequence);
    Atomics.notify(words, DONE);
  }
}
