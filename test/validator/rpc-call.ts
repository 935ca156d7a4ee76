/** A JSON-RPC call by hand for the validator tests: the answer's result or error. */

/** A JSON-RPC answer: the result, or the error with its code, message and data. */
export interface Answer<T> {
  result?: T;
  error?: { code: number; message: string; data?: unknown };
}

/** Posts `method(params)` to `rpcUrl` and returns the parsed answer. */
export async function rpc<T>(rpcUrl: string, method: string, params: unknown[] = []): Promise<Answer<T>> {
  const res = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  return (await res.json()) as Answer<T>;
}
