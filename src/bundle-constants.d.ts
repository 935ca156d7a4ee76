/**
 * Constants the published bundles define (scripts/bundle-options.ts) and that are undefined when
 * websvm runs from source; code reads them with `typeof`, so that a bundle folds the test away.
 */

/**
 * True in a bundle, which carries every fixed WebAssembly module already emitted
 * (src/crypto/fixed-modules.ts). Callers of `fixedModule` pass their emitter only when it is
 * undefined, so the bundle drops the emitters' code, which it would never run.
 */
declare const WEBSVM_CARRIES_FIXED_MODULES: true | undefined;
