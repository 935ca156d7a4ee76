/** Argument parsing and output helpers shared by the `websvm` subcommands. */
import { readFileSync } from 'node:fs';

/** Parsed arguments: positionals, `--flag`s and `--key value` options (repeatable). */
export interface Parsed {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/** Parses `args`; `valued` lists the options that take a value; anything else unknown is an error. */
export function parseArgs(args: string[], valued: string[], flags: string[] = []): Parsed {
  const out: Parsed = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (valued.includes(a)) {
      const v = args[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      out.values.set(a, [...(out.values.get(a) ?? []), v]);
    } else if (flags.includes(a) || a === '--json') out.flags.add(a);
    else if (a.startsWith('-') && a !== '-') throw new Error(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

/** The single value of an option, or `fallback`. */
export const value = (p: Parsed, name: string, fallback?: string) => p.values.get(name)?.at(-1) ?? fallback;

/** Bytes from `hex`, `@file`, or nothing. */
export function bytesArg(spec: string | undefined): Uint8Array {
  if (spec === undefined || spec === '') return new Uint8Array(0);
  if (spec.startsWith('@')) return new Uint8Array(readFileSync(spec.slice(1)));
  const hex = spec.startsWith('0x') ? spec.slice(2) : spec;
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`expected hex bytes or @file, got ${spec}`);
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** A non-negative integer option. */
export function intArg(spec: string | undefined, name: string, fallback: number): number {
  if (spec === undefined) return fallback;
  if (!/^\d+$/.test(spec)) throw new Error(`${name} must be a non-negative integer, got ${spec}`);
  return Number(spec);
}

/** ANSI colour when writing to a terminal (and NO_COLOR is unset), plain text otherwise. */
export function painter(stream: NodeJS.WriteStream) {
  const on = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: paint(31), green: paint(32), yellow: paint(33), dim: paint(2), bold: paint(1) };
}

/** JSON with bigints as numbers-in-strings-free decimal (exact) values. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v), 2);
}
