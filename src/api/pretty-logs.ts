/**
 * `prettyLogs()` as LiteSVM formats logs (its `format_logs.rs`): one line per log entry, the
 * `Program log:` prefix dropped, each line coloured with ANSI codes by what it says: errors red and
 * bold, program logs green, privilege escalation grey and bold, the rest dim grey.
 */

const PROGRAM_LOG = 'Program log:';
/** Prefixes LiteSVM recognises, `Program log:` first since `Program` is its prefix. */
const SOURCES = [PROGRAM_LOG, 'Program', 'process_instruction:', 'solana_runtime:'];

const ERROR_WORDS = ['error: ', 'error ', 'err: ', 'err ', 'failure: ', 'failure ', 'failed: ', 'failed ', 'fail: ', 'fail '];

/** ANSI prefixes of ansi_term's `Colour::Fixed(9).bold()`, `Green`, `Fixed(243).bold()` and `Fixed(239)`. */
const ERROR = '\x1b[1;38;5;9m';
const VERY_HIGH = '\x1b[32m';
const HIGH = '\x1b[1;38;5;243m';
const LOW = '\x1b[38;5;239m';
const RESET = '\x1b[0m';

/** Rust's `trim_start`: Unicode white space only. */
const trimStart = (s: string) => s.replace(/^\p{White_Space}+/u, '');

function formatLine(line: string): string {
  const source = SOURCES.find((prefix) => line.startsWith(prefix)) ?? '';
  const message = trimStart(line.slice(source.length));
  const lower = message.toLowerCase();
  const colour = ERROR_WORDS.some((w) => lower.includes(w))
    ? ERROR
    : lower.includes('signer privilege escalated')
      ? HIGH
      : source === PROGRAM_LOG
        ? VERY_HIGH
        : LOW;
  const text = source === '' || source === PROGRAM_LOG ? message : `${source} ${message}`;
  return `${colour}${text}${RESET}`;
}

/** The logs as LiteSVM's `prettyLogs()` prints them (empty entries skipped, each line ending in a newline). */
export function prettyLogs(logs: readonly string[]): string {
  return logs
    .filter((line) => line !== '')
    .map((line) => `${formatLine(line)}\n`)
    .join('');
}
