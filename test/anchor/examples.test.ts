/**
 * The Anchor-like examples' own tests: the `node:test` files a user copies into a project, run as
 * that project runs them (Node's runner, from the example's root), with 'websvm' and 'websvm/anchor'
 * resolved to this repository's source through the tsconfig paths tsx honours. The built package
 * runs the same files in fresh CommonJS and ESM projects: scripts/packed-consumers.ts.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);

const examples = new URL('../../Anchor-like-examples/', import.meta.url).pathname;

/** What an example's test may import: Node's modules and packages a user's project installs, never a path into this repository. */
const PACKAGES = ['websvm', 'websvm/anchor', '@coral-xyz/anchor', '@solana-program/token'];

for (const example of readdirSync(examples).filter((name) => existsSync(join(examples, name, 'tests')))) {
  it(`${example}: its tests import only Node's modules and installed packages`, () => {
    const source = readFileSync(join(examples, example, 'tests', `${example}.test.ts`), 'utf8');
    const specifiers = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map(([, specifier]) => specifier);
    expect(specifiers).toContain('websvm/anchor');
    expect(specifiers.filter((specifier) => !specifier.startsWith('node:') && !PACKAGES.includes(specifier))).toEqual([]);
  });

  it.concurrent(`${example}: its tests pass under node --test`, async () => {
    const args = ['--import', 'tsx', '--test', '--test-reporter=spec', join('tests', `${example}.test.ts`)];
    const { stdout } = await run(process.execPath, args, { cwd: join(examples, example) }).catch((failed: { stdout: string; stderr: string }) => {
      throw new Error(`node --test failed in ${example}:\n${failed.stdout}${failed.stderr}`);
    });
    expect(stdout).toMatch(/ℹ fail 0\n/);
  });
}
