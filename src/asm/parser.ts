/**
 * Parser for solana-sbpf's assembly syntax: statements are labels (`name:`), directives
 * (`.fill 2, 0x95`) and instructions (`mnemonic op, op, …`) with register (`r3`), integer
 * (`-0x10`, `42`), memory (`[r1+8]`, `[r1 - 8]`) and label operands. As an extension of ours,
 * `//`, `;` and `#` start comments.
 */
import { toText } from '../arguments.js';
import { WebsvmError } from '../errors.js';

/** An assembler error (parse errors, unknown mnemonics and labels, bad operands). */
export class AsmError extends WebsvmError<'ParseError' | 'InvalidInstruction' | 'UnexpectedOperands' | 'LabelNotFound' | 'OutOfRange' | 'HashCollision'> {}

/** An operand. Integers are kept as BigInt so that `lddw` can carry 64 bits. */
export type Operand =
  { kind: 'reg'; reg: number } | { kind: 'int'; value: bigint } | { kind: 'mem'; reg: number; off: bigint } | { kind: 'label'; name: string };

/** A parsed statement with its source line (1-based) for error messages. */
export type Statement =
  | { kind: 'label'; name: string; line: number }
  | { kind: 'directive'; name: string; operands: Operand[]; line: number }
  | { kind: 'instruction'; name: string; operands: Operand[]; line: number };

const IDENT = /^[A-Za-z0-9_]+$/;

function parseInteger(text: string, line: number): bigint {
  const m = /^([+-]?)\s*(0x[0-9a-fA-F]+|[0-9]+)$/.exec(text);
  if (!m) throw new AsmError('ParseError', `Parse error at line ${line}: invalid integer ${JSON.stringify(text)}`);
  const magnitude = BigInt(m[2]);
  // Hex literals are read as u64 and reinterpreted as i64, like the reference.
  const value = m[2].startsWith('0x') ? BigInt.asIntN(64, magnitude) : magnitude;
  return m[1] === '-' ? -value : value;
}

function parseOperand(text: string, line: number): Operand {
  const t = text.trim();
  const reg = /^r([0-9]+)$/.exec(t);
  if (reg) return { kind: 'reg', reg: Number(reg[1]) };
  if (t.startsWith('[')) {
    const m = /^\[\s*r([0-9]+)\s*(?:([+-])\s*(0x[0-9a-fA-F]+|[0-9]+))?\s*\]$/.exec(t);
    if (!m) throw new AsmError('ParseError', `Parse error at line ${line}: invalid memory operand ${t}`);
    const off = m[3] === undefined ? 0n : parseInteger(`${m[2]}${m[3]}`, line);
    return { kind: 'mem', reg: Number(m[1]), off };
  }
  if (/^[+-]|^[0-9]/.test(t)) return { kind: 'int', value: parseInteger(t, line) };
  if (IDENT.test(t)) return { kind: 'label', name: t };
  throw new AsmError('ParseError', `Parse error at line ${line}: unexpected operand ${JSON.stringify(t)}`);
}

/** Parses assembly source into statements. */
export function parse(source: string): Statement[] {
  const out: Statement[] = [];
  const lines = toText(source, 'source', 'assembly text').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = i + 1;
    let text = lines[i].replace(/(\/\/|;|#).*$/, '').trim();
    // Any number of labels may precede a statement on the same line.
    for (let m = /^([A-Za-z0-9_]+):/.exec(text); m; m = /^([A-Za-z0-9_]+):/.exec(text)) {
      out.push({ kind: 'label', name: m[1], line });
      text = text.slice(m[0].length).trim();
    }
    if (text === '') continue;
    const head = /^(\.?)([A-Za-z0-9]+)\s*(.*)$/.exec(text);
    if (!head) throw new AsmError('ParseError', `Parse error at line ${line}: ${JSON.stringify(text)}`);
    const operands = head[3] === '' ? [] : head[3].split(',').map((o) => parseOperand(o, line));
    out.push(head[1] === '.' ? { kind: 'directive', name: head[2], operands, line } : { kind: 'instruction', name: head[2], operands, line });
  }
  return out;
}
