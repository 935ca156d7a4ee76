/**
 * The esbuild options every bundle of websvm shares — the published package (scripts/build.ts)
 * and the benchmarks that run websvm as users get it (bench/programs.bench.ts): the fixed
 * WebAssembly modules emitted at build time (src/crypto/fixed-modules.ts), whitespace and syntax
 * minified (names kept, for stack traces and error class names; `READABLE=1` skips it, for
 * profiling), the signature worker's script, and the dependencies that stay external because they load lazily or every user
 * already has them.
 */
import { buildSync, type BuildOptions } from 'esbuild';
import { fileURLToPath } from 'node:url';
import { FIXED_MODULES } from '../src/crypto/fixed-module-list.js';
import { bundledForm } from '../src/crypto/fixed-modules.js';

/** @solana/kit (which every user loads anyway), @solana/web3.js (websvm/anchor's, shared with Anchor), pino, ws (the validator's) and @noble (loaded on first use, see src/crypto/noble-modules.ts). */
export const LOADED_LAZILY_OR_SHARED = [
  'node:*',
  '@solana/kit',
  '@solana/web3.js',
  'pino',
  'ws',
  '@vscode/debugadapter',
  '@noble/curves',
  '@noble/curves/*',
  '@noble/hashes/sha2.js',
  '@noble/hashes/blake3.js',
];

export function packageBundleOptions(): BuildOptions {
  const fixedModules = Object.fromEntries(Object.entries(FIXED_MODULES).map(([name, emit]) => [name, bundledForm(emit())]));
  return {
    bundle: true,
    define: {
      WEBSVM_FIXED_MODULES: JSON.stringify(JSON.stringify(fixedModules)),
      WEBSVM_SIGNATURE_WORKER: JSON.stringify(signatureWorkerScript()),
    },
    sourcemap: true,
    logLevel: 'warning',
    minifyWhitespace: !process.env.READABLE,
    minifySyntax: !process.env.READABLE,
  };
}

/**
 * The signature worker (src/runtime/signature-worker/worker.ts) as one CommonJS script, which the
 * bundles carry as text and start with `eval` (so no bundle needs a second file beside it).
 */
export function signatureWorkerScript(): string {
  const { outputFiles } = buildSync({
    entryPoints: [fileURLToPath(new URL('../src/runtime/signature-worker/worker.ts', import.meta.url))],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    logLevel: 'warning',
    minifyWhitespace: !process.env.READABLE,
    minifySyntax: !process.env.READABLE,
    // A script run by `eval` has no file: only the @noble fallback for a Node without one-shot
    // hashing resolves from it, and no such Node runs the worker (it needs process.getBuiltinModule).
    define: { 'import.meta.url': JSON.stringify('file:///') },
  });
  return outputFiles[0]!.text;
}
