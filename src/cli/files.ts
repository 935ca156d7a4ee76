/** The files a command reads and writes, with failures that name the file and the reason. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { FileError } from './errors.js';

/** The operating system's reason without Node's `CODE: … , syscall 'path'` decoration. */
function reason(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const m = /^[A-Z]+: (.*?), \w+ '.*'$/.exec(e.message);
  return m?.[1] ?? e.message;
}

/** The bytes of `path`. */
export function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new FileError(`cannot read ${path}: ${reason(e)}`);
  }
}

/** The text of `path` (UTF-8). */
export function readText(path: string): string {
  return new TextDecoder().decode(readBytes(path));
}

const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46];

/**
 * The bytes of an ELF file. Anything without the ELF magic is refused here with a plain message,
 * before the loader reports what Agave's loader would (e.g. an unsupported version read from noise).
 */
export function readElf(path: string): Uint8Array {
  const bytes = readBytes(path);
  if (bytes.length < 64 || ELF_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new FileError(`${path} is not an ELF file (${bytes.length < 64 ? `only ${bytes.length} bytes` : 'no \\x7fELF magic'})`);
  }
  return bytes;
}

/** Writes `data` to `path`. */
export function writeOutput(path: string, data: string | Uint8Array): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new FileError(`cannot write ${path}: ${reason(e)}`);
  }
}

/**
 * Creates `dir` and its missing parents one level at a time. Node's own recursive mkdir retries
 * forever where the file system answers ENOENT under an existing parent (e.g. under /proc).
 */
export function makeDirectory(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      throw new FileError(`cannot create directory ${d}: ${reason(e)}`);
    }
  }
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (e) {
    throw new FileError(`cannot use directory ${dir}: ${reason(e)}`);
  }
  if (!isDirectory) throw new FileError(`cannot use ${dir} as a directory: it is a file`);
}
