/**
 * Reading a method's params the way Agave's RPC does: positional arguments checked like serde
 * (`Invalid params: invalid type: …, expected ….`), addresses and signatures like `verify_pubkey` /
 * `verify_signature` (`Invalid param: WrongSize`), and the config objects' common fields.
 */
import bs58 from 'bs58';
import { base64ToBytes } from '../platform.js';
import { invalidParams, RpcError, SERVER_ERROR, type Json } from './json-rpc.js';

type Raw = Json[] | { [key: string]: Json } | undefined;

/** serde's name for what it found (`serde::de::Unexpected` as serde_json shows it). */
function unexpected(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return `boolean \`${v}\``;
  if (typeof v === 'number') return Number.isInteger(v) ? `integer \`${v}\`` : `floating point \`${v}\``;
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  return Array.isArray(v) ? 'sequence' : 'map';
}

/** serde's error for a value of the wrong type. */
export const wrongType = (v: Json, expected: string) => invalidParams(`Invalid params: invalid type: ${unexpected(v)}, expected ${expected}.`);

/** serde's error for a string outside an enum's variants. */
export function unknownVariant(v: string, variants: readonly string[]): RpcError {
  return invalidParams(`Invalid params: unknown variant \`${v}\`, expected one of ${variants.map((x) => `\`${x}\``).join(', ')}.`);
}

/** serde's list of what it expected: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``. */
function expectedVariants(variants: readonly string[]): string {
  const names = variants.map((x) => `\`${x}\``);
  return names.length === 1 ? names[0] : names.length === 2 ? `${names[0]} or ${names[1]}` : `one of ${names.join(', ')}`;
}

/**
 * An externally tagged enum of newtype variants as serde reads it (`{ "variant": value }`): the
 * variant's name and its value, or serde's error.
 */
export function newtypeVariant<T extends string>(v: Json, variants: readonly T[]): [T, Json] {
  const known = (name: string): name is T => (variants as readonly string[]).includes(name);
  if (typeof v === 'string') {
    if (known(v)) throw invalidParams('Invalid params: invalid type: unit variant, expected newtype variant.');
    throw invalidParams(`Invalid params: unknown variant \`${v}\`, expected ${expectedVariants(variants)}.`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw wrongType(v, 'string or map');
  const entries = Object.entries(v);
  if (entries.length !== 1) throw invalidParams('Invalid params: invalid value: map, expected map with a single key.');
  const [name, value] = entries[0];
  if (!known(name)) throw invalidParams(`Invalid params: unknown variant \`${name}\`, expected ${expectedVariants(variants)}.`);
  return [name, value];
}

/** The positional params of a method taking `required` arguments and up to `max` (jsonrpc-derive's checks). */
export function positional(raw: Raw, required: number, max: number): Json[] {
  if (raw !== undefined && !Array.isArray(raw)) throw invalidParams(`Invalid params: invalid type: map, expected a tuple of size ${max}.`);
  const args = raw ?? [];
  if (args.length < required) throw invalidParams(`\`params\` should have at least ${required} argument(s)`);
  if (args.length > max) throw invalidParams(`Invalid params: invalid length ${args.length}, expected a tuple of size ${max}.`);
  return args;
}

export function string(v: Json): string {
  if (typeof v !== 'string') throw wrongType(v, 'a string');
  return v;
}

/** A list of at most `max` items (Agave's limit on a request's inputs). */
export function boundedList(v: Json, max: number): Json[] {
  if (!Array.isArray(v)) throw wrongType(v, 'a sequence');
  if (v.length > max) throw invalidParams(`Too many inputs provided; max ${max}`);
  return v;
}

export function bool(v: Json): boolean {
  if (typeof v !== 'boolean') throw wrongType(v, 'a boolean');
  return v;
}

/** An optional boolean field (absent or null: `fallback`). */
export const optionalBool = (v: Json | undefined, fallback = false) => (v === undefined || v === null ? fallback : bool(v));

/** `maxSupportedTransactionVersion` (absent or null: undefined). */
export const maxSupportedVersion = (cfg: { [key: string]: Json }) =>
  cfg.maxSupportedTransactionVersion === undefined || cfg.maxSupportedTransactionVersion === null
    ? undefined
    : Number(u64(cfg.maxSupportedTransactionVersion, 'u8'));

/** A u64 (Agave's `Slot`, lamports …) or a usize. */
export function u64(v: Json, expected = 'u64'): bigint {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(v, expected);
  if (v < 0) throw invalidParams(`Invalid params: invalid value: integer \`${v}\`, expected ${expected}.`);
  return BigInt(v);
}

/** A config object (absent or null: none). */
export function config(v: Json | undefined): { [key: string]: Json } {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw wrongType(v, 'struct config');
  return v;
}

/** One of `variants`, or undefined when absent. */
export function variant<T extends string>(v: Json | undefined, variants: readonly T[]): T | undefined {
  if (v === undefined || v === null) return undefined;
  const s = string(v);
  const found = variants.find((x) => x === s);
  if (found === undefined) throw unknownVariant(s, variants);
  return found;
}

const COMMITMENTS = ['processed', 'confirmed', 'finalized'] as const;

/** Checks the `commitment` field (every level reads the same state here: transactions are final at once). */
export function commitment(cfg: { [key: string]: Json }): void {
  variant(cfg.commitment, COMMITMENTS);
}

/** `check_is_at_least_confirmed`: the methods that read the ledger's history refuse `processed`. */
export function confirmedCommitment(cfg: { [key: string]: Json }): void {
  commitment(cfg);
  if (cfg.commitment === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
}

/** `verify_pubkey`: a base58 address of 32 bytes. */
export function pubkey(v: Json): string {
  return base58Key(string(v), 32);
}

/** `verify_signature`: a base58 signature of 64 bytes. */
export function signature(v: Json): string {
  return base58Key(string(v), 64);
}

function base58Key(text: string, size: number): string {
  // Agave's FromStr refuses text longer than the largest encoding of `size` bytes before decoding.
  if (text.length > (size === 32 ? 44 : 88)) throw invalidParams('Invalid param: WrongSize');
  const bytes = bs58.decodeUnsafe(text);
  if (!bytes) throw invalidParams('Invalid param: Invalid');
  if (bytes.length !== size) throw invalidParams('Invalid param: WrongSize');
  return text;
}

/** `minContextSlot`: refused with Agave's -32016 when the node has not reached it. */
export function checkMinContextSlot(cfg: { [key: string]: Json }, slot: bigint): void {
  if (cfg.minContextSlot === undefined || cfg.minContextSlot === null) return;
  const min = u64(cfg.minContextSlot);
  if (slot < min) throw new RpcError(SERVER_ERROR.MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', { contextSlot: slot });
}

/** Base64 text as Agave decodes it, refused with `invalid base64 encoding: <base64::DecodeError Debug>`. */
export function base64Param(text: string): Uint8Array {
  const bytes = base64ToBytes(text);
  if (bytes) return bytes;
  const index = [...text].findIndex((c, i) => !/[A-Za-z0-9+/]/.test(c) && !(c === '=' && i >= text.length - 2));
  throw invalidParams(`invalid base64 encoding: ${index >= 0 ? `InvalidByte(${index}, ${text.charCodeAt(index)})` : 'InvalidLength'}`);
}
