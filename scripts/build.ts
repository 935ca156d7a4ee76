/**
 * `npm run build`: the published package.
 * - The core: one CommonJS bundle of `src/index.ts` (`dist/cjs/core.js`) that both `require('websvm')`
 *   (`dist/cjs/index.js`) and `import 'websvm'` (`dist/index.js`, which re-exports its names) load,
 *   so ES modules and CommonJS share one SVM class and one error family, through src/package/code-cache.ts:
 *   V8's code cache of it, kept beside the project's other caches, spares a process most of
 *   parsing and compiling it (Node 20 has no compile cache of its own).
 * - `websvm/validator`, `websvm/anchor` and `websvm/vitest` (ES modules and, but for vitest,
 *   CommonJS): bundles of their own that take the core's classes from the package root.
 * - The `websvm` command: an ES module bundle with its chunks (a process of its own; Node 22.1+
 *   caches its compiled code).
 * - A browser ES module bundle under `dist/browser/`; declarations from tsc, also under `dist/cjs/`.
 * The options all bundles share are in ./bundle-options.ts; the small dependencies (bs58, borsh,
 * @noble/hashes' utilities) are bundled, since resolving and compiling each as its own module costs
 * more at import than parsing its code inside ours, and minifying whitespace and syntax makes V8
 * parse it measurably faster.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildOptions, type Plugin } from 'esbuild';
import { emittedFixedModules, LOADED_LAZILY_OR_SHARED, packageBundleOptions } from './bundle-options.js';
import { fileForm } from '../src/crypto/fixed-modules.js';

const dist = 'dist';
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--emitDeclarationOnly'], { stdio: 'inherit' });

const common: BuildOptions = { ...packageBundleOptions(), platform: 'neutral' };
await build({
  ...common,
  external: [...LOADED_LAZILY_OR_SHARED],
  mainFields: ['module', 'main'],
  entryPoints: ['src/cli/main.ts'],
  outdir: dist,
  outbase: 'src',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
});
// Browsers: the same ESM, with the modules package.json's "browser" field swaps (curves bundled up
// front, since a browser cannot load them synchronously on first use).
const browser = await build({
  ...common,
  packages: 'external',
  entryPoints: ['src/index.ts'],
  outfile: join(dist, 'browser', 'index.js'),
  format: 'esm',
  platform: 'browser',
  metafile: true,
});
/** The names `src/index.ts` exports (its browser bundle's: the same module). */
const coreExports = Object.values(browser.metafile.outputs).find((o) => o.entryPoint === 'src/index.ts')!.exports;
/** CommonJS has no import.meta: a CommonJS bundle computes the URL of its own file once. */
const commonJsModuleUrl: BuildOptions = {
  define: { ...common.define, 'import.meta.url': '__websvmModuleUrl' },
  banner: { js: "const __websvmModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
};
/** What each Node entry takes from the core (the package root) instead of bundling its own copy, in either flavour. */
const SHARED_WITH_CORE = {
  anchor: ['src/index.ts', 'src/errors.ts'],
  validator: ['src/errors.ts', 'src/api/svm.ts'],
  vitest: ['src/index.ts'],
};
// The core, which both roots load. Its externals are the ES module bundles' (the small dependencies are bundled, in
// their ES module form where they have one). Its fixed modules' bytes lie in a file beside it, read on first use.
const FIXED_MODULE_FILE = 'fixed-modules.bin';
const fixedModuleFile = fileForm(emittedFixedModules());
mkdirSync(join(dist, 'cjs'), { recursive: true });
writeFileSync(join(dist, 'cjs', FIXED_MODULE_FILE), fixedModuleFile.file);
await build({
  ...common,
  external: [...LOADED_LAZILY_OR_SHARED],
  mainFields: ['module', 'main'],
  entryPoints: ['src/index.ts'],
  outfile: join(dist, 'cjs', 'core.js'),
  format: 'cjs',
  define: {
    ...commonJsModuleUrl.define,
    WEBSVM_FIXED_MODULES: JSON.stringify(fixedModuleFile.carried),
    WEBSVM_FIXED_MODULE_FILE: '__websvmFixedModuleFile',
  },
  banner: {
    js:
      commonJsModuleUrl.banner!.js +
      `\nconst __websvmFixedModuleFile = () => require('node:fs').readFileSync(require('node:path').join(__dirname, ${JSON.stringify(FIXED_MODULE_FILE)}));`,
  },
});
// The two roots load the core through src/package/code-cache.ts, told the core's hash (the cache's key) now.
await build({ ...common, platform: 'node', entryPoints: ['src/package/code-cache.ts'], outfile: join(dist, 'cjs', 'code-cache.js'), format: 'cjs' });
const coreBytes = readFileSync(join(dist, 'cjs', 'core.js'));
// The loader reads the core as latin1, which is UTF-8 only for ASCII (esbuild's default output).
if (coreBytes.some((b) => b > 0x7f)) throw new Error('dist/cjs/core.js is not ASCII: src/package/code-cache.ts reads it as latin1');
const coreHash = createHash('sha256').update(coreBytes).digest('hex');
writeFileSync(
  join(dist, 'cjs', 'index.js'),
  `"use strict";\n// require('websvm'): the core bundle, loaded with V8's code cache (src/package/code-cache.ts).\n` +
    `module.exports = require("./code-cache.js").loadWithCodeCache(require("node:path").join(__dirname, "core.js"), ${JSON.stringify(coreHash)});\n`,
);
writeFileSync(
  join(dist, 'index.js'),
  `// import 'websvm': the core require('websvm') loads, the same instance.\nimport { createRequire } from "node:module";\n` +
    `const core = createRequire(import.meta.url)("./cjs/index.js");\nexport const { ${coreExports.join(', ')} } = core;\n`,
);
/**
 * Makes the modules at `sources` (paths under src/) come from the package root of the entry's
 * flavour (`../index.js` from the entry's file: what `import 'websvm'` or `require('websvm')`
 * loads) instead of a copy of their own: a script then shares one SVM class and one error family
 * between the entries.
 */
function coreFromPackage(sources: readonly string[]): Plugin {
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
// The ES module entries: bundles of their own, taking the core's classes from the root.
for (const [entry, shared] of [
  ['src/anchor/index.ts', SHARED_WITH_CORE.anchor],
  ['src/validator/index.ts', SHARED_WITH_CORE.validator],
  ['src/vitest/index.ts', []],
  ['src/vitest/setup.ts', SHARED_WITH_CORE.vitest],
  ['src/vitest/global-setup.ts', SHARED_WITH_CORE.vitest],
] as const) {
  await build({
    ...common,
    external: [...LOADED_LAZILY_OR_SHARED, 'vitest', 'vitest/*'],
    mainFields: ['module', 'main'],
    entryPoints: [entry],
    outfile: join(dist, entry.slice('src/'.length).replace(/\.ts$/, '.js')),
    format: 'esm',
    plugins: [coreFromPackage(shared)],
  });
}
// `websvm/anchor` for `require`: its own small bundle taking the core (and its errors) from the
// CommonJS core bundle.
await build({
  ...common,
  external: ['node:*', '@solana/web3.js', '@solana/kit'],
  entryPoints: ['src/anchor/index.ts'],
  outfile: join(dist, 'cjs', 'anchor', 'index.js'),
  format: 'cjs',
  plugins: [coreFromPackage(SHARED_WITH_CORE.anchor)],
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
  ...commonJsModuleUrl,
  plugins: [coreFromPackage(SHARED_WITH_CORE.validator)],
});

// The same declarations, read as CommonJS inside dist/cjs/.
const cjs = join(dist, 'cjs');
for (const entry of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!entry.endsWith('.d.ts') || entry.startsWith('cjs')) continue;
  mkdirSync(join(cjs, entry, '..'), { recursive: true });
  cpSync(join(dist, entry), join(cjs, entry));
}
writeFileSync(join(cjs, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
