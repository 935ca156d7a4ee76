/**
 * Runs a benchmark on websvm as users get it: `tsx scripts/run-as-shipped.ts bench/tx.bench.ts`
 * bundles the script with the options of the published package (./bundle-options.ts: minified,
 * fixed WebAssembly modules pre-emitted, no `keepNames` wrappers around every closure as tsx adds)
 * and runs the bundle in a plain Node process. Dependencies stay external, loaded by Node as a
 * user's project loads them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { packageBundleOptions } from './bundle-options.js';

/**
 * Gives every bundled TypeScript module its own `import.meta.url`, so the paths it resolves
 * relative to its source file (test programs, fixtures) stay right inside one bundle.
 */
const sourceFileUrls: Plugin = {
  name: 'source-file-urls',
  setup(build) {
    build.onLoad({ filter: /\.[mc]?ts$/ }, (args) => ({
      contents: readFileSync(args.path, 'utf8').replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/** Bundles `entry` (a TypeScript file) as the package is bundled, into `outfile`; returns `outfile`. */
export async function bundleAsShipped(entry: string, outfile: string): Promise<string> {
  await build({
    ...packageBundleOptions(),
    entryPoints: [entry],
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile,
    sourcemap: false,
    plugins: [sourceFileUrls],
  });
  return outfile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    console.error('usage: tsx scripts/run-as-shipped.ts <script.ts> [args…]');
    process.exit(2);
  }
  const outfile = fileURLToPath(new URL(`../node_modules/.cache/websvm/as-shipped/${basename(entry).replace(/\.[mc]?ts$/, '')}.mjs`, import.meta.url));
  await bundleAsShipped(resolve(entry), outfile);
  const run = spawnSync(process.execPath, [outfile, ...args], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
