/**
 * The package root loads its core through V8's code cache (src/package/code-cache.ts): a process that finds
 * no cache writes one when it exits, the next one runs from it without writing again, a damaged or
 * truncated file is never handed to V8 (the next exit writes a whole one), `WEBSVM_CODE_CACHE=0`
 * turns it off, and a place that cannot be written to only means no cache. Each case runs a child
 * process on a stand-in core installed at `<tmp>/node_modules/pkg/dist/cjs/core.js`.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const LOADER = fileURLToPath(new URL('../../src/package/code-cache.ts', import.meta.url));
/** A core that uses what Node gives a CommonJS module. */
const CORE = `const path = require('node:path');
exports.where = path.basename(__dirname) + '/' + path.basename(__filename);
exports.answer = (x) => x * 6;
exports.later = () => typeof require('node:os').tmpdir;
exports.more = () => { let s = 0; for (let i = 0; i < 10; i++) s += [1, 2, 3].map((x) => x * i).reduce((a, b) => a + b, 0); return s; };
`;

let root: string;
let core: string;
let cacheDir: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'websvm-code-cache-'));
  core = join(root, 'node_modules', 'pkg', 'dist', 'cjs', 'core.js');
  mkdirSync(join(core, '..'), { recursive: true });
  writeFileSync(core, CORE);
  cacheDir = join(root, 'node_modules', '.cache', 'websvm');
});
afterEach(() => {
  chmodSync(root, 0o755);
  rmSync(root, { recursive: true, force: true });
});

/**
 * Loads the core in a fresh process and runs `then` there (`m` is the core); returns what it
 * printed.
 */
function load(env: Record<string, string> = {}, nodeFlags: string[] = [], then = ''): string {
  const script = `const { loadWithCodeCache } = await import(${JSON.stringify(LOADER)});
const m = loadWithCodeCache(${JSON.stringify(core)}, 'a1b2c3d4e5f60718293a');
console.log(m.where, m.answer(7), m.later());
${then}`;
  const child = spawnSync(process.execPath, [...nodeFlags, '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  expect(child.stderr).toBe('');
  return child.stdout.trim();
}

const cacheFiles = () => {
  try {
    return readdirSync(cacheDir);
  } catch {
    return [];
  }
};

describe('code cache of the core', () => {
  it('is written by the first process, read by the next without being written again', () => {
    expect(load()).toBe('cjs/core.js 42 function');
    const files = cacheFiles();
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(new RegExp(`^core-a1b2c3d4e5f60718-${process.version}-${process.arch}-[0-9a-f]+\\.v8$`));
    const file = join(cacheDir, files[0]);
    const written = readFileSync(file);
    expect(written.readUInt32LE(0)).toBe(written.length - 40); // header: the data's length, the writer's run, then the SHA-256
    const mtime = statSync(file).mtimeMs;
    expect(load()).toBe('cjs/core.js 42 function');
    expect(statSync(file).mtimeMs).toBe(mtime);
    expect(readFileSync(file).equals(written)).toBe(true);
  });

  it('keeps the four newest cache files when it writes its own, and nothing else of the directory is touched', () => {
    mkdirSync(cacheDir, { recursive: true });
    const older = ['0011223344556677', '1122334455667788', '2233445566778899', '33445566778899aa'].map((hash) => `core-${hash}-v20.0.0-x64-811c9dc5.v8`);
    older.forEach((name, age) => {
      writeFileSync(join(cacheDir, name), 'x');
      const when = new Date(Date.now() - (10 - age) * 60_000);
      utimesSync(join(cacheDir, name), when, when);
    });
    writeFileSync(join(cacheDir, 'litesvm-1.5.0'), 'x');
    load();
    const left = cacheFiles();
    expect(left).toHaveLength(5);
    expect(left).toContain('litesvm-1.5.0');
    expect(left).not.toContain(older[0]); // the oldest
    for (const name of older.slice(1)) expect(left).toContain(name);
  });

  it('written by a process that only loaded the core, is replaced by one that ran twice as long and compiled more', () => {
    load();
    const file = join(cacheDir, cacheFiles()[0]);
    const short = readFileSync(file);
    expect(short.readUInt32LE(4)).toBeLessThan(1000);
    load({}, [], 'm.more(); await new Promise((r) => setTimeout(r, 300));');
    const longer = readFileSync(file);
    expect(longer.readUInt32LE(4)).toBeGreaterThanOrEqual(300);
    expect(longer.length).toBeGreaterThan(short.length);
    // A short process finds a file from a longer run: it leaves it.
    const mtime = statSync(file).mtimeMs;
    load();
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('is replaced when V8 refuses it (the core changed under the same name), then read again', () => {
    load();
    const file = join(cacheDir, cacheFiles()[0]);
    const before = readFileSync(file);
    writeFileSync(core, `${CORE}exports.extra = 1;\n`);
    expect(load()).toBe('cjs/core.js 42 function');
    const replaced = readFileSync(file);
    expect(replaced.equals(before)).toBe(false);
    const mtime = statSync(file).mtimeMs;
    expect(load()).toBe('cjs/core.js 42 function');
    expect(statSync(file).mtimeMs).toBe(mtime);
  });

  it('of two processes that found none, keeps the file of the one that compiled more', () => {
    load({}, [], 'm.more();');
    const file = join(cacheDir, cacheFiles()[0]);
    const larger = readFileSync(file);
    rmSync(file);
    load();
    const smaller = readFileSync(file);
    expect(smaller.length).toBeLessThan(larger.length);
    const saved = join(root, 'larger.v8');
    writeFileSync(saved, larger);
    rmSync(file);
    // This one compiles less, and the larger file appears before it exits: it stays.
    load({}, [], `(await import('node:fs')).copyFileSync(${JSON.stringify(saved)}, ${JSON.stringify(file)});`);
    expect(readFileSync(file).equals(larger)).toBe(true);
    // This one compiles more than the file there holds: it replaces it.
    writeFileSync(saved, smaller);
    rmSync(file);
    load({}, [], `m.more(); (await import('node:fs')).copyFileSync(${JSON.stringify(saved)}, ${JSON.stringify(file)});`);
    expect(readFileSync(file).length).toBe(larger.length);
  });

  it('never hands a damaged or truncated file to V8: the process compiles afresh and writes a whole one', () => {
    load();
    const file = join(cacheDir, cacheFiles()[0]);
    const whole = readFileSync(file);
    for (const damaged of [
      Buffer.concat([whole.subarray(0, 100), Buffer.from([whole[100] ^ 0xff]), whole.subarray(101)]),
      whole.subarray(0, whole.length - 9),
      whole.subarray(0, 5),
    ]) {
      writeFileSync(file, damaged);
      expect(load()).toBe('cjs/core.js 42 function');
      const rewritten = readFileSync(file);
      expect(rewritten.length).toBe(rewritten.readUInt32LE(0) + 40);
      expect(rewritten.equals(damaged)).toBe(false);
    }
  });

  it('is not used with WEBSVM_CODE_CACHE=0, nor where Node cannot require ES modules, and a place it cannot be written to only means none', () => {
    expect(load({ WEBSVM_CODE_CACHE: '0' })).toBe('cjs/core.js 42 function');
    expect(cacheFiles()).toEqual([]);
    expect(load({}, ['--no-experimental-require-module'])).toBe('cjs/core.js 42 function');
    expect(cacheFiles()).toEqual([]);
    if (process.getuid?.() === 0) return; // root writes anywhere: the read-only case cannot be made here
    mkdirSync(join(root, 'node_modules', '.cache'));
    chmodSync(join(root, 'node_modules', '.cache'), 0o555);
    expect(load()).toBe('cjs/core.js 42 function');
    expect(cacheFiles()).toEqual([]);
  });
});
