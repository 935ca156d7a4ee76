/**
 * The esbuild options every bundle of websvm shares — the published package (scripts/build.ts)
 * and the benchmarks that run websvm as users get it (bench/programs.bench.ts): the fixed
 * WebAssembly modules emitted at build time (src/crypto/fixed-modules.ts; their emitters are
 * left out), whitespace and syntax
 * minified (names kept, for stack traces and error class names; `READABLE=1` skips it, for
 * profiling), and the dependencies that stay external because they load lazily or every user
 * already has them.
 */
import type { BuildOptions } from 'esbuild';
import { FIXED_MODULES } from '../src/crypto/fixed-module-list.js';
import { bundledForm, type EmittedModule } from '../src/crypto/fixed-modules.js';

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

let emitted: Record<string, EmittedModule<unknown>> | undefined;

/** Every fixed module, emitted (once per build). */
export function emittedFixedModules(): Readonly<Record<string, EmittedModule<unknown>>> {
  return (emitted ??= Object.fromEntries(Object.entries(FIXED_MODULES).map(([name, emit]) => [name, emit()])));
}

export function packageBundleOptions(): BuildOptions {
  const fixedModules = Object.fromEntries(Object.entries(emittedFixedModules()).map(([name, module]) => [name, bundledForm(module)]));
  return {
    bundle: true,
    define: { WEBSVM_FIXED_MODULES: JSON.stringify(fixedModules), WEBSVM_CARRIES_FIXED_MODULES: 'true' },
    sourcemap: true,
    logLevel: 'warning',
    minifyWhitespace: !process.env.READABLE,
    minifySyntax: !process.env.READABLE,
  };
}
