/**
 * Checks of the arguments every public entry point takes, at every layer (the VM building blocks
 * as well as the SVM facade): each returns the value as the code behind it takes it, or throws a
 * `WebsvmError` of kind `InvalidArgument` naming the argument, what it must be and what it was.
 * They run once per call at the package's boundary, never on per-instruction or per-syscall paths.
 */
import { WebsvmError } from './errors.js';

/** How a refused argument's value is shown in the error: strings quoted, numbers as written, objects by kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return name && name !== 'Object' ? `a ${name}` : 'an object';
  }
  return String(value);
}

/** The context of a refused argument: its name, what it must be, and the value given. */
export interface RefusedArgument {
  readonly argument: string;
  readonly expected: string;
  readonly value: unknown;
}

/** A refused argument: kind `InvalidArgument`, naming the argument, what it must be, and what it was (also as context). */
export function refused(name: string, must: string, value: unknown): WebsvmError<'InvalidArgument', RefusedArgument> {
  return new WebsvmError('InvalidArgument', `${name} must be ${must}, got ${shown(value)}`, { argument: name, expected: must, value });
}

/** A non-empty path argument, refused with kind `InvalidArgument` otherwise. */
export function toPath(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw refused(name, 'a file path', value);
  return value;
}

/**
 * Runs a file operation on `path`; what the operating system refuses becomes a `WebsvmError` of
 * kind `FileError` with the path, the action and the system's message.
 */
export function fileAccess<T>(action: 'read' | 'write', path: string, operation: () => T): T {
  try {
    return operation();
  } catch (e) {
    throw new WebsvmError('FileError', `cannot ${action} ${path}: ${e instanceof Error ? e.message : String(e)}`, { path, action }, { cause: e });
  }
}

/** An unsigned 64-bit integer (lamports, slots, sizes, limits): a bigint, or a number that is an integer. */
export type U64Input = bigint | number;

/** `value` as a bigint if it is a bigint or an integral number, else undefined. */
function integer(value: unknown): bigint | undefined {
  if (typeof value === 'bigint') return value;
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value) : undefined;
}

/** `value` as a bigint in `min` … `end` − 1, else refused as not being `what`. */
function toIntegerIn(value: unknown, name: string, min: bigint, end: bigint, what: string): bigint {
  const n = integer(value);
  if (n === undefined || n < min || n >= end) throw refused(name, what, value);
  return n;
}

/**
 * `value` as a bigint, refused with a `WebsvmError` of kind `InvalidArgument` naming the argument
 * (`name`) unless it is an integer from 0 to 2^64 − 1 (Rust's `u64`, which LiteSVM's binding
 * also enforces): negative, fractional, NaN, infinite, too large, or not a number at all.
 */
export function toU64(value: unknown, name: string): bigint {
  return toIntegerIn(value, name, 0n, 1n << 64n, 'an unsigned 64-bit integer');
}

/** `value` as a bigint from −2^63 to 2^63 − 1 (Rust's `i64`, e.g. a Unix timestamp), refused as {@link toU64} refuses. */
export function toI64(value: unknown, name: string): bigint {
  return toIntegerIn(value, name, -(1n << 63n), 1n << 63n, 'a signed 64-bit integer');
}

/** `value` as a bigint from 0 to 2^128 − 1 (Rust's `u128`), refused as {@link toU64} refuses. */
export function toU128(value: unknown, name: string): bigint {
  return toIntegerIn(value, name, 0n, 1n << 128n, 'an unsigned 128-bit integer');
}

/** `value` if it is a Uint8Array (a Node `Buffer` is one), else refused with kind `InvalidArgument`. */
export function toBytes(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array)) throw refused(name, 'bytes (a Uint8Array)', value);
  return value;
}

/** `value` if it is a number that is an integer from `min` to `max`, else refused with kind `InvalidArgument` (saying it must be `what`). */
export function toInteger(value: unknown, name: string, min: number, max: number, what = `an integer from ${min} to ${max}`): number {
  if (!(typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max)) throw refused(name, what, value);
  return value;
}

/** `value` as a bigint from 0 to 2^32 − 1 (Rust's `u32`), refused as {@link toU64} refuses. */
export function toU32(value: unknown, name: string): number {
  return Number(toIntegerIn(value, name, 0n, 1n << 32n, 'an unsigned 32-bit integer'));
}

/** `value` if it is a string, else refused with kind `InvalidArgument` (saying it must be `what`). */
export function toText(value: unknown, name: string, what = 'a string'): string {
  if (typeof value !== 'string') throw refused(name, what, value);
  return value;
}

/** `value` if it is one of `choices`, else refused with kind `InvalidArgument`. */
export function toOneOf<const C extends readonly unknown[]>(value: unknown, name: string, choices: C): C[number] {
  if (!choices.includes(value)) throw refused(name, `one of ${choices.map((c) => shown(c)).join(', ')}`, value);
  return value as C[number];
}

/** `value` if it is a function, else refused with kind `InvalidArgument` (saying it must be `what`). */
export function toFunction<F>(value: unknown, name: string, what: string): F {
  if (typeof value !== 'function') throw refused(name, what, value);
  return value as F;
}

/** An options argument: `undefined` (none given) or an object whose fields are still to be checked. */
export function toOptions(value: unknown, name = 'options'): Record<string, unknown> {
  return value === undefined ? {} : toFields(value, name, 'an options object or undefined');
}

/** `value` through `check` unless it is `undefined`. */
export function toOptional<T>(value: unknown, name: string, check: FieldCheck<T>): T | undefined {
  return value === undefined ? undefined : check(value, name);
}

/** `value` if it is an instance of `type`, else refused with kind `InvalidArgument` (saying it must be `what`). */
export function toInstance<T>(value: unknown, name: string, type: abstract new (...args: never[]) => T, what: string): T {
  if (!(value instanceof type)) throw refused(name, what, value);
  return value;
}

/** `value` if it is a boolean, else refused with kind `InvalidArgument`. */
export function toBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw refused(name, 'true or false', value);
  return value;
}

/** `value` if it is a number (NaN included, as Rust's `f64`), else refused with kind `InvalidArgument`. */
export function toF64(value: unknown, name: string): number {
  if (typeof value !== 'number') throw refused(name, 'a number', value);
  return value;
}

/** `value` if it is an array, else refused with kind `InvalidArgument` (saying it must be `what`). */
export function toArray(value: unknown, name: string, what: string): unknown[] {
  if (!Array.isArray(value)) throw refused(name, what, value);
  return value;
}

/**
 * `value` as an object whose fields are still to be checked, refused with kind `InvalidArgument`
 * (saying it must be `what`) when it is not an object: null, a primitive or a function.
 */
export function toFields(value: unknown, name: string, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null) throw refused(name, what, value);
  return value as Record<string, unknown>;
}

/** A check of one field: its value as the runtime takes it, or a `WebsvmError` naming it (`name`). */
export type FieldCheck<T> = (value: unknown, name: string) => T;

/**
 * The fields of the object `value` (the argument `argument`, refused unless it is an object), each
 * passed through its check in `checks`, in that order; a field is named `${prefix}.${key}`.
 */
export function toChecked<T>(value: unknown, argument: string, what: string, prefix: string, checks: { [K in keyof T]: FieldCheck<T[K]> }): T {
  const fields = toFields(value, argument, what);
  const out = {} as T;
  for (const key of Object.keys(checks) as (keyof T & string)[]) out[key] = checks[key](fields[key], `${prefix}.${key}`);
  return out;
}

/**
 * `value` as new bytes if it is a Uint8Array or an array of integers from 0 to 255 (`undefined`:
 * none), else refused with kind `InvalidArgument`.
 */
export function toByteValues(value: unknown, name: string): Uint8Array {
  if (value === undefined) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value.slice();
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return Uint8Array.from(value as number[]);
  throw refused(name, 'bytes (a Uint8Array or an array of integers from 0 to 255)', value);
}

/** Each element of the array `value` through `check`, named `${name}[i]`; refused unless it is an array. */
export function toEach<T>(value: unknown, name: string, what: string, check: (element: unknown, name: string) => T): T[] {
  return toArray(value, name, what).map((element, i) => check(element, `${name}[${i}]`));
}

/**
 * `fn` behind a check of each of its arguments, `checks[i]` naming the i-th and passing it through
 * its check: for a public export whose body is also called on hot paths, where the checks would cost.
 */
export function guarded<A extends unknown[], R>(fn: (...args: A) => R, checks: { [I in keyof A]: [name: string, check: FieldCheck<A[I]>] }): (...args: A) => R {
  const list = checks as unknown as [string, FieldCheck<unknown>][];
  return (...args: A) => fn(...(list.map(([name, check], i) => check(args[i], name)) as A));
}
