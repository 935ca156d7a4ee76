/**
 * Runs a test's signature checks on the signature worker: the worker's script bundled as the
 * package bundles it (tests run websvm from source, which carries none), started at once.
 */
import { signatureWorkerScript } from '../../scripts/bundle-options.js';
import { signatureWorkerStatus, useSignatureWorkerScript } from '../../src/runtime/signature-worker/index.js';

let script: string | undefined;

/** Starts the worker and waits until it takes jobs. */
export async function startSignatureWorker(): Promise<void> {
  useSignatureWorkerScript((script ??= signatureWorkerScript()), 0);
  while (signatureWorkerStatus().state === 'starting') await new Promise((resolve) => setTimeout(resolve, 5));
  if (signatureWorkerStatus().state !== 'ready') throw new Error(`signature worker: ${signatureWorkerStatus().state}`);
}

/** Stops the worker: signatures are checked on the main thread again. */
export function stopSignatureWorker(): void {
  useSignatureWorkerScript(undefined);
}
