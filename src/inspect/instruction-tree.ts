/**
 * The instruction and CPI tree of the inspector's page: each frame with its program, compute units
 * (its callees' included, and its own), accounts and data (decoded by the program's IDL when
 * given), and its log lines in place, a callee's frame standing where its logs began.
 */
import type { ExecutionRecord, InstructionFrame } from '../runtime/transaction-context.js';
import { escapeHtml, grouped, hex, jsonText } from './html.js';
import type { ProgramDecoder } from './inspected-run.js';

/** One instruction of the trace with the CPIs it made. */
export interface FrameNode {
  readonly frame: InstructionFrame;
  /** `1`, `1.2`, `1.2.1`: top-level instructions and CPIs numbered from 1. */
  readonly path: string;
  readonly children: FrameNode[];
}

/** The trace as a tree (a frame's callees follow it with greater stack heights). */
export function frameTree(instructions: readonly InstructionFrame[]): FrameNode[] {
  const roots: FrameNode[] = [];
  const open: FrameNode[] = [];
  for (const frame of instructions) {
    while (open.length >= frame.stackHeight) open.pop();
    const parent = open[open.length - 1];
    const siblings = parent ? parent.children : roots;
    const node = { frame, path: parent ? `${parent.path}.${siblings.length + 1}` : String(siblings.length + 1), children: [] };
    siblings.push(node);
    open.push(node);
  }
  return roots;
}

/** The innermost frame that failed: the last one marked failed (a failed callee fails its callers after it). */
export function failedFrame(roots: readonly FrameNode[], failedInstruction: number | undefined): FrameNode | undefined {
  let found: FrameNode | undefined;
  const walk = (n: FrameNode) => {
    if (n.frame.failed) found = n;
    n.children.forEach(walk);
  };
  roots.forEach(walk);
  // A precompile fails outside the invoke path, unmarked: its top-level instruction is the frame.
  return found ?? (failedInstruction === undefined ? undefined : roots[failedInstruction]);
}

/** Looks up programs' names and decoders by address. */
export class ProgramNames {
  private readonly decoders = new Map<string, ProgramDecoder>();
  constructor(decoders: readonly ProgramDecoder[]) {
    for (const d of decoders) this.decoders.set(d.programId, d);
  }
  decoder(programId: string): ProgramDecoder | undefined {
    return this.decoders.get(programId);
  }
  /** The program as markup: its IDL name with the address beside it, or the address. */
  label(programId: string): string {
    const name = this.decoders.get(programId)?.name;
    const address = `<code class="address">${escapeHtml(programId)}</code>`;
    return name === undefined ? address : `<span class="program-name">${escapeHtml(name)}</span> ${address}`;
  }
}

/** The class of a log line, from what the runtime or the program wrote. */
function logClass(line: string): string {
  if (/^Program \S+ (invoke \[\d+\]|success|consumed \d+ of \d+ compute units)$/.test(line)) return 'log-runtime';
  if (/^Program \S+ failed: /.test(line)) return 'log-failure';
  if (line.startsWith('Program log: ')) return 'log-program';
  if (line.startsWith('Program data: ')) return 'log-data';
  if (line.startsWith('Program return: ')) return 'log-return';
  return 'log-other';
}

/** Runs a decoder on program-controlled bytes: a failure to decode is shown, never thrown. */
function tryDecode<T>(decode: () => T): T | { error: string } {
  try {
    return decode();
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Renders the trace's frames with the log lines of the run (`logs`). */
export class InstructionTreeView {
  constructor(
    private readonly execution: ExecutionRecord,
    private readonly logs: readonly string[],
    private readonly names: ProgramNames,
    /** The frame the run failed in, highlighted. */
    private readonly failed: FrameNode | undefined,
  ) {}

  render(roots: readonly FrameNode[]): string {
    if (roots.length === 0) return '<p class="none">No instruction ran.</p>';
    return roots.map((n) => this.frame(n)).join('');
  }

  private programId(f: InstructionFrame): string {
    return this.execution.keys[f.programTxIndex] ?? `#${f.programTxIndex}`;
  }

  private frame(node: FrameNode): string {
    const f = node.frame;
    const programId = this.programId(f);
    const decoder = this.names.decoder(programId);
    const decoded = decoder && tryDecode(() => decoder.decodeInstruction(f.data));
    const ixName = decoded && !('error' in decoded) ? `<span class="ix-name">${escapeHtml(decoded.name)}</span>` : '';
    const own = f.units - node.children.reduce((sum, c) => sum + c.frame.units, 0);
    const status = f.failed || node === this.failed ? '<span class="status failed">failed</span>' : '';
    const classes = `frame${node === this.failed ? ' failed-here' : ''}${f.failed ? ' failed' : ''}`;
    return (
      `<details class="${classes}" id="frame-${node.path}" data-path="${node.path}" data-program="${escapeHtml(programId)}" data-units="${f.units}" open>` +
      `<summary><span class="path">#${node.path}</span> ${this.names.label(programId)} ${ixName}` +
      `<span class="units">${grouped(f.units)} CU${node.children.length ? ` <small>(${grouped(own)} own)</small>` : ''}</span>${status}</summary>` +
      `<div class="frame-body">${this.details(f, decoded)}${this.body(node, decoder)}</div></details>`
    );
  }

  /** The instruction's accounts and data, collapsed. */
  private details(f: InstructionFrame, decoded: ReturnType<ProgramDecoder['decodeInstruction']> | { error: string }): string {
    const rows = f.accounts
      .map((a, i) => {
        const address = this.execution.keys[a.txIndex] ?? `#${a.txIndex}`;
        const flags = `${a.isWritable ? '<span class="flag">writable</span>' : ''}${a.isSigner ? '<span class="flag">signer</span>' : ''}`;
        return `<tr><td>${i}</td><td><code class="address">${escapeHtml(address)}</code></td><td>${flags}</td></tr>`;
      })
      .join('');
    const args =
      decoded === undefined
        ? ''
        : 'error' in decoded
          ? `<p class="decode-error">IDL could not decode the data: ${escapeHtml(decoded.error)}</p>`
          : `<pre class="decoded">${escapeHtml(jsonText(decoded.args))}</pre>`;
    return (
      `<details class="ix-details"><summary>${f.accounts.length} accounts, ${f.data.length} bytes of data</summary>` +
      (rows ? `<table class="ix-accounts"><tbody>${rows}</tbody></table>` : '') +
      `<pre class="ix-data">${f.data.length ? hex(f.data) : '(no data)'}</pre>${args}</details>`
    );
  }

  /** The frame's log lines with each callee in place: where its first line would be. */
  private body(node: FrameNode, decoder: ProgramDecoder | undefined): string {
    const f = node.frame;
    const parts: string[] = [];
    let at = f.logsFrom;
    const linesUpTo = (end: number) => {
      const lines = this.logs.slice(at, Math.max(at, end)).map((l) => this.logLine(l, decoder));
      if (lines.length) parts.push(`<ol class="logs" start="${at + 1}">${lines.join('')}</ol>`);
      at = Math.max(at, end);
    };
    for (const child of node.children) {
      linesUpTo(child.frame.logsFrom);
      parts.push(this.frame(child));
      at = Math.max(at, child.frame.logsTo);
    }
    linesUpTo(f.logsTo);
    return parts.join('');
  }

  private logLine(line: string, decoder: ProgramDecoder | undefined): string {
    const kind = logClass(line);
    const events = kind === 'log-data' && decoder ? tryDecode(() => decoder.decodeEvents([line])) : [];
    const decoded = 'error' in events ? [] : events.map((e) => `<div class="event">event ${escapeHtml(e.name)} ${escapeHtml(jsonText(e.data))}</div>`);
    return `<li class="log ${kind}">${escapeHtml(line)}${decoded.join('')}</li>`;
  }
}
