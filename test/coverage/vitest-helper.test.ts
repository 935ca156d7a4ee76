/**
 * websvm/vitest: a vitest run of two test files (test/fixtures/vitest-coverage) writes one lcov
 * tracefile adding up both files' runs, and leaves no parts behind.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it('writes one tracefile per run, adding up every test file', () => {
  const lcov = join(mkdtempSync(join(tmpdir(), 'websvm-vitest-')), 'websvm.info');
  execFileSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/vitest-coverage/vitest.config.ts'], {
    env: { ...process.env, WEBSVM_TEST_LCOV: lcov },
    stdio: 'pipe',
  });
  const text = readFileSync(lcov, 'utf8');
  expect(text).toMatch(/^TN:fixture\nSF:programs\/debuginfo\/checks\.c\n/);
  expect(text).toContain('FNDA:7,weigh\n'); // five times in one file, twice in the other
  expect(text).toContain('FNDA:1,scatter\n');
  expect(text).toContain('FNDA:1,checked_sum\n');
  expect(existsSync(`${lcov}.parts`)).toBe(false);
});
