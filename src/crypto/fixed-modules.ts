/**
 * The fixed WebAssembly modules websvm emits with its own emitter (hashes, field and curve
 * arithmetic, the Ed25519 verifier), as opposed to compiled programs. Emitting one in a cold
 * process costs milliseconds of JavaScript that has not warmed up yet, so the published bundles
 * carry them already emitted: `npm run build` runs every emitter in fixed-module-list.ts and
 * defines `WEBSVM_FIXED_MODULES` with the results (and `WEBSVM_CARRIES_FIXED_MODULES`, which lets it
 * drop the emitters). Run from source, each is emitted on first use.
 * The bytes are the same either way. The Node core bundle keeps the bytes in a file beside itself,
 * read on the first use of any of them (`WEBSVM_FIXED_MODULE_FILE`), so that importing the package
 * does not load ~120 KB of base64 text it may never decode; the other bundles carry them inline.
 */
import { assertInternal } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from '../platform.js';

/** An emitted module, and what its users need to know of it (a memory layout), as JSON. */
export interface EmittedModule<Meta = undefined> {
  bytes: Uint8Array<ArrayBuffer>;
  meta: Meta;
}

/** A module as a bundle carries it: its bytes in base64, or where they lie in the bundle's module file. */
export type Carried = { bytes: string; meta: unknown } | { at: number; length: number; meta: unknown };

/** Emitted modules as a bundle carries them. */
export type BundledModules = Readonly<Record<string, Carried>>;

/**
 * The bundle's modules as an object literal (esbuild makes it one module-level constant). As JSON
 * text the first module's use parsed all 165 KB of it (~2.7 ms in a fresh process); the literal
 * costs the import no measurable time.
 */
declare const WEBSVM_FIXED_MODULES: BundledModules | undefined;

/** Reads the file of the modules carried by position (defined only in the Node core bundle). */
declare const WEBSVM_FIXED_MODULE_FILE: (() => Uint8Array<ArrayBuffer>) | undefined;

/** What the bundle carries; undefined when running from source. */
function bundled(): BundledModules | undefined {
  return typeof WEBSVM_FIXED_MODULES === 'undefined' ? undefined : WEBSVM_FIXED_MODULES;
}

let moduleFile: Uint8Array<ArrayBuffer> | undefined;

/** The bundle's module file, read once. */
function bundledFile(): Uint8Array<ArrayBuffer> {
  assertInternal(typeof WEBSVM_FIXED_MODULE_FILE !== 'undefined', 'this bundle has no fixed-module file');
  return (moduleFile ??= WEBSVM_FIXED_MODULE_FILE());
}

/** The bytes of a carried module (`file` reads the module file). */
function carriedBytes(carried: Carried, file: () => Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  return 'bytes' in carried ? base64ToBytes(carried.bytes)! : file().subarray(carried.at, carried.at + carried.length);
}

/** Modules {@link compileAhead} compiled, by the carried form they came from; `null` while compiling. */
const compiledAhead = new WeakMap<Carried, WebAssembly.Module | null>();

/**
 * The compiled module `name` and its meta: from the bundle when it carries it, else from `emit`.
 * Callers pass `emit` only when `WEBSVM_CARRIES_FIXED_MODULES` is undefined (src/bundle-constants.d.ts),
 * so a bundle holds no emitter.
 */
export function fixedModule<Meta>(
  name: string,
  emit: (() => EmittedModule<Meta>) | undefined,
  from: BundledModules | undefined = bundled(),
  file: () => Uint8Array<ArrayBuffer> = bundledFile,
): { module: WebAssembly.Module; meta: Meta } {
  const carried = from?.[name];
  assertInternal(carried || emit, `fixed module ${name} neither carried nor emitted`);
  const ahead = carried && compiledAhead.get(carried);
  if (carried && ahead) return { module: ahead, meta: carried.meta as Meta };
  const emitted = carried ? { bytes: carriedBytes(carried, file), meta: carried.meta as Meta } : emit!();
  return { module: new WebAssembly.Module(emitted.bytes), meta: emitted.meta };
}

/**
 * Compiles the carried module `name` off the main thread, then calls `warm` (which should run the
 * module's functions once), for a first use that is likely but later: the program-derived address
 * syscalls' hash and curve check. V8 compiles a module's functions lazily, on their first call and
 * on the calling thread, so the compile alone saved little: the first derivation paid ~2 ms for
 * instantiating and compiling both. The work starts once the caller's synchronous work is done (a
 * microtask: a test's next await, where it waits for signing anyway); a use before it is done
 * compiles on the spot as before. Nothing when the module is not carried (running from source).
 */
export function compileAhead(
  name: string,
  warm: () => void,
  from: BundledModules | undefined = bundled(),
  file: () => Uint8Array<ArrayBuffer> = bundledFile,
): void {
  const carried = from?.[name];
  if (!carried || compiledAhead.has(carried) || typeof WebAssembly.compile !== 'function') return;
  compiledAhead.set(carried, null);
  queueMicrotask(() => {
    WebAssembly.compile(carriedBytes(carried, file)).then(
      (module) => {
        compiledAhead.set(carried, module);
        try {
          warm();
        } catch {
          // Nothing to do here: the first use meets the same failure and reports it.
        }
      },
      // The first use compiles on the spot and reports whatever went wrong.
      () => compiledAhead.delete(carried),
    );
  });
}

/** `emitted`, in the form a bundle carries inline. */
export function bundledForm(emitted: EmittedModule<unknown>): { bytes: string; meta: unknown } {
  return { bytes: bytesToBase64(emitted.bytes), meta: emitted.meta };
}

/** `modules` as a module file (their bytes one after another) and the forms that find them in it. */
export function fileForm(modules: Readonly<Record<string, EmittedModule<unknown>>>): { carried: BundledModules; file: Uint8Array<ArrayBuffer> } {
  const entries = Object.entries(modules);
  const file = new Uint8Array(entries.reduce((size, [, { bytes }]) => size + bytes.length, 0));
  const carried: Record<string, Carried> = {};
  let at = 0;
  for (const [name, { bytes, meta }] of entries) {
    carried[name] = { at, length: bytes.length, meta };
    file.set(bytes, at);
    at += bytes.length;
  }
  return { carried, file };
}
