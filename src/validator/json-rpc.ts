/**
 * JSON-RPC 2.0 as Agave's RPC service speaks it (the `jsonrpc-core` crate): one request or a batch,
 * notifications without an answer, and errors with the standard codes and Agave's server codes.
 */
import { WebsvmError } from '../errors.js';

/** A JSON value as parsed from a request. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** An error answered to the client: `{ code, message, data? }` (kind `RpcError`). */
export class RpcError extends WebsvmError<'RpcError', { readonly code: number; readonly data?: unknown }> {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super('RpcError', message, data === undefined ? { code } : { code, data });
  }

  toJSON(): { code: number; message: string; data?: unknown } {
    return this.data === undefined ? { code: this.code, message: this.message } : { code: this.code, message: this.message, data: this.data };
  }
}

export const parseError = () => new RpcError(-32700, 'Parse error');
export const invalidRequest = (message = 'Invalid request') => new RpcError(-32600, message);
export const methodNotFound = () => new RpcError(-32601, 'Method not found');
/** `Error::invalid_params(message)`: the message as given (Agave's handlers write their own). */
export const invalidParams = (message: string) => new RpcError(-32602, message);
export const internalError = () => new RpcError(-32603, 'Internal error');

/** Agave's server errors (rpc-client-types `custom_error.rs`), by the code clients match on. */
export const SERVER_ERROR = {
  BLOCK_CLEANED_UP: -32001,
  SEND_TRANSACTION_PREFLIGHT_FAILURE: -32002,
  TRANSACTION_SIGNATURE_VERIFICATION_FAILURE: -32003,
  BLOCK_NOT_AVAILABLE: -32004,
  SLOT_SKIPPED: -32007,
  NO_SNAPSHOT: -32008,
  UNSUPPORTED_TRANSACTION_VERSION: -32015,
  MIN_CONTEXT_SLOT_NOT_REACHED: -32016,
} as const;

/** A method: its params (an array, an object or absent) in, its result out; throws {@link RpcError}. */
export type Handler = (params: Json[] | { [key: string]: Json } | undefined) => unknown;

/** The methods a server answers, by name. */
export type Methods = ReadonlyMap<string, Handler>;

interface Call {
  id: Json | undefined;
  method: string;
  params: Json[] | { [key: string]: Json } | undefined;
}

const isObject = (v: unknown): v is { [key: string]: Json } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A request object checked against JSON-RPC 2.0 (an `RpcError` when it does not conform). */
function asCall(v: Json): Call | RpcError {
  if (!isObject(v) || v.jsonrpc !== '2.0' || typeof v.method !== 'string') return invalidRequest();
  const id = v.id;
  if (id !== undefined && id !== null && typeof id !== 'string' && typeof id !== 'number') return invalidRequest();
  const params = v.params;
  if (params !== undefined && !Array.isArray(params) && !isObject(params)) return invalidRequest();
  return { id, method: v.method, params };
}

const response = (id: Json | undefined, outcome: { result: unknown } | { error: RpcError }) =>
  'result' in outcome ? { jsonrpc: '2.0', result: outcome.result, id: id ?? null } : { jsonrpc: '2.0', error: outcome.error, id: id ?? null };

async function answer(methods: Methods, v: Json): Promise<object | undefined> {
  const call = asCall(v);
  if (call instanceof RpcError) return response(isObject(v) && (typeof v.id === 'number' || typeof v.id === 'string') ? v.id : null, { error: call });
  const handler = methods.get(call.method);
  let outcome: { result: unknown } | { error: RpcError };
  if (!handler) outcome = { error: methodNotFound() };
  else {
    try {
      outcome = { result: await handler(call.params) };
    } catch (e) {
      outcome = { error: e instanceof RpcError ? e : internalError() };
    }
  }
  return call.id === undefined ? undefined : response(call.id, outcome); // a notification gets no answer
}

/**
 * The answer to a request body: a response, an array of them for a batch, or undefined when there is
 * nothing to send (only notifications). Numbers beyond 2^53 are refused by JSON.parse's precision,
 * as large u64 values would be; results may hold bigints, written as JSON numbers.
 */
export async function handleBody(methods: Methods, body: string): Promise<string | undefined> {
  let parsed: Json;
  try {
    parsed = JSON.parse(body) as Json;
  } catch {
    return stringify(response(null, { error: parseError() }));
  }
  if (!Array.isArray(parsed)) {
    const one = await answer(methods, parsed);
    return one === undefined ? undefined : stringify(one);
  }
  if (parsed.length === 0) return stringify(response(null, { error: invalidRequest() }));
  const all = (await Promise.all(parsed.map((v) => answer(methods, v)))).filter((r) => r !== undefined);
  return all.length === 0 ? undefined : stringify(all);
}

/** JSON with bigints as exact numbers (u64 values such as lamports can exceed 2^53). */
export function stringify(value: unknown): string {
  let big = false;
  const text = JSON.stringify(value, (_k, v) => {
    if (typeof v !== 'bigint') return v;
    if (v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
    big = true;
    return `\u0000${v}\u0000`;
  });
  return big ? text.replace(/"\\u0000(\d+)\\u0000"/g, '$1') : text;
}
