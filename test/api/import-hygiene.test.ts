/**
 * `import 'websvm'` loads none of the heavy packages users may not need: @solana/kit (125 ms to
 * import on its own here) and @solana/web3.js are only ever passed values from, @noble/curves runs
 * only when a syscall needs it, and pino only when logging is on. A child process imports the
 * sources with a resolve hook that refuses those packages, so loading one at import fails it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REFUSED = ['@solana/kit', '@solana/web3.js', '@noble/curves', 'pino'];

const hook = `
const refused = ${JSON.stringify(REFUSED)};
export async function resolve(specifier, context, next) {
  if (refused.some((p) => specifier === p || specifier.startsWith(p + '/'))) throw new Error('loaded at import: ' + specifier);
  return next(specifier, context);
}`;
const register = `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}));`;

describe('import hygiene', () => {
  it.each(['src/index.ts', 'src/validator/index.ts'])('importing %s loads no @solana/kit, web3.js, @noble/curves or pino', (entry) => {
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--input-type=module',
        '-e',
        `await import(${JSON.stringify(`${ROOT}/${entry}`)}); console.log('imported');`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(child.stderr).not.toMatch(/loaded at import/);
    expect(child.stdout.trim()).toBe('imported');
  });
});
