/**
 * websvm's own diagnostics (program loading, JIT compilation, transactions processed) through
 * pino. Silent unless `WEBSVM_LOG` names a level (`debug`, `info` …). Program log lines are not
 * part of these diagnostics unless `WEBSVM_LOG_PROGRAMS=1` asks for them.
 */
import { pino } from 'pino';

const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {};

const level = env.WEBSVM_LOG || 'silent';
const onNode = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** The diagnostics logger (level from `WEBSVM_LOG`, default `silent`); on Node it writes to stderr. */
export const log = onNode && level !== 'silent' ? pino({ name: 'websvm', level }, pino.destination(2)) : pino({ name: 'websvm', level });

/** Whether program log lines are copied into the diagnostics. */
export const logProgramLines = env.WEBSVM_LOG_PROGRAMS === '1';
