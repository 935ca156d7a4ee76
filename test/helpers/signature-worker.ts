/**
 * Runs a test's signature checks on the signature worker: the worker's script bundled as the
 * package bundles it (tests run websvm from source, which carries none), started at once.
 */
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { signatureWorkerScript } from '../../scripts/bundle-options.js';
import { signatureWorkerStatus, useSignatureWorkerScript } from '../../src/runtime/signature-worker/index.js';

let script: string | undefined;

/**
 * Starts the worker and waits until it takes jobs; `stalled` starts one that says it is ready and
 * then never takes a job (as on a machine too busy to schedule it).
 */
export async function startSignatureWorker({ stalled = false } = {}): Promise<void> {
  useSignatureWorkerScript(stalled ? stalledWorkerScript() : (script ??= signatureWorkerScript()), 0);
  while (signatureWorkerStatus().state === 'starting') await new Promise((resolve) => setTimeout(resolve, 5));
  if (signatureWorkerStatus().state !== 'ready') throw new Error(`signature worker: ${signatureWorkerStatus().state}`);
}

function stalledWorkerScript(): string {
  const { outputFiles } = buildSync({
    stdin: {
      contents: `import { workerData } from 'node:worker_threads';
import { SignatureChannel } from './channel.ts';
new SignatureChannel(workerData.buffer).announceReady();
setInterval(() => undefined, 1 << 30);`,
      resolveDir: fileURLToPath(new URL('../../src/runtime/signature-worker/', import.meta.url)),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
  });
  return outputFiles[0]!.text;
}

/** Stops the worker: signatures are checked on the main thread again. */
export function stopSignatureWorker(): void {
  useSignatureWorkerScript(undefined);
}
