/**
 * The shared memory between the main thread and the signature worker: one job at a time (a
 * transaction's message and the signatures still to check), its result, and the handshake.
 * Both sides read and write it through this module only, so its layout is declared once.
 */

/** Int32 words at the start of the buffer. */
const REQUEST = 0; // sequence number of the latest job written by the main thread
const DONE = 1; // sequence number of the latest job the worker finished
const READY = 2; // 1 once the worker waits for jobs
const RESULT = 3; // the finished job's verdict
const MESSAGE_LENGTH = 4;
const COUNT = 5;
const HEADER_BYTES = 64;

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

  /** Writes `job` (which must fit) and wakes the worker; returns the job's sequence number. */
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
    const sequence = words[REQUEST]! + 1;
    Atomics.store(words, REQUEST, sequence);
    Atomics.notify(words, REQUEST);
    return sequence;
  }

  /** Waits for job `sequence` (at most `timeoutMs`); its verdict, or undefined when the time ran out. */
  verdict(sequence: number, timeoutMs: number): Verdict | undefined {
    const { words } = this;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = Atomics.load(words, DONE);
      if (done === sequence) return words[RESULT] as Verdict;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      Atomics.wait(words, DONE, done, left);
    }
  }

  // --- the worker's side ---

  /** Tells the main thread the worker waits for jobs. */
  announceReady(): void {
    Atomics.store(this.words, READY, 1);
  }

  /** Waits for the job after `finished`; returns its sequence number and contents (views of the shared memory). */
  next(finished: number): { sequence: number; job: SignatureJob } {
    const { bytes, words } = this;
    Atomics.wait(words, REQUEST, finished);
    const sequence = Atomics.load(words, REQUEST);
    const count = words[COUNT]!;
    const job: SignatureJob = {
      message: bytes.subarray(MESSAGE_AT, MESSAGE_AT + words[MESSAGE_LENGTH]!),
      signatures: Array.from({ length: count }, (_, i) => bytes.subarray(SIGNATURES_AT + 64 * i, SIGNATURES_AT + 64 * (i + 1))),
      keys: Array.from({ length: count }, (_, i) => bytes.subarray(KEYS_AT + 32 * i, KEYS_AT + 32 * (i + 1))),
    };
    return { sequence, job };
  }

  /** Publishes job `sequence`'s verdict and wakes the main thread. */
  finish(sequence: number, verdict: Verdict): void {
    const { words } = this;
    words[RESULT] = verdict;
    Atomics.store(words, DONE, sequence);
    Atomics.notify(words, DONE);
  }
}
