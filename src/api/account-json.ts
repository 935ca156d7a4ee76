/**
 * Accounts as `solana account --output json` writes them (solana-cli `CliAccount`):
 * `{ "pubkey", "account": { "lamports", "data": [base64, "base64"], "owner", "executable",
 * "rentEpoch", "space" } }`. u64 fields are read and written as exact integers.
 */
import { WebsvmError } from '../errors.js';
import { base64ToBytes, bytesToBase64 } from '../platform.js';
import { isAddressText, type Account } from '../runtime/accounts.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;

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
  const data = Array.isArray(a.data) && (a.data[1] === 'base64' || a.data[1] === undefined) ? a.data[0] : a.data;
  const bytes = typeof data === 'string' ? base64ToBytes(data) : undefined;
  if (!bytes) throw bad('"data" must be [<base64>, "base64"]');
  if (!isAddressText(doc.pubkey)) throw bad('"pubkey" must be an address');
  if (typeof a.owner !== 'string' || !isAddressText(a.owner)) throw bad('"owner" must be an address');
  if (a.executable !== undefined && typeof a.executable !== 'boolean') throw bad('"executable" must be true or false');
  const u64 = (v: unknown, name: string, fallback?: bigint) => {
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || !/^\d+$/.test(v) || BigInt(v) > U64_MAX) throw bad(`"${name}" must be an unsigned 64-bit integer`);
    return BigInt(v);
  };
  return {
    address: doc.pubkey,
    account: {
      lamports: u64(a.lamports, 'lamports'),
      data: bytes,
      owner: a.owner,
      executable: a.executable === true,
      rentEpoch: u64(a.rentEpoch, 'rentEpoch', 0n),
    },
  };
}

/** The `solana account --output json` text of an account. */
export function formatAccountJson(address: string, a: Account): string {
  return `{
  "pubkey": "${address}",
  "account": {
    "lamports": ${a.lamports},
    "data": [
      "${bytesToBase64(a.data)}",
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
