/**
 * The package bundles for browsers (esbuild, platform "browser") and the bundle runs in a bare
 * JavaScript context without Node's `process`, `Buffer` or built-ins: assemble and execute a
 * program, then airdrop through a real signed transaction (Ed25519 by @noble/curves there).
 */
import { runInNewContext } from 'node:vm';
import { webcrypto } from 'node:crypto';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('browser bundle', () => {
  it('builds without Node built-ins and runs in a bare context', async () => {
    const result = await build({
      entryPoints: [new URL('../../src/index.ts', import.meta.url).pathname],
      bundle: true,
      platform: 'browser',
      format: 'iife',
      globalName: 'websvm',
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const code = result.outputFiles[0].text;
    const context = {
      console,
      crypto: webcrypto,
      TextEncoder,
      TextDecoder,
      WebAssembly,
      atob,
      btoa,
      URL,
      setTimeout,
      queueMicrotask,
      performance: { now: () => 0 },
    } as Record<string, unknown>;
    runInNewContext(`${code}\nglobalThis.websvm = websvm;`, context);
    const websvm = context.websvm as typeof import('../../src/index.js');
    expect(websvm.execute(websvm.assemble('mov r0, 40\nadd r0, 2\nexit', { sbpfVersion: 0 }))).toMatchObject({ ok: true, value: 42n });
    const svm = new websvm.SVM();
    const to = '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin';
    expect(svm.airdrop(to, 1_000_000_000n)?.constructor.name).toBe('TransactionMetadata');
    expect(svm.getBalance(to)).toBe(1_000_000_000n);
  });
});
