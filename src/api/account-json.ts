/**
 * Accounts as `solana account --output json` writes them (solana-cli `CliAccount`):
 * `{ "pubkey", "account": { "lamports", "data": [base64, "base64"], "owner", "executable",
 * "rentEpoch", "space" } }`. u64 fields are read and written as exact integers.
 */
import { WebsvmError } from '../errors.js';
import type { Account } from '../runtime/accounts.js';

const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  return btoa(s);
}

/** Parses one account file; throws `WebsvmError` kind `InvalidAccountJson`. */
export function parseAccountJson(text: string): { address: string; account: Account } {
  const bad = (why: string) => new WebsvmError('InvalidAccountJson', `invalid account JSON: ${why}`);
  // Keep u64 values exact: quote them before JSON.parse turns them into doubles.
  const quoted = text.replace(/"(lamports|rentEpoch|space)"\s*:\s*(\d+)/g, '"$1":"$2"');
  let doc: { pubkey?: unknown; account?: Record<string, unknown> };
  try {
    doc = JSON.parse(quoted);
  } catch (e) {
    throw bad((e as Error).message);
  }
  const a = doc.account;
  if (typeof doc.pubkey !== 'string' || !a || typeof a !== 'object') throw bad('expected { "pubkey": …, "account": { … } }');
  const data = a.data;
  let bytes: Uint8Array;
  if (Array.isArray(data) && typeof data[0] === 'string' && (data[1] === 'base64' || data[1] === undefined)) bytes = fromBase64(data[0]);
  else if (typeof data === 'string') bytes = fromBase64(data);
  else throw bad('"data" must be [<base64>, "base64"]');
  if (typeof a.owner !== 'string') throw bad('"owner" must be an address');
  const u64 = (v: unknown, name: string, fallback?: bigint) => {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !/^\d+$/.test(v)) throw bad(`"${name}" must be an unsigned integer`);
    return BigInt(v);
  };
  return {
    address: doc.pubkey,
    account: { lamports: u64(a.lamports, 'lamports'), data: bytes, owner: a.owner, executable: a.executable === true, rentEpoch: u64(a.rentEpoch, 'rentEpoch', 0n) },
  };
}

/** The `solana account --output json` text of an account. */
export function formatAccountJson(address: string, a: Account): string {
  return `{
  "pubkey": "${address}",
  "account": {
    "lamports": ${a.lamports},
    "data": [
      "${toBase64(a.data)}",
      "base64"
    ],
    "owner": "${a.owner}",
    "executable": ${a.executable},
    "rentEpoch": ${a.rentEpoch},
    "space": ${a.data.length}
  }
}
`;
}
