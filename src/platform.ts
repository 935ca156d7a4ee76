import { WebsvmError } from './errors.js';

/**
 * Node built-ins without importing them: `process.getBuiltinModule` exists on Node ≥ 20.16 and
 * nowhere in browsers, so modules that use these stay loadable in a browser bundle.
 */
export function nodeModule<T>(id: 'node:fs' | 'node:crypto' | 'node:module' | 'node:buffer'): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

/** The process's environment variables (none in a browser). */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};
}

/**
 * The key of Node's `util.inspect.custom` (a registered symbol, so no node:util import): a method
 * under it decides how `console.log` and the REPL show an object; elsewhere it is inert.
 */
export const nodeInspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;

/** The subset of node:fs websvm uses. */
export interface NodeFs {
  existsSync(p: string): boolean;
  readdirSync(p: string): string[];
  readFileSync(p: string): Uint8Array;
  readFileSync(p: string, enc: 'utf8'): string;
  writeFileSync(p: string, data: string | Uint8Array): void;
  mkdirSync(p: string, o: { recursive: true }): void;
  renameSync(from: string, to: string): void;
}

/** node:fs, or an error saying the feature needs Node.js. */
export function requireNodeFs(feature: string): NodeFs {
  const fs = nodeModule<NodeFs>('node:fs');
  if (!fs) throw new WebsvmError('Unsupported', `${feature} needs Node.js (in a browser, pass bytes and text instead)`, { feature });
  return fs;
}

interface NodeBuffer {
  Buffer: {
    from(
      buffer: ArrayBufferLike,
      byteOffset?: number,
      length?: number,
    ): { toString(encoding: 'base64'): string; write(text: string, encoding: 'base64'): number };
    compare(a: Uint8Array, b: Uint8Array): number;
  };
}

/**
 * node:buffer's base64 runs as native code; Node's atob and btoa do not (a 10 MiB account took
 * seconds through them), while in browsers they are native and fast enough.
 */
let nodeBufferClass: NodeBuffer['Buffer'] | null | undefined;
const nodeBuffer = () => (nodeBufferClass === undefined ? (nodeBufferClass = nodeModule<NodeBuffer>('node:buffer')?.Buffer ?? null) : nodeBufferClass);

/** Standard base64 (with padding) of `bytes`. */
export function bytesToBase64(bytes: Uint8Array): string {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('base64');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(binary);
}

/** The bytes of standard base64 text (padding optional), or undefined when `text` is not base64. */
export function base64ToBytes(text: string): Uint8Array<ArrayBuffer> | undefined {
  let end = text.length;
  while (end > 0 && text.length - end < 2 && text[end - 1] === '=') end--;
  const digits = text.slice(0, end);
  const padded = end < text.length;
  if (!/^[A-Za-z0-9+/]*$/.test(digits) || digits.length % 4 === 1 || (padded && text.length % 4 !== 0)) return undefined;
  const bytes = new Uint8Array((digits.length * 3) >>> 2);
  const buffer = nodeBuffer();
  if (buffer) buffer.from(bytes.buffer).write(digits, 'base64');
  else {
    const binary = atob(digits);
    for (let i = 0; i < bytes.length; i++) bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/**
 * Node's native byte comparison (node:buffer's `compare` takes any Uint8Array; 0 when equal), or
 * undefined where there is none (browsers).
 */
export const nativeCompare: ((a: Uint8Array, b: Uint8Array) => number) | undefined = nodeBuffer()?.compare ?? undefined;
