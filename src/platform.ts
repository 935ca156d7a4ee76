import { sha256 } from './crypto/sha256.js';
import { bytesToHex } from '@noble/hashes/utils.js';

/**
 * Node built-ins without importing them: `process.getBuiltinModule` exists on Node ≥ 20.16 and
 * nowhere in browsers, so modules that use these stay loadable in a browser bundle.
 */
export function nodeModule<T>(id: 'node:fs' | 'node:crypto' | 'node:module'): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  try {
    return proc?.getBuiltinModule?.(id) as T | undefined;
  } catch {
    return undefined;
  }
}

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
  if (!fs) throw new Error(`${feature} needs Node.js (in a browser, pass bytes and text instead)`);
  return fs;
}

interface NodeCrypto {
  createHash(algorithm: 'sha256'): { update(data: Uint8Array): { digest(encoding: 'hex'): string } };
}

/**
 * Hex SHA-256 of `bytes`: node:crypto's where there is one (a megabyte program hashes in about
 * a millisecond, many times faster than in JavaScript), else websvm's own (crypto/sha256.ts).
 */
export function sha256Hex(bytes: Uint8Array): string {
  const crypto = nodeModule<NodeCrypto>('node:crypto');
  return crypto ? crypto.createHash('sha256').update(bytes).digest('hex') : bytesToHex(sha256(bytes));
}
