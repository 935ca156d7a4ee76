/**
 * The debugger's expression grammar: what binds to what (shown fully parenthesised), casts told
 * from parenthesised expressions, and what is refused, with which kind of ExpressionError.
 */
import { describe, expect, it } from 'vitest';
import { ExpressionError, parseExpression, type Expression } from '../../src/debugger/expression.js';

const TYPES = new Set(['point', 'struct point', 'unsigned long', 'Entry']);

/** `e` with every operation in parentheses. */
function bracketed(e: Expression): string {
  switch (e.kind) {
    case 'number':
      return String(e.value);
    case 'name':
      return e.atEntry ? `${e.name}@entry` : e.name;
    case 'member':
      return `(${bracketed(e.of)}.${e.field})`;
    case 'index':
      return `(${bracketed(e.of)}[${bracketed(e.index)}])`;
    case 'unary':
      return `(${e.op}${bracketed(e.of)})`;
    case 'binary':
      return `(${bracketed(e.left)} ${e.op} ${bracketed(e.right)})`;
    case 'cast':
      return `((${e.type}${'*'.repeat(e.pointers)})${bracketed(e.of)})`;
  }
}

const parse = (source: string) => bracketed(parseExpression(source, (name) => TYPES.has(name)));
const refusal = (source: string) => {
  try {
    parse(source);
  } catch (e) {
    expect(e).toBeInstanceOf(ExpressionError);
    return (e as ExpressionError).kind;
  }
  throw new Error(`${source} parsed`);
};

describe('debugger expressions', () => {
  it('bind postfix operators tightest, then prefix ones and casts, then + and - from the left', () => {
    expect(parse('a.b->c[i + 1]')).toBe('(((a.b).c)[(i + 1)])');
    expect(parse('*p + 1')).toBe('((*p) + 1)');
    expect(parse('&a[1]')).toBe('(&(a[1]))');
    expect(parse('-a - b - 0x10')).toBe('(((-a) - b) - 16)');
    expect(parse('*(p + 1)')).toBe('(*(p + 1))');
    expect(parse('(struct point *)r1 + 1')).toBe('(((struct point*)r1) + 1)');
    expect(parse('((const point *)r1)->x')).toBe('(((point*)r1).x)');
    expect(parse('(unsigned long)x')).toBe('((unsigned long)x)');
    expect(parse('p@entry->x')).toBe('(p@entry.x)');
  });

  it('read a type name in parentheses as a cast only where a value follows it', () => {
    expect(parse('(Entry)x')).toBe('((Entry)x)');
    expect(parse('(Entry) - 1')).toBe('(Entry - 1)'); // a variable named like a type, less one
    expect(parse('(x)')).toBe('x');
    expect(refusal('(struct nothing *)p')).toBe('UnknownName');
  });

  it('refuse what the grammar does not have', () => {
    for (const source of ['a * b', 'f(x)', 'a = 1', 'a[1', '', 'a.', 'a.1', 'x@entry@entry', '"s"', 'a ? b : c']) {
      expect(refusal(source), source).toBe('UnsupportedExpression');
    }
  });
});
