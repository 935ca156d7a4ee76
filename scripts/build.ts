/**
 * `npm run build`: the published package. One ESM bundle (`dist/index.js`, and the CLI and the
 * Node-only `websvm/validator` entry sharing its chunk; `ws` stays external) so that
 * `import 'websvm'` reads one file instead of a hundred; the `websvm/anchor` entry is in that build too, and `websvm/vitest` with its setup files (vitest stays external); a CommonJS bundle with its own declaration tree under `dist/cjs/` (a nested package.json marks it CommonJS) for `require`;
 * a browser ESM bundle under `dist/browser/`;
 * declarations from tsc. The options all bundles share are in ./bundle-options.ts; the small
 * dependencies (bs58, borsh, @noble/hashes' utilities) are bundled, since resolving and compiling
 * each as its own module costs more at import than parsing its code inside ours, and minifying
 * whitespace and syntax makes V8 parse it measurably faster.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { LOADED_LAZILY_OR_SHARED, packageBundleOptions } from './bundle-options.js';

const dist = 'dist';
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });

const common: BuildOptions = { ...packageBundleOptions(), platform: 'neutral' };
await build({
  ...common,
  external: [...LOADED_LAZILY_OR_SHARED, 'vitest', 'vitest/*'],
  mainFields: ['module', 'main'],
  entryPoints: [
    'src/index.ts',
    'src/cli/main.ts',
    'src/validator/index.ts',
    'src/anchor/index.ts',
    'src/vitest/index.ts',
    'src/vitest/setup.ts',
    'src/vitest/global-setup.ts',
  ],
  outdir: dist,
  outbase: 'src',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// Browsers: the same ESM, with the modules package.json's "browser" field swaps (curves bundled up
// front, since a browser cannot load them synchronously on first use).
await build({
  ...common,
  packages: 'external',
  entryPoints: ['src/index.ts'],
  outfile: join(dist, 'browser', 'index.js'),
  format: 'esm',
  platform: 'browser',
});
// CommonJS has no import.meta: the bundle computes the URL of its own file once. Dependencies
// with CommonJS builds stay external; ESM-only ones (@noble, bs58's default export) are bundled
// in their ESM form, which `require` could not load on every Node 20.
await build({
  ...common,
  external: ['@solana/kit', 'pino', 'borsh'],
  entryPoints: ['src/index.ts'],
  outfile: join(dist, 'cjs', 'index.js'),
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': '__websvmModuleUrl' },
  banner: { js: "const __websvmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
});
/**
 * Makes the modules at `sources` (paths under src/) come from the CommonJS core bundle beside the
 * entry's (`dist/cjs/index.js`, the file `require('websvm')` loads) instead of a copy of their own:
 * a CommonJS script then shares one SVM class and one error family between the entries.
 */
function coreFromPackage(sources: string[]): Plugin {
  const shared = new Set(sources.map((s) => resolve(s)));
  return {
    name: 'core-from-package',
    setup(b) {
      b.onResolve({ filter: /^\./ }, (args) => {
        const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
        return shared.has(source) ? { path: '../index.js', external: true } : undefined;
      });
    },
  };
}
// `websvm/anchor` for `require`: its own small bundle taking the core (and its errors) from the
// CommonJS core bundle.
await build({
  ...common,
  external: ['node:*', '@solana/web3.js', '@solana/kit'],
  entryPoints: ['src/anchor/index.ts'],
  outfile: join(dist, 'cjs', 'anchor', 'index.js'),
  format: 'cjs',
  plugins: [coreFromPackage(['src/index.ts', 'src/errors.ts'])],
});
// `websvm/validator` for `require`: the SVM it serves and the errors it throws are the core
// bundle's (an `svm` made with `require('websvm')` is one it takes); the runtime helpers it reads
// chain state with are bundled in.
await build({
  ...common,
  external: [...LOADED_LAZILY_OR_SHARED],
  entryPoints: ['src/validator/index.ts'],
  outfile: join(dist, 'cjs', 'validator', 'index.js'),
  format: 'cjs',
  define: { ...common.define, 'import.meta.url': '__websvmModuleUrl' },
  banner: { js: "const __websvmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [coreFromPackage(['src/errors.ts', 'src/api/svm.ts'])],
});

// The same declarations, read as CommonJS inside dist/cjs/.
const cjs = join(dist, 'cjs');
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.d.ts') || entry.startsWith('cjs')) continue;
  mkdirSync(join(cjs, entry, '..'), { recursive: true });
  cpSync(join(dist, entry), join(cjs, entry));
}
writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
