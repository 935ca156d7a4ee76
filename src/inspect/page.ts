/**
 * The transaction inspector's page: one self-contained HTML document (no script, no network: its
 * Content-Security-Policy forbids both) with the run's outcome, where it failed, the instruction
 * and CPI tree with units and logs in place, the account changes, the return data and the
 * flamegraph of its profile.
 */
import { formatFrame, type Backtrace } from '../debug/index.js';
import { bytesToBase64, nodeModule, type NodeFs } from '../platform.js';
import { flamegraphSvg, type Profile } from '../profile/index.js';
import { accountChanges, renderAccountChanges } from './account-changes.js';
import { escapeHtml, grouped, hex } from './html.js';
import type { InspectedRun, ReportOptions } from './inspected-run.js';
import { failedFrame, frameTree, InstructionTreeView, ProgramNames, type FrameNode } from './instruction-tree.js';

/** Rows of the profile's function and line tables. */
const PROFILE_ROWS = 20;
/** Source lines shown either side of a failing line. */
const SOURCE_CONTEXT = 3;

/** What the page says of a transaction from the history, which keeps no trace of its instructions. */
const NOT_KEPT =
  'The instructions were not recorded: the transaction history keeps no trace. Call report() on the result of sendTransaction or simulateTransaction.';

/** Reads a source file from disk under Node; nothing in a browser, or when it cannot be read. */
function readFromDisk(file: string): string | undefined {
  const fs = nodeModule<NodeFs>('node:fs');
  try {
    return fs?.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

const section = (id: string, title: string, body: string) => `<section id="${id}"><h2>${title}</h2>${body}</section>`;

function summary(run: InspectedRun, roots: readonly FrameNode[]): string {
  const title =
    run.kind === 'transaction' ? `Transaction <code class="signature">${escapeHtml(run.signature ?? '')}</code>` : 'Instructions run without a transaction';
  const status = run.error === undefined ? '<span class="badge ok">success</span>' : `<span class="badge failed">failed</span>`;
  let cpis = 0;
  const count = (n: FrameNode) => n.children.forEach((c) => (cpis++, count(c)));
  roots.forEach(count);
  const facts = [
    ['compute units', grouped(run.computeUnits)],
    ...(run.fee === undefined ? [] : [['fee', `${grouped(run.fee)} lamports`]]),
    ['instructions', String(roots.length)],
    ['CPIs', String(cpis)],
    ['log lines', String(run.logs.length)],
  ];
  return `<header id="summary"><h1>${title} ${status}</h1>` + `<dl>${facts.map(([k, v]) => `<div><dt>${k}</dt><dd>${v}</dd></div>`).join('')}</dl></header>`;
}

/** The failing line with a few around it, when the source can be read. */
function sourceExcerpt(backtrace: Backtrace | undefined, readSource: (file: string) => string | undefined): string {
  const top = backtrace?.frames.find((f) => f.file !== undefined && f.line);
  if (!top?.file || !top.line) return '';
  const text = readSource(top.file);
  if (text === undefined) return '';
  const lines = text.split('\n');
  const from = Math.max(1, top.line - SOURCE_CONTEXT);
  const to = Math.min(lines.length, top.line + SOURCE_CONTEXT);
  const rows: string[] = [];
  for (let n = from; n <= to; n++) {
    rows.push(`<span class="source-line${n === top.line ? ' here' : ''}"><span class="line-no">${n}</span>${escapeHtml(lines[n - 1] ?? '')}</span>`);
  }
  return `<figure class="source"><figcaption>${escapeHtml(`${top.file}:${top.line}`)}</figcaption><pre>${rows.join('')}</pre></figure>`;
}

function failure(run: InspectedRun, failed: FrameNode | undefined, names: ProgramNames, readSource: (file: string) => string | undefined): string {
  if (run.error === undefined) return '';
  const parts = [`<p class="error">${escapeHtml(run.error)}</p>`];
  if (run.refused) parts.push('<p>Refused before execution: no instruction ran and no fee was charged.</p>');
  else if (!run.execution) parts.push(`<p>${NOT_KEPT}</p>`);
  else if (failed) {
    const programId = run.execution.keys[failed.frame.programTxIndex] ?? '';
    parts.push(`<p class="failed-frame">In <a href="#frame-${failed.path}">instruction #${failed.path}</a>, program ${names.label(programId)}.</p>`);
    const said = run.logs.slice(failed.frame.logsFrom, failed.frame.logsTo).filter((l) => l.startsWith(`Program ${programId} failed: `));
    for (const line of said) parts.push(`<pre class="failure-log">${escapeHtml(line)}</pre>`);
  } else parts.push('<p>Every instruction succeeded; the transaction failed on a check after them.</p>');
  if (run.kind === 'transaction' && run.execution) parts.push('<p class="note">Nothing the instructions wrote was committed; the fee payer paid the fee.</p>');
  if (run.kind === 'instructions')
    parts.push('<p class="note">The failed instruction changed nothing: the account changes are those of the instructions before it.</p>');
  const backtrace = run.backtrace;
  if (backtrace) {
    const rows = backtrace.frames.map(
      (f) => `<tr><td>${escapeHtml(formatFrame(f))}</td><td>${f.pc}</td><td>${f.programId ? names.label(f.programId) : ''}</td></tr>`,
    );
    parts.push(
      `<table class="backtrace"><thead><tr><th>frame (innermost first)</th><th>pc</th><th>program</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      sourceExcerpt(backtrace, readSource),
    );
  }
  return section('failure', 'Failure', parts.join(''));
}

function returnData(run: InspectedRun, names: ProgramNames): string {
  const { programId, data } = run.returnData;
  if (data.length === 0) return section('return-data', 'Return data', '<p class="none">None.</p>');
  return section(
    'return-data',
    'Return data',
    `<p>${grouped(data.length)} bytes from ${names.label(programId)}</p><pre class="hex-block">${hex(data)}</pre><pre class="base64">${bytesToBase64(data)}</pre>`,
  );
}

function profileSection(profile: Profile | undefined): string {
  if (!profile) {
    return section(
      'flamegraph',
      'Flamegraph',
      '<p class="none">Not profiled: turn profiling on (<code>svm.withProfiling()</code>; <code>websvm run --html</code> does) to see where the units went.</p>',
    );
  }
  const svg = profile.total > 0 ? flamegraphSvg(profile, { width: 1200 }) : '';
  const functions = profile
    .functions()
    .slice(0, PROFILE_ROWS)
    .map((f) => `<tr><td>${grouped(f.inclusive)}</td><td>${grouped(f.exclusive)}</td><td>${escapeHtml(f.name)}</td></tr>`);
  const lines = profile
    .lines()
    .slice(0, PROFILE_ROWS)
    .map((l) => `<tr><td>${grouped(l.units)}</td><td>${escapeHtml(`${l.file}:${l.line}`)}</td></tr>`);
  return section(
    'flamegraph',
    'Flamegraph',
    `<div class="flamegraph-box">${svg || '<p class="none">No units were spent in programs.</p>'}</div>` +
      `<div class="profile-tables"><table><thead><tr><th>inclusive</th><th>exclusive</th><th>function</th></tr></thead><tbody>${functions.join('')}</tbody></table>` +
      (lines.length ? `<table><thead><tr><th>units</th><th>line</th></tr></thead><tbody>${lines.join('')}</tbody></table>` : '') +
      '</div>',
  );
}

/** The page of `run`. */
export function renderReport(run: InspectedRun, options: ReportOptions = {}): string {
  const names = new ProgramNames(options.idls ?? []);
  const execution = run.execution;
  const roots = execution ? frameTree(execution.instructions) : [];
  const failed = run.error === undefined ? undefined : failedFrame(roots, run.failedInstruction);
  const missing = `<p class="none">${run.refused ? 'No instruction ran.' : NOT_KEPT}</p>`;
  const tree = execution ? new InstructionTreeView(execution, run.logs, names, failed).render(roots) : missing;
  const feePayer = run.kind === 'transaction' ? execution?.keys[0] : undefined;
  const changes = execution ? renderAccountChanges(accountChanges(execution), names, feePayer) : missing;
  const changesTitle =
    run.error !== undefined && run.kind === 'transaction' && execution ? 'Account changes <small>(not committed)</small>' : 'Account changes';
  const title = run.kind === 'transaction' ? `websvm transaction ${run.signature ?? ''}` : 'websvm instructions';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body>
${summary(run, roots)}
${failure(run, failed, names, options.readSource ?? readFromDisk)}
${section('instructions', 'Instructions', tree)}
${section('accounts', changesTitle, changes)}
${returnData(run, names)}
${profileSection(run.profile)}
<footer>Written by websvm's transaction inspector.</footer>
</body></html>
`;
}

const STYLE = `
:root{--fg:#1d2330;--muted:#667085;--line:#e3e7ee;--bg:#fff;--soft:#f6f8fb;--ok:#127a3e;--bad:#b42318;--mark:#fde68a}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1280px;padding:24px 32px;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
code,pre,.hex,.offset{font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px}
pre{white-space:pre-wrap;word-break:break-all;margin:6px 0;background:var(--soft);padding:8px 10px;border-radius:6px}
h1{font-size:20px;margin:0 0 12px;display:flex;align-items:center;gap:12px;flex-wrap:wrap}
h1 code{font-size:14px;font-weight:500;color:var(--muted);word-break:break-all}
h2{font-size:16px;margin:28px 0 10px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:0 0 8px;display:flex;gap:8px;align-items:center}
h4{margin:0 0 4px;font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
small{color:var(--muted);font-weight:400}
.badge{font-size:12px;font-weight:600;padding:2px 10px;border-radius:999px;color:#fff}
.badge.ok{background:var(--ok)}.badge.failed{background:var(--bad)}
dl{display:flex;flex-wrap:wrap;gap:10px 28px;margin:0}dl div{display:flex;flex-direction:column}
dt{font-size:12px;color:var(--muted)}dd{margin:0;font-size:16px;font-weight:600}
.none{color:var(--muted)}
#failure{border:1px solid #f4c7c3;background:#fff8f7;border-radius:8px;padding:4px 16px 12px}
#failure h2{border-color:#f4c7c3;color:var(--bad)}
.error{font-weight:600;color:var(--bad);font-size:15px}.note{color:var(--muted)}
.failure-log{background:#fdecea;color:var(--bad)}
table{border-collapse:collapse;margin:6px 0}th,td{text-align:left;padding:3px 10px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-weight:600;font-size:12px;color:var(--muted)}
.source pre{padding:6px 0}.source figcaption{font-size:12px;color:var(--muted)}.source{margin:8px 0}
.source-line{display:block;padding:0 10px}.source-line.here{background:#fdecea;font-weight:600}
.line-no{display:inline-block;width:3.5em;color:var(--muted);user-select:none}
details.frame{border:1px solid var(--line);border-left:4px solid #7a8aa6;border-radius:6px;margin:6px 0;background:var(--bg)}
details.frame.failed{border-left-color:var(--bad)}details.frame.failed-here{box-shadow:0 0 0 2px #f4c7c3}
details.frame>summary{cursor:pointer;padding:6px 10px;display:flex;gap:10px;align-items:baseline;flex-wrap:wrap;background:var(--soft);border-radius:6px 6px 0 0}
.frame-body{padding:4px 10px 8px 18px}
.path{font-weight:700}.program-name{font-weight:600}.ix-name{background:#e8eefc;color:#2c4a9a;padding:0 8px;border-radius:4px;font-weight:600}
.units{margin-left:auto;font-weight:600}.status.failed{color:var(--bad);font-weight:700}
.address{color:#3b4a66;word-break:break-all}
details.ix-details>summary{cursor:pointer;color:var(--muted);font-size:12px;margin:4px 0}
.flag{font-size:11px;border:1px solid var(--line);border-radius:4px;padding:0 5px;margin-right:4px;color:var(--muted)}
ol.logs{margin:4px 0;padding-left:3.2em;font-family:ui-monospace,Menlo,Consolas,"DejaVu Sans Mono",monospace;font-size:12.5px;white-space:pre-wrap;word-break:break-all}
ol.logs li::marker{color:#aab2c0}
.log-runtime{color:var(--muted)}.log-failure{color:var(--bad);font-weight:600}.log-data{color:#6941c6}.log-return{color:#0e7490}
.event{color:#6941c6;font-size:12px;white-space:pre-wrap}
.account{border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:10px 0}
.account-fields tr.changed td{background:#fffbeb}
.tag{font-size:11px;background:#e8eefc;color:#2c4a9a;border-radius:4px;padding:0 6px}
.decoded-pair{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:8px 0}
.type-name{font-weight:600}.decode-error{color:var(--bad)}
.data-diff td.hex{white-space:pre}mark{background:var(--mark);color:inherit;border-radius:2px}
.more{color:var(--muted);font-size:12px}
.flamegraph-box{overflow-x:auto;border:1px solid var(--line);border-radius:6px;padding:6px;background:#fffdf8}
.profile-tables{display:flex;gap:32px;flex-wrap:wrap;align-items:flex-start}.profile-tables td:not(:last-child){text-align:right;font-variant-numeric:tabular-nums}
footer{margin-top:36px;color:var(--muted);font-size:12px}
`;
