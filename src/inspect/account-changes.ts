/**
 * The account changes of the inspector's page: each writable account the run changed, before and
 * after — lamports, owner, size, executable flag, its fields decoded by the owner's IDL when given,
 * and the rows of its data that differ, changed bytes marked.
 */
import { emptyAccount, sameAccountState, type Account } from '../runtime/accounts.js';
import type { ExecutionRecord } from '../runtime/transaction-context.js';
import { escapeHtml, grouped, hex, jsonText } from './html.js';
import type { ProgramNames } from './instruction-tree.js';

/** One account the run changed. */
export interface AccountChange {
  address: string;
  before: Account;
  after: Account;
  /** Whether it did not exist before (no lamports). */
  created: boolean;
}

const BYTES_PER_ROW = 16;
/** Rows of differing data shown per account; more are counted, not shown. */
const ROWS_SHOWN = 48;

/** The writable accounts whose state differs after the run, in the order of the run's accounts. */
export function accountChanges(execution: ExecutionRecord): AccountChange[] {
  const out: AccountChange[] = [];
  execution.keys.forEach((address, i) => {
    const after = execution.after[i];
    if (!execution.writable[i] || !after) return;
    const stored = execution.before[i];
    const before = stored ?? emptyAccount();
    if (!sameAccountState(before, after)) out.push({ address, before, after, created: stored === undefined || stored.lamports === 0n });
  });
  return out;
}

/** `after - before` with its sign. */
const delta = (before: bigint, after: bigint) => (after >= before ? `+${grouped(after - before)}` : `−${grouped(before - after)}`);

/** One row of hex, the bytes that differ from `other` marked. */
function hexRow(bytes: Uint8Array, other: Uint8Array, offset: number): string {
  let s = '';
  for (let i = offset; i < Math.min(offset + BYTES_PER_ROW, bytes.length); i++) {
    const b = hex(bytes.subarray(i, i + 1));
    s += (i >= other.length || other[i] !== bytes[i] ? `<mark>${b}</mark>` : b) + (i % 4 === 3 ? ' ' : '');
  }
  return s;
}

/** The rows of data where `before` and `after` differ (a row past one's end differs). */
function dataDiff(before: Uint8Array, after: Uint8Array): string {
  const length = Math.max(before.length, after.length);
  const rows: string[] = [];
  let differing = 0;
  for (let offset = 0; offset < length; offset += BYTES_PER_ROW) {
    const end = offset + BYTES_PER_ROW;
    let same = end <= before.length && end <= after.length;
    for (let i = offset; same && i < end; i++) same = before[i] === after[i];
    if (same) continue;
    if (++differing > ROWS_SHOWN) continue;
    rows.push(
      `<tr><td class="offset">${offset.toString(16).padStart(6, '0')}</td><td class="hex">${hexRow(before, after, offset)}</td><td class="hex">${hexRow(after, before, offset)}</td></tr>`,
    );
  }
  if (differing === 0) return '';
  const more = differing > ROWS_SHOWN ? `<p class="more">${differing - ROWS_SHOWN} more rows of 16 bytes differ.</p>` : '';
  return `<table class="data-diff"><thead><tr><th>offset</th><th>before</th><th>after</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}`;
}

/** The account's fields decoded by its owner's IDL, before and after; empty without a decoder. */
function decodedFields(change: AccountChange, names: ProgramNames): string {
  const side = (a: Account) => {
    const decoder = names.decoder(a.owner);
    if (!decoder || a.data.length === 0) return undefined;
    try {
      const decoded = decoder.decodeAnyAccount(a.data);
      return decoded && `<div class="type-name">${escapeHtml(decoded.name)}</div><pre class="decoded">${escapeHtml(jsonText(decoded.data))}</pre>`;
    } catch (e) {
      return `<p class="decode-error">IDL could not decode it: ${escapeHtml(e instanceof Error ? e.message : String(e))}</p>`;
    }
  };
  const before = side(change.before);
  const after = side(change.after);
  if (before === undefined && after === undefined) return '';
  return `<div class="decoded-pair"><div><h4>before</h4>${before ?? '<p class="none">—</p>'}</div><div><h4>after</h4>${after ?? '<p class="none">—</p>'}</div></div>`;
}

/** The changes as markup, the transaction's fee payer tagged. */
export function renderAccountChanges(changes: readonly AccountChange[], names: ProgramNames, feePayer: string | undefined): string {
  if (changes.length === 0) return '<p class="none">No account changed.</p>';
  return changes
    .map((c) => {
      const { before, after } = c;
      const row = (label: string, b: string, a: string, changed: boolean) =>
        `<tr${changed ? ' class="changed"' : ''}><th>${label}</th><td>${b}</td><td>${a}</td></tr>`;
      const rows = [
        row(
          'lamports',
          grouped(before.lamports),
          `${grouped(after.lamports)} <small>(${delta(before.lamports, after.lamports)})</small>`,
          before.lamports !== after.lamports,
        ),
        row('owner', names.label(before.owner), names.label(after.owner), before.owner !== after.owner),
        row('data', `${grouped(before.data.length)} bytes`, `${grouped(after.data.length)} bytes`, before.data.length !== after.data.length),
        row('executable', String(before.executable), String(after.executable), before.executable !== after.executable),
      ];
      const tags = [c.address === feePayer && 'fee payer', c.created && 'created', after.lamports === 0n && 'closed'].filter((t) => t !== false);
      const tag = tags.map((t) => `<span class="tag">${t}</span>`).join('');
      return (
        `<div class="account" data-address="${escapeHtml(c.address)}"><h3><code class="address">${escapeHtml(c.address)}</code>${tag}</h3>` +
        `<table class="account-fields"><thead><tr><th></th><th>before</th><th>after</th></tr></thead><tbody>${rows.join('')}</tbody></table>` +
        `${decodedFields(c, names)}${dataDiff(before.data, after.data)}</div>`
      );
    })
    .join('');
}
