/**
 * Rust's `{:?}` (Debug) notation, which the `litesvm` package's `toString()` methods print: strings
 * quoted with Rust's escapes, lists as `[a, b]`, structs as `Name { field: value }`.
 */

/** The characters {@link spelledAsCode} matches, made on first use (building its Unicode property sets is a measurable part of the import). */
let escaped: RegExp | undefined;
/** Whether `char::escape_debug` spells `c` as `\u{…}`: unprintable characters and grapheme extenders. */
const spelledAsCode = (c: string): boolean => (escaped ??= /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}\p{Grapheme_Extend}]/u).test(c);
const SHORT_ESCAPES: Readonly<Record<string, string>> = { '\0': '\\0', '\t': '\\t', '\r': '\\r', '\n': '\\n', '"': '\\"', '\\': '\\\\' };

/** A string as Rust's Debug prints a `str`. */
export function debugString(s: string): string {
  let out = '"';
  for (const c of s) {
    const short = SHORT_ESCAPES[c];
    if (short) out += short;
    else if (c !== ' ' && spelledAsCode(c)) out += `\\u{${c.codePointAt(0)!.toString(16)}}`;
    else out += c;
  }
  return `${out}"`;
}

/** Items already in Debug form, as a Rust `Vec` prints. */
export const debugList = (items: Iterable<string>): string => `[${[...items].join(', ')}]`;

/** Bytes (or any numbers) as a Rust `Vec<u8>` prints. */
export const debugBytes = (bytes: Iterable<number | bigint>): string => debugList([...bytes].map(String));

/** A struct: `Name { a: 1, b: 2 }`, its field values already in Debug form. */
export const debugStruct = (name: string, fields: Record<string, string | number | bigint | boolean>): string =>
  `${name} { ${Object.entries(fields)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ')} }`;

/** How `litesvm`'s native classes print: their Rust value inside the class name, `Name(…)`. */
export const wrapped = (name: string, debug: string): string => `${name}(${debug})`;
