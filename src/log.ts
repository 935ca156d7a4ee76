/**
 * websvm's own diagnostics (program loading, JIT compilation, transactions processed) through
 * pino. Silent unless `WEBSVM_LOG` names a level (`debug`, `info` …); pino is loaded only then, so
 * an import of websvm does not pay for it. Program log lines are not part of these diagnostics
 * unless `WEBSVM_LOG_PROGRAMS=1` asks for them.
 */
import type { Logger } from 'pino';
import { nodeModule, processEnv } from './platform.js';

/** The part of a pino logger websvm calls. */
export type DiagnosticsLogger = Pick<Logger, 'debug' | 'info' | 'warn' | 'isLevelEnabled'>;

const env = processEnv();

const level = env.WEBSVM_LOG || 'silent';

const silent: DiagnosticsLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  isLevelEnabled: () => false,
};

/** A pino logger writing to stderr, loaded synchronously on Node; silent where Node's loader is missing. */
function pinoLogger(): DiagnosticsLogger {
  const nodeRequire = nodeModule<{ createRequire(from: string): (id: string) => unknown }>('node:module')?.createRequire(import.meta.url);
  if (!nodeRequire) return silent;
  const { pino } = nodeRequire('pino') as typeof import('pino');
  return pino({ name: 'websvm', level }, pino.destination(2));
}

/** The diagnostics logger (level from `WEBSVM_LOG`, default `silent`). */
export const log: DiagnosticsLogger = level === 'silent' ? silent : pinoLogger();

/** Whether program log lines are copied into the diagnostics. */
export const logProgramLines = env.WEBSVM_LOG_PROGRAMS === '1';
