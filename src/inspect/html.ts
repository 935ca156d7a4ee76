/**
 * Markup helpers of the inspector's page. Everything a program controls (logs, frame names,
 * account data, decoded fields) reaches the page through {@link escapeHtml}.
 */

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe as the content of an element or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Lower-case hex, two digits a byte. */
export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** A decoded value as indented JSON: integers beyond doubles as decimal strings, byte arrays as hex. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? `0x${hex(v)}` : v), 2) ?? 'undefined';
}

/** A number with thousands separated by thin spaces (compute units, lamports). */
export function grouped(n: number | bigint): string {
  return n.toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u2009');
}
