/**
 * The expressions the debugger evaluates (watch, hover, the debug console): a small part of C.
 *
 *     expression := term (('+' | '-') term)*
 *     term       := '*' term | '&' term | '-' term | '(' type ')' term | postfix
 *     postfix    := primary ('.' name | '->' name | '[' expression ']')*
 *     primary    := number | name | name '@entry' | '(' expression ')'
 *     type       := words naming a type (`struct point`, `unsigned long`, `Entry`), qualifiers, '*'s
 *
 * `name@entry` is a parameter as the function was entered with it (as GDB writes it). Everything
 * else — other operators, calls, assignments — is refused with an {@link ExpressionError}.
 */
import { WebsvmError } from '../errors.js';

/**
 * Why an expression has no value: `UnsupportedExpression` (not in the grammar above),
 * `UnknownName` (no such register, variable, parameter or type here), `InvalidOperand` (an
 * operation its operand's type does not have, such as a member of an integer), `Unavailable` (a
 * value it needs is optimized out or in memory that cannot be read).
 */
export class ExpressionError extends WebsvmError<'UnsupportedExpression' | 'UnknownName' | 'InvalidOperand' | 'Unavailable'> {}

/** A parsed expression; `text` is its source, for messages and for naming its value. */
export type Expression =
  | { kind: 'number'; value: bigint; text: string }
  | { kind: 'name'; name: string; atEntry: boolean; text: string }
  | { kind: 'member'; of: Expression; field: string; text: string }
  | { kind: 'index'; of: Expression; index: Expression; text: string }
  | { kind: 'unary'; op: '*' | '&' | '-'; of: Expression; text: string }
  | { kind: 'binary'; op: '+' | '-'; left: Expression; right: Expression; text: string }
  /** `(type)of`, `type` being the type's words without qualifiers, and `pointers` the stars after them. */
  | { kind: 'cast'; type: string; pointers: number; of: Expression; text: string };

interface Token {
  kind: 'number' | 'name' | 'punctuation';
  text: string;
  at: number;
  end: number;
}

const TOKEN = /\s*(?:(0[xX][0-9a-fA-F]+|\d+)|([A-Za-z_]\w*(?:@entry)?)|(->|[.[\]()*&+-]))/y;
const QUALIFIERS = new Set(['const', 'volatile', 'restrict']);
/** Tokens a term can start with, after a cast's closing parenthesis. */
const STARTS_TERM = new Set(['(', '*', '&']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (;;) {
    const start = TOKEN.lastIndex;
    if (source.slice(start).trim() === '') return tokens;
    const m = TOKEN.exec(source);
    if (!m) {
      const at = start + (source.slice(start).length - source.slice(start).trimStart().length);
      throw new ExpressionError(
        'UnsupportedExpression',
        `cannot evaluate ${source.trim()}: '${source[at]}' is not part of the expressions the debugger reads`,
        {
          expression: source,
          column: at,
        },
      );
    }
    const text = m[1] ?? m[2] ?? m[3]!;
    tokens.push({ kind: m[1] ? 'number' : m[2] ? 'name' : 'punctuation', text, at: TOKEN.lastIndex - text.length, end: TOKEN.lastIndex });
  }
}

/** Parses `source`; `isType` says which words name a type, for telling a cast from a parenthesised expression. */
export function parseExpression(source: string, isType: (name: string) => boolean): Expression {
  const tokens = tokenize(source);
  let i = 0;
  const peek = (offset = 0) => tokens[i + offset];
  const unsupported = (why: string) => new ExpressionError('UnsupportedExpression', `cannot evaluate ${source.trim()}: ${why}`, { expression: source });
  const expect = (text: string) => {
    if (peek()?.text !== text) throw unsupported(peek() ? `expected '${text}' before '${peek()!.text}'` : `expected '${text}' at the end`);
    i++;
  };
  /** The source from token `first` up to the last one read. */
  const textFrom = (first: number) => source.slice(tokens[first]!.at, tokens[i - 1]!.end);

  const expression = (): Expression => {
    const first = i;
    let left = term();
    while (peek()?.text === '+' || peek()?.text === '-') {
      const op = tokens[i++]!.text as '+' | '-';
      const right = term();
      left = { kind: 'binary', op, left, right, text: textFrom(first) };
    }
    return left;
  };

  const term = (): Expression => {
    const first = i;
    const t = peek();
    if (t?.text === '*' || t?.text === '&' || t?.text === '-') {
      i++;
      const of = term();
      return { kind: 'unary', op: t.text, of, text: textFrom(first) };
    }
    const cast = t?.text === '(' ? castType() : undefined;
    if (cast) {
      const of = term();
      return { kind: 'cast', ...cast, of, text: textFrom(first) };
    }
    return postfix();
  };

  /** At '(': the cast's type, read past its ')', when what the parentheses hold names a type. */
  const castType = (): { type: string; pointers: number } | undefined => {
    let at = i + 1;
    const words: string[] = [];
    let qualified = false;
    while (tokens[at]?.kind === 'name') {
      const word = tokens[at++]!.text;
      if (QUALIFIERS.has(word)) qualified = true;
      else words.push(word);
    }
    let pointers = 0;
    while (tokens[at]?.text === '*') [at, pointers] = [at + 1, pointers + 1];
    while (QUALIFIERS.has(tokens[at]?.text ?? '')) [at, qualified] = [at + 1, true];
    if (tokens[at]?.text !== ')' || words.length === 0) return undefined;
    // `(x)` alone could be a variable in parentheses: a cast when a term follows. Words that can
    // only be a type (`(struct s *)p`) are a cast even when no type has that name.
    const type = words.join(' ');
    const next = tokens[at + 1];
    const termFollows = next !== undefined && (next.kind !== 'punctuation' || STARTS_TERM.has(next.text));
    const plainlyType = pointers > 0 || qualified || words.length > 1;
    const known = isType(type);
    if (!(known ? plainlyType || termFollows : plainlyType && termFollows)) return undefined;
    if (!known) throw new ExpressionError('UnknownName', `no type ${type} in this program`, { type });
    i = at + 1;
    return { type, pointers };
  };

  const postfix = (): Expression => {
    const first = i;
    let of = primary();
    for (;;) {
      const t = peek();
      if (t?.text === '.' || t?.text === '->') {
        i++;
        const field = peek();
        if (field?.kind !== 'name' || field.text.includes('@')) throw unsupported(`expected a member name after '${t.text}'`);
        i++;
        of = { kind: 'member', of, field: field.text, text: textFrom(first) };
      } else if (t?.text === '[') {
        i++;
        const index = expression();
        expect(']');
        of = { kind: 'index', of, index, text: textFrom(first) };
      } else return of;
    }
  };

  const primary = (): Expression => {
    const t = peek();
    if (!t) throw unsupported('it ends where a value was expected');
    i++;
    if (t.kind === 'number') return { kind: 'number', value: BigInt.asUintN(64, BigInt(t.text)), text: t.text };
    if (t.kind === 'name') {
      const atEntry = t.text.endsWith('@entry');
      return { kind: 'name', name: atEntry ? t.text.slice(0, -'@entry'.length) : t.text, atEntry, text: t.text };
    }
    if (t.text === '(') {
      const inner = expression();
      expect(')');
      return inner;
    }
    throw unsupported(`'${t.text}' where a value was expected`);
  };

  const parsed = expression();
  if (i < tokens.length) throw unsupported(`'${tokens[i]!.text}' is not an operator the debugger reads`);
  return parsed;
}
