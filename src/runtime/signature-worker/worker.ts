/**
 * The signature worker's entry (bundled on its own into a script the main thread starts with
 * `eval`): it verifies each job the main thread posts with the same verifier the main thread
 * would use, on the main thread's compiled module, and reports one verdict per job.
 */
import { workerData } from 'node:worker_threads';
import { Verifier, type Ed25519Module } from '../ed25519/verify.js';
import { SignatureChannel, Verdict, type SignatureJob } from './channel.js';

/** What the main thread hands the worker. */
export interface SignatureWorkerData {
  buffer: SharedArrayBuffer;
  ed25519: Ed25519Module;
}

const { buffer, ed25519 } = workerData as SignatureWorkerData;
const channel = new SignatureChannel(buffer);
const verifier = new Verifier(ed25519);

function check({ message, signatures, keys }: SignatureJob): Verdict {
  try {
    for (let i = 0; i < signatures.length; i++) if (!verifier.verify(signatures[i]!, message, keys[i]!)) return Verdict.Invalid;
    return Verdict.Valid;
  } catch {
    return Verdict.WorkerFailed;
  }
}

channel.announceReady();
for (;;) {
  const { sequence, job } = channel.next();
  channel.finish(sequence, check(job));
}
