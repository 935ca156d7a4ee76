/**
 * `websvm/vitest`: coverage of sBPF programs over a whole vitest run, one lcov tracefile per run,
 * without changing the tests. {@link websvmCoverage} adds to a vitest config a setup file that
 * makes every SVM of each test file record into one `Coverage` (as `withCoverage` would)
 * and saves it when the file's tests end, and a global setup that merges what all test files
 * saved into the tracefile once the run ends.
 *
 * ```ts
 * // vitest.config.ts
 * import { defineConfig } from 'vitest/config';
 * import { websvmCoverage } from 'websvm/vitest';
 * export default defineConfig({ test: { ...websvmCoverage({ lcov: 'coverage/websvm.info' }) } });
 * ```
 */
/** Options of {@link websvmCoverage}. */
export interface WebsvmCoverageOptions {
  /** Where the tracefile goes (default `coverage/websvm.info`); disassemblies go beside it. */
  lcov?: string;
  /** Its `TN:` test name (default `websvm`). */
  testName?: string;
}

/** What the setup files of a run share: where the tracefile goes, and the directory test files save their reports in. */
export interface WebsvmCoverageSettings {
  lcov: string;
  testName: string;
  parts: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    websvmCoverage: WebsvmCoverageSettings;
  }
}

/**
 * The vitest `test` options that cover the run: spread them into your config's `test` (add your
 * own `setupFiles` and `globalSetup` after them if you have some). Programs run on the
 * interpreter while covered; results and compute units are those of a plain run.
 */
export function websvmCoverage(options: WebsvmCoverageOptions = {}): {
  setupFiles: string[];
  globalSetup: string[];
  provide: { websvmCoverage: WebsvmCoverageSettings };
} {
  const lcov = options.lcov ?? 'coverage/websvm.info';
  // Beside this module: .js in the package, .ts when run from websvm's own sources.
  const extension = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  const file = (name: string) => decodeURIComponent(new URL(`./${name}.${extension}`, import.meta.url).pathname);
  return {
    setupFiles: [file('setup')],
    globalSetup: [file('global-setup')],
    provide: { websvmCoverage: { lcov, testName: options.testName ?? 'websvm', parts: `${lcov}.parts` } },
  };
}
