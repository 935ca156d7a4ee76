/** Argument parsing and output helpers shared by the `websvm` subcommands. */
import { UsageError } from './errors.js';
import { readBytes } from './files.js';

/** Parsed arguments: positionals, `--flag`s and `--key value` options (repeatable). */
export interface Parsed {
  positional: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

/** Flags every command accepts. */
export const COMMON_FLAGS = ['--json'];

/**
 * Parses `args`; `valued` lists the options that take a value, `flags` those that do not (besides
 * {@link COMMON_FLAGS}); anything else starting with `-` is a {@link UsageError}. An option that
 * `arities` gives n values (`--bpf-program ADDRESS FILE`) adds n consecutive values per use.
 */
export function parseArgs(args: string[], valued: readonly string[], flags: readonly string[] = [], arities: ReadonlyMap<string, number> = new Map()): Parsed {
  const out: Parsed = { positional: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!; // i < args.length
    if (valued.includes(a)) {
      const n = arities.get(a) ?? 1;
      const taken = args.slice(i + 1, i + 1 + n);
      if (taken.length < n) throw new UsageError(`${a} needs ${n === 1 ? 'a value' : `${n} values`}`);
      i += n;
      out.values.set(a, [...(out.values.get(a) ?? []), ...taken]);
    } else if (flags.includes(a) || COMMON_FLAGS.includes(a)) out.flags.add(a);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
    else out.positional.push(a);
  }
  return out;
}

/** The single value of an option, or `fallback`. */
export const value = (p: Parsed, name: string, fallback?: string) => p.values.get(name)?.at(-1) ?? fallback;

/** The one positional argument, described as `what` in the error when it is missing or repeated. */
export function onePositional(p: Parsed, what: string): string {
  const [only] = p.positional;
  if (only === undefined || p.positional.length > 1) throw new UsageError(`expected one ${what}, got ${p.positional.length}`);
  return only;
}

/** An option's values in pairs (one per use: parseArgs hands an option of arity 2 its values so). */
export function pairs(values: string[] | undefined, option: string): [string, string][] {
  return groups(values, 2, option).map(([a = '', b = '']) => [a, b]);
}

/** An option's values in triples (one per use). */
export function triples(values: string[] | undefined, option: string): [string, string, string][] {
  return groups(values, 3, option).map(([a = '', b = '', c = '']) => [a, b, c]);
}

/** An option's values in groups of `n`, refused unless they come out even. */
function groups(values: string[] = [], n: number, option: string): string[][] {
  if (values.length % n !== 0) throw new UsageError(`${option} needs ${n} values`);
  const out: string[][] = [];
  for (let i = 0; i < values.length; i += n) out.push(values.slice(i, i + n));
  return out;
}

/** Bytes from `hex`, `@file`, or nothing. */
export function bytesArg(spec: string | undefined, name: string): Uint8Array {
  if (spec === undefined || spec === '') return new Uint8Array(0);
  if (spec.startsWith('@')) return readBytes(spec.slice(1));
  const hex = spec.startsWith('0x') ? spec.slice(2) : spec;
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw new UsageError(`${name} must be hex bytes or @file, got ${spec}`);
  return Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
}

/** A non-negative integer option no larger than `max` (`why` says why, in the error). */
export function intArg(spec: string | undefined, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER, why?: string): number {
  if (spec === undefined) return fallback;
  if (!/^\d+$/.test(spec)) throw new UsageError(`${name} must be a non-negative integer, got ${spec}`);
  if (BigInt(spec) > BigInt(max)) throw new UsageError(`${name} must be at most ${max}${why ? ` (${why})` : ''}, got ${spec}`);
  return Number(spec);
}

/** One of `choices`. */
export function choiceArg<T extends string>(spec: string | undefined, name: string, choices: readonly T[], fallback: T): T {
  if (spec === undefined) return fallback;
  const chosen = choices.find((c) => c === spec);
  if (chosen === undefined) throw new UsageError(`${name} must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}, got ${spec}`);
  return chosen;
}

/** ANSI colour when writing to a terminal (and NO_COLOR is unset), plain text otherwise. */
export function painter(stream: NodeJS.WriteStream) {
  const on = stream.isTTY === true && !process.env.NO_COLOR;
  const paint = (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: paint(31), green: paint(32), yellow: paint(33), dim: paint(2), bold: paint(1) };
}

/** JSON with exact integers: bigints within 2^53 as numbers, larger ones as decimal strings; bytes as hex. */
export function toJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
    2,
  );
}

/** Writes one JSON document and a newline to stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}
