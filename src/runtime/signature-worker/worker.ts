/**
 * The signature worker's entry (bundled on its own into a script the main thread starts with
 * `eval`): it verifies each job the main thread posts with the same verifier the main thread
 * would use, on the main thread's compiled module, and reports one verdict per job.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { workerData } from 'node:worker_threads';
import { Verifier, type Ed25519Module } from '../ed25519/verify.js';
import { SignatureChannel, Verdict, type SignatureJob } from './channel.js';

/** What the main thread hands the worker. */
export interface SignatureWorkerData {
  buffer: SharedArrayBuffer;
  ed25519: Ed25519Module;
}

/** Verifications of one signature the worker runs before it takes jobs, and that message's size (a typical transaction's). */
const WARM_UP_VERIFICATIONS = 400;
const WARM_UP_MESSAGE_BYTES = 300;

const { buffer, ed25519 } = workerData as SignatureWorkerData;
const channel = new SignatureChannel(buffer);
const verifier = new Verifier(ed25519);
warmUp();

/**
 * Before taking jobs (the main thread goes on without the worker until it is ready): B's comb
 * table, and a few hundred verifications, so V8 has optimized the verifier's JavaScript before the
 * first real signature waits on it — cold, a verification here takes several times as long.
 */
function warmUp(): void {
  verifier.buildBaseTable();
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const key = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(-32));
  const message = new Uint8Array(WARM_UP_MESSAGE_BYTES);
  const signature = new Uint8Array(sign(null, message, privateKey));
  for (let i = 0; i < WARM_UP_VERIFICATIONS; i++) verifier.verify(signature, message, key);
}

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
