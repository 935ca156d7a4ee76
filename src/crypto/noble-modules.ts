/**
 * How @noble/curves and @noble/hashes modules are loaded outside browser bundles (those get
 * noble-modules.browser.ts instead, through package.json's `browser` field). Syscalls and
 * precompiles are synchronous, so a module must load synchronously on first use: Node's
 * `createRequire`, which loads ES modules synchronously since Node 20.19 and 22.12. Where that is
 * missing (older Node, other runtimes) the modules are imported in the background as soon as
 * websvm is, and a use before one has arrived fails with a clear error.
 */
import { nodeModule } from '../platform.js';
import { WebsvmError } from '../errors.js';

type Load = (specifier: string) => unknown;

/** Whether Node loads ES modules synchronously here and lets us reach its module loader. */
const loadsOnDemand = (() => {
  const proc = (globalThis as { process?: { features?: { require_module?: boolean }; getBuiltinModule?: unknown } }).process;
  return proc?.features?.require_module === true && typeof proc.getBuiltinModule === 'function';
})();

/** Node's module loader resolving from this package, made on first use (creating it is a measurable part of the import). */
let nodeLoader: Load | undefined;
const nodeLoad = (specifier: string): unknown =>
  (nodeLoader ??= nodeModule<{ createRequire(from: string): Load }>('node:module')!.createRequire(import.meta.url))(specifier);

const imported = new Map<string, unknown>();

/** Starts importing `specifiers` where they cannot be loaded on demand. */
export function preload(specifiers: readonly string[]): void {
  if (loadsOnDemand) return;
  for (const specifier of specifiers) {
    import(specifier).then(
      (m: unknown) => imported.set(specifier, m),
      () => undefined, // the use reports it
    );
  }
}

/** The module `specifier`, loading it now if need be. */
export function nobleModule(specifier: string): unknown {
  if (loadsOnDemand) return nodeLoad(specifier);
  const loaded = imported.get(specifier);
  if (loaded === undefined) {
    const message = `${specifier} has not been loaded yet (this platform loads it in the background; Node ≥ 20.19 loads it on demand)`;
    throw new WebsvmError('ModuleNotLoaded', message, { specifier });
  }
  return loaded;
}
