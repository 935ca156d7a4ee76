/**
 * Modules loaded on first use rather than when websvm is imported: the elliptic-curve library is
 * large and only a few syscalls and precompiles need it, but those run synchronously, so the
 * first use has to load it synchronously too. Where that is possible:
 *
 * - bundles and CommonJS: a literal `require('…')`, which bundlers such as esbuild turn into a
 *   lazily evaluated copy of the module inside the bundle;
 * - Node (≥ 20.19, 22.12), from ES modules: `createRequire`, which loads ES modules synchronously.
 *
 * Anywhere else (browsers without such a bundler, older Node) the module is imported in the
 * background as soon as websvm is, and a use before it has arrived fails with a clear error.
 */
import { nodeModule } from './platform.js';

type Require = (id: string) => unknown;

/** Node's `require`, resolving from this package, when it can load ES modules. */
const nodeRequire: Require | undefined = (() => {
  const proc = (globalThis as { process?: { features?: { require_module?: boolean } } }).process;
  if (!proc?.features?.require_module) return undefined;
  return nodeModule<{ createRequire(from: string): Require }>('node:module')?.createRequire(import.meta.url);
})();

/**
 * A getter for the module `specifier`: `bundled` is `() => require(specifier)` and `dynamic` is
 * `() => import(specifier)`, both with the literal specifier so that bundlers see them.
 */
export function lazyModule<T>(specifier: string, bundled: () => unknown, dynamic: () => Promise<T>): () => T {
  let loaded: T | undefined;
  let failure: unknown;
  const synchronous = typeof require === 'function' ? bundled : nodeRequire && (() => nodeRequire(specifier));
  if (!synchronous) {
    dynamic().then(
      (m) => (loaded ??= m),
      (e: unknown) => (failure = e),
    );
  }
  return () => {
    if (loaded !== undefined) return loaded;
    if (synchronous) return (loaded = synchronous() as T);
    throw new Error(`${specifier} has not finished loading (it loads in the background here)`, { cause: failure });
  };
}
