/**
 * A worker thread that verifies a transaction's signatures while the main thread goes on with the
 * stages after sanitize, so on a machine with a free core and cheap cross-core wake-ups a signed
 * transaction costs about what an unsigned one does. Verification is a pure function of
 * signature, message and key, so the verdict is the same on either thread; the transaction
 * processor waits for it before anything is committed or returned.
 *
 * Opt-in (`WEBSVM_SIGNATURE_WORKER=on`): on the 2-core virtual machine the benchmarks run on, a
 * wake-up across cores costs about what a verification does, and the worker gained nothing
 * measurable there (see the README). It runs only on Node, only from a bundle that carries its
 * script (`npm run build` and the as-shipped benchmarks define `WEBSVM_SIGNATURE_WORKER`; run from
 * source, a test may supply the script), and only once a process has verified enough signatures
 * on the main thread for starting it (tens of milliseconds on another core) to pay. Until it
 * reports ready, and whenever it fails, signatures are checked on the main thread.
 */
import { log } from '../../log.js';
import { nodeModule, processEnv } from '../../platform.js';
import { ed25519Module } from '../ed25519/verify.js';
import { fitsChannel, SignatureChannel, Verdict, type SignatureJob } from './channel.js';
import type { SignatureWorkerData } from './worker.js';

export { Verdict, type SignatureJob } from './channel.js';

/** The worker's script, bundled at build time; undefined when running from source. */
declare const WEBSVM_SIGNATURE_WORKER: string | undefined;

interface WorkerThreads {
  Worker: new (
    script: string,
    options: { eval: true; workerData: SignatureWorkerData },
  ) => { unref(): void; terminate(): unknown; on(event: 'error' | 'exit', listener: () => void): void };
}

/** Signatures checked on the main thread before the process starts a worker. */
const MAIN_THREAD_CHECKS_BEFORE_WORKER = 64;
/** How long a job may take before the worker is given up (it never should, even on a loaded machine). */
const JOB_TIMEOUT_MS = 10_000;

let jobsPosted = 0;
let jobsTakenBack = 0;
const env = processEnv();
let script: string | undefined = typeof WEBSVM_SIGNATURE_WORKER === 'string' && env.WEBSVM_SIGNATURE_WORKER === 'on' ? WEBSVM_SIGNATURE_WORKER : undefined;
let mainThreadChecks = 0;
let worker: { channel: SignatureChannel; stop(): void } | undefined;
/** Set when the worker cannot run here or has failed: signatures stay on the main thread. */
let unavailable = false;

/**
 * Sets the worker's script (a test running websvm from source supplies the bundled one), or
 * `undefined` to keep signatures on the main thread; stops a running worker.
 */
export function useSignatureWorkerScript(source: string | undefined, checksBeforeStart = MAIN_THREAD_CHECKS_BEFORE_WORKER): void {
  worker?.stop();
  worker = undefined;
  unavailable = false;
  script = source;
  mainThreadChecks = MAIN_THREAD_CHECKS_BEFORE_WORKER - checksBeforeStart;
  countMainThreadChecks(0);
}

/** Where the worker stands, how many jobs it was given, and how many of those the main thread took back (for tests and diagnostics). */
export function signatureWorkerStatus(): { state: 'not started' | 'starting' | 'ready' | 'unavailable'; jobsPosted: number; jobsTakenBack: number } {
  const state = unavailable ? 'unavailable' : !worker ? 'not started' : worker.channel.ready ? 'ready' : 'starting';
  return { state, jobsPosted, jobsTakenBack };
}

/** Counts signatures checked on the main thread (which starts the worker when enough were). */
export function countMainThreadChecks(n: number): void {
  mainThreadChecks += n;
  if (!worker && !unavailable && mainThreadChecks >= MAIN_THREAD_CHECKS_BEFORE_WORKER) start();
}

function start(): void {
  const threads = nodeModule<WorkerThreads>('node:worker_threads');
  if (!script || !threads || typeof SharedArrayBuffer !== 'function') {
    log.debug(script ? 'no worker threads here: signatures are checked on the main thread' : 'no signature worker script (run from source)');
    unavailable = true;
    return;
  }
  const channel = new SignatureChannel();
  try {
    const thread = new threads.Worker(script, { eval: true, workerData: { buffer: channel.buffer, ed25519: ed25519Module() } });
    thread.unref();
    const started = { channel, stop: () => void thread.terminate() };
    // A worker that failed or ended is given up; one replaced meanwhile is no longer ours.
    const fail = () => {
      if (worker === started) giveUp();
    };
    thread.on('error', fail);
    thread.on('exit', fail);
    worker = started;
    log.debug('signature worker started');
  } catch (e) {
    log.debug({ err: e }, 'signature worker could not start: signatures are checked on the main thread');
    unavailable = true;
  }
}

function giveUp(): void {
  log.debug('signature worker given up: signatures are checked on the main thread');
  worker?.stop();
  worker = undefined;
  unavailable = true;
}

/**
 * Posts `job` to the worker when one is ready and it fits; returns a function giving its verdict
 * (`'taken back'` when the worker had not started it, and `WorkerFailed` when it did not answer:
 * the caller then checks the signatures itself), or undefined when the caller must check them now.
 */
export function postToWorker(job: SignatureJob): (() => Verdict | 'taken back') | undefined {
  const running = worker;
  if (!running?.channel.ready || !fitsChannel(job)) return undefined;
  const sequence = running.channel.post(job);
  jobsPosted++;
  return () => {
    const verdict = running.channel.verdict(sequence, JOB_TIMEOUT_MS);
    if (verdict === 'taken back') jobsTakenBack++;
    if (verdict === undefined) giveUp();
    return verdict ?? Verdict.WorkerFailed;
  };
}
