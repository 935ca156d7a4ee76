/**
 * The TOML that `Anchor.toml` files use: `[tables]` and `[[arrays of tables]]` with dotted names,
 * `key = value` lines whose value is a string, number, boolean, or a one-line array or inline
 * table of those. Anything else is refused with its line number rather than misread.
 */
import { WebsvmError } from '../errors.js';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export function parseToml(text: string): TomlTable {
  const root: TomlTable = {};
  let current = root;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = withoutComment(raw).trim();
    if (line === '') return;
    const fail = (why: string) => new WebsvmError('InvalidAnchorToml', `Anchor.toml line ${i + 1}: ${why}: ${raw.trim()}`, { line: i + 1, why });
    const header = /^(\[\[?)\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      const path = header[2].split('.').map((k) => unquote(k.trim()));
      const parent = descend(root, path.slice(0, -1));
      const last = path[path.length - 1];
      if (header[1] === '[[') {
        const array = (parent[last] ??= []) as TomlValue[];
        if (!Array.isArray(array)) throw fail(`${last} is not an array of tables`);
        array.push((current = {}));
      } else current = descend(root, path);
      return;
    }
    const eq = line.indexOf('=');
    if (eq < 0) throw fail('expected key = value');
    const value = new ValueReader(line.slice(eq + 1).trim(), fail);
    current[unquote(line.slice(0, eq).trim())] = value.read();
    value.end();
  });
  return root;
}

/** The table at `path` under `root`, created as needed (the last element of an array of tables). */
function descend(root: TomlTable, path: string[]): TomlTable {
  let t = root;
  for (const key of path) {
    const next = (t[key] ??= {}) as TomlTable | TomlTable[];
    t = Array.isArray(next) ? next[next.length - 1] : next;
  }
  return t;
}

const unquote = (key: string) => (/^(["']).*\1$/.test(key) ? key.slice(1, -1) : key);

/** `line` up to a `#` that is not inside a string. */
function withoutComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#') return line.slice(0, i);
  }
  return line;
}

class ValueReader {
  private at = 0;
  constructor(
    private readonly text: string,
    private readonly fail: (why: string) => Error,
  ) {}

  end(): void {
    if (this.text.slice(this.at).trim() !== '') throw this.fail('unexpected text after the value');
  }

  read(): TomlValue {
    this.skipSpace();
    const c = this.text[this.at];
    if (c === '"' || c === "'") return this.string(c);
    if (c === '[') return this.sequence(']', () => this.read());
    if (c === '{') {
      const table: TomlTable = {};
      this.sequence('}', () => {
        const key = /^\s*("[^"]*"|'[^']*'|[\w-]+)\s*=/.exec(this.text.slice(this.at));
        if (!key) throw this.fail('expected key = value in an inline table');
        this.at += key[0].length;
        table[unquote(key[1])] = this.read();
      });
      return table;
    }
    const word = /^[^\s,\]}]+/.exec(this.text.slice(this.at))?.[0] ?? '';
    this.at += word.length;
    if (word === 'true' || word === 'false') return word === 'true';
    const n = Number(word.replace(/_/g, ''));
    if (word === '' || Number.isNaN(n)) throw this.fail('unsupported value');
    return n;
  }

  private skipSpace(): void {
    while (/\s/.test(this.text[this.at] ?? '')) this.at++;
  }

  private string(quote: string): string {
    let out = '';
    for (this.at++; this.at < this.text.length; this.at++) {
      const c = this.text[this.at];
      if (c === quote) {
        this.at++;
        return out;
      }
      if (c === '\\' && quote === '"') {
        const next = this.text[++this.at];
        out += ({ n: '\n', t: '\t', '"': '"', '\\': '\\' } as Record<string, string>)[next] ?? next;
      } else out += c;
    }
    throw this.fail('unterminated string');
  }

  /** Comma-separated items from the opening bracket at hand to `close` (a trailing comma allowed). */
  private sequence<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    this.at++;
    for (;;) {
      this.skipSpace();
      if (this.text[this.at] === close) {
        this.at++;
        return items;
      }
      items.push(item());
      this.skipSpace();
      if (this.text[this.at] === ',') this.at++;
      else if (this.text[this.at] !== close) throw this.fail(`expected , or ${close}`);
    }
  }
}
