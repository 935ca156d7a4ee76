/**
 * Loads the package's CommonJS core (`dist/cjs/core.js`, the bundle both `import 'websvm'` and
 * `require('websvm')` end up in) with V8's code cache: a fresh process otherwise parses and compiles
 * the whole bundle at import, and compiles each function again on its first call — for a test file,
 * a large share of its run. Node 22.1 has `module.enableCompileCache()` for that; Node 20 has none,
 * so the bundle is compiled here as Node compiles a CommonJS module (the same wrapper, the same
 * `require`), with the bytecode of an earlier process handed to V8. V8 checks the data against the
 * source, its own version and flags, and compiles afresh on any mismatch, but it does not check
 * the data's integrity, and damaged data could crash the process: the file carries the data's
 * SHA-256 (by node:crypto, which a simulator loads anyway; node:zlib's CRC-32 would cost loading
 * zlib, ~5 ms), so a damaged file is never handed over. The cache lives beside the other
 * caches of the installing project (`node_modules/.cache/websvm/`), is written when a process that
 * found none exits (with the functions that process compiled; of several such processes, the one
 * that compiled most keeps its file; a file from a process that only imported is replaced by a
 * longer one's; the four newest files stay), and `WEBSVM_CODE_CACHE=0` turns it off. Wherever a
 * piece is missing (`require` of ES modules, in Node since 20.19 and 22.12; a writable place), the
 * core is required as any module is.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import vm from 'node:vm';

/**
 * Bytes before the data: its length and how long the process that wrote it ran after loading the
 * core, in ms (u32 each, little-endian), then the data's SHA-256.
 */
const HEADER_BYTES = 40;
const DIGEST_AT = 8;
/**
 * A cache written by a process that ran less than this long after loading the core (a script that
 * only imported websvm) is replaced by the first process that runs at least twice as long (a test
 * file), whose compiled code covers transactions too.
 */
const SHORT_RUN_MS = 1000;
/** Cache files kept in the directory, newest first. */
const CACHES_KEPT = 4;

/**
 * The exports of the CommonJS module `file`, whose contents hash to `sourceHash` (computed when the
 * package is built, so that finding the cache costs no hashing).
 */
export function loadWithCodeCache(file: string, sourceHash: string): unknown {
  const requireHere = createRequire(file);
  // Where Node cannot require ES modules, the core imports @noble in the background, and an
  // `import()` from a script of our own needs Node's experimental flag: such a Node gets no cache.
  const requiresModules = (process.features as { require_module?: boolean }).require_module === true;
  const cacheFile = process.env.WEBSVM_CODE_CACHE === '0' ? undefined : cachePath(file, sourceHash);
  if (cacheFile === undefined || !requiresModules) return requireHere(file);

  const loadedAt = performance.now();
  const cached = readCache(cacheFile);
  // Node's own CommonJS wrapper, on the first line so that line numbers stay the file's.
  // The build keeps the core ASCII (esbuild escapes the rest), so latin1 reads it as UTF-8 would, faster.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${readFileSync(file, 'latin1')}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData: cached?.data });
  // V8 refused the file (written under other flags or another build): this process's replaces it.
  const refused = script.cachedDataRejected === true;
  const shortRun = cached !== undefined && cached.ranMs < SHORT_RUN_MS;
  if (cached === undefined || refused || shortRun) {
    process.once('exit', () => {
      const ranMs = performance.now() - loadedAt;
      if (cached === undefined || refused || ranMs >= 2 * cached.ranMs) writeCache(script, cacheFile, refused, ranMs);
    });
  }
  const module = { exports: {} };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireHere, module, file, dirname(file));
  return module.exports;
}

/**
 * Where the cache of `file` goes: `.cache/websvm/` in the `node_modules` the package is installed
 * in (or in the package's own when it is not installed, as in its repository); undefined when
 * there is none. The name tells Node versions, architectures and V8 flags apart, which V8 would
 * refuse each other's data for.
 */
function cachePath(file: string, sourceHash: string): string | undefined {
  const packageRoot = resolve(dirname(file), '..', '..');
  const marker = `${sep}node_modules${sep}`;
  const at = packageRoot.lastIndexOf(marker);
  const nodeModules = at >= 0 ? packageRoot.slice(0, at + marker.length - 1) : join(packageRoot, 'node_modules');
  const flagsHash = digest(Buffer.from(nodeFlags().join(' ')))
    .toString('hex')
    .slice(0, 8);
  const name = `core-${sourceHash.slice(0, 16)}-${process.version}-${process.arch}-${flagsHash}.v8`;
  return join(nodeModules, '.cache', 'websvm', name);
}

/** Node's options for this process, without the code `-e`/`-p` ran (which Node lists among them). */
function nodeFlags(): string[] {
  const flags: string[] = [];
  const args = process.execArgv;
  for (let i = 0; i < args.length; i++) {
    if (['-e', '--eval', '-p', '--print'].includes(args[i]!)) i++;
    else if (!/^(--eval|--print)=/.test(args[i]!)) flags.push(args[i]!);
  }
  return flags;
}

const digest = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

/**
 * The cached data in `file` and how long its writer ran after loading the core, when the file is
 * whole (its length and SHA-256 match), else undefined.
 */
function readCache(file: string): { data: Buffer; ranMs: number } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined; // none yet
  }
  if (bytes.length < HEADER_BYTES) return undefined;
  const data = bytes.subarray(HEADER_BYTES);
  const whole = bytes.readUInt32LE(0) === data.length && digest(data).equals(bytes.subarray(DIGEST_AT, HEADER_BYTES));
  return whole ? { data, ranMs: bytes.readUInt32LE(4) } : undefined;
}

/**
 * Writes the script's code cache (what this process compiled of it; the process ran `ranMs` after
 * loading the core) to `file`, replacing it whole: always when `replace` (V8 refused the file
 * there), else unless the file there holds more (a test runner's main process, which only
 * reports, ends after its workers, which ran the tests).
 */
function writeCache(script: vm.Script, file: string, replace: boolean, ranMs: number): void {
  try {
    const data = script.createCachedData();
    if (!replace && existsSync(file) && statSync(file).size >= HEADER_BYTES + data.length && readCache(file) !== undefined) return;
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt32LE(data.length, 0);
    header.writeUInt32LE(Math.min(Math.round(ranMs), 0xffff_ffff), 4);
    digest(data).copy(header, DIGEST_AT);
    mkdirSync(dirname(file), { recursive: true });
    // Another process (a test runner's worker) may be writing the same file: each writes its own and renames it into place.
    const partial = `${file}.${process.pid}-${Math.random().toString(36).slice(2)}`;
    writeFileSync(partial, Buffer.concat([header, data]));
    renameSync(partial, file);
    // Earlier builds leave theirs behind (an upgrade): the newest few stay, for projects that
    // install two versions side by side or switch Node versions.
    const dir = dirname(file);
    const caches = readdirSync(dir)
      .filter((name) => /^core-[0-9a-f]{16}-.*\.v8$/.test(name))
      .map((name) => ({ name, mtime: statSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { name } of caches.slice(CACHES_KEPT)) rmSync(join(dir, name), { force: true });
  } catch {
    // A cache that cannot be written only makes the next start as slow as this one.
  }
}
