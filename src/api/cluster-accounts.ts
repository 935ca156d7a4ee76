/**
 * Accounts read from a cluster's JSON-RPC (`getMultipleAccounts`, base64): what the validator's
 * `--fork-url` copies on first read and what `programsFromRpc` deploys. Uses the platform's
 * `fetch`, so it works in browsers as in Node.
 */
import { WebsvmError } from '../errors.js';
import { base64ToBytes } from '../platform.js';
import type { Account } from '../runtime/accounts.js';

/** Agave's `MAX_MULTIPLE_ACCOUNTS`: the most addresses one `getMultipleAccounts` takes. */
const MAX_ADDRESSES_PER_REQUEST = 100;
/** How long one request may take before the read fails. */
const REQUEST_TIMEOUT_MS = 30_000;

/** An account as `getMultipleAccounts` answers it with base64 data. */
interface UiAccount {
  lamports: number | string;
  data: [string, string];
  owner: string;
  executable: boolean;
  rentEpoch: number | string;
}

/**
 * JSON text with the integers of 16 digits and more turned into strings, so that u64 values beyond
 * 2^53 (a `rentEpoch` of u64::MAX, large balances) keep every digit. Account data is base64 and
 * addresses base58, so no digits in a string follow a `:`, `,` or `[`.
 */
const quoteLargeIntegers = (text: string) => text.replace(/([:,[]\s*)(\d{16,})(?=\s*[,}\]])/g, '$1"$2"');

/** Refuses a read: kind `FetchFailed`, the message (and `reason`) saying why (the callers say from where). */
const failed = (reason: string) => new WebsvmError('FetchFailed', reason, { reason });

function toAccount(ui: UiAccount): Account {
  const data = base64ToBytes(ui.data[0]);
  if (!data || ui.data[1] !== 'base64') throw failed(`account data not in base64: ${JSON.stringify(ui.data).slice(0, 80)}`);
  return { lamports: BigInt(ui.lamports), data, owner: ui.owner, executable: ui.executable, rentEpoch: BigInt(ui.rentEpoch) };
}

/**
 * The accounts at `addresses` on the cluster behind `url` (null for an absent one), in requests of
 * at most 100 addresses. Throws `WebsvmError` kind `FetchFailed` whose message is the reason alone:
 * the network error's code, the HTTP status, the RPC error, or an answer that is not one.
 */
export async function fetchClusterAccounts(url: string, addresses: readonly string[]): Promise<(Account | null)[]> {
  const out: (Account | null)[] = [];
  for (let i = 0; i < addresses.length; i += MAX_ADDRESSES_PER_REQUEST) out.push(...(await request(url, addresses.slice(i, i + MAX_ADDRESSES_PER_REQUEST))));
  return out;
}

async function request(url: string, addresses: string[]): Promise<(Account | null)[]> {
  const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getMultipleAccounts', params: [addresses, { encoding: 'base64', commitment: 'confirmed' }] });
  let text: string;
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    text = await res.text();
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw failed(cause?.code ?? cause?.message ?? (e as Error).message);
  }
  if (!res.ok) throw failed(`HTTP ${res.status} ${text.slice(0, 200)}`);
  let reply: { result?: { value?: (UiAccount | null)[] }; error?: { code: number; message: string } };
  try {
    reply = JSON.parse(quoteLargeIntegers(text)) as typeof reply;
  } catch {
    throw failed(`not a JSON-RPC answer: ${text.slice(0, 200)}`);
  }
  if (reply.error) throw failed(`${reply.error.code} ${reply.error.message}`);
  const values = reply.result?.value;
  if (!Array.isArray(values) || values.length !== addresses.length) throw failed(`unexpected answer: ${text.slice(0, 200)}`);
  return values.map((v) => v && toAccount(v));
}
