/**
 * pino, the one logger of every Node-side process, and its bridge into Temporal's Runtime logger so that
 * SDK, worker, activity and (replay-aware) workflow logs all come out as one structured stream.
 *
 * @module
 */
import { pino, type Logger as Pino, type LevelWithSilent } from 'pino';
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';

export type { Pino };

/** A pino logger writing JSON lines to stderr (stdout stays free for a command's own output). */
export function createLogger(options: { level?: LevelWithSilent; base?: Record<string, unknown> } = {}): Pino {
  return pino({ level: options.level ?? process.env.LOG_LEVEL ?? 'info', base: options.base ?? {} }, pino.destination(2));
}

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** Adapts pino to Temporal's `Logger` interface (install with `Runtime.install({ logger })`). */
export function temporalLogger(log: Pino): Logger {
  const emit = (level: LogLevel, message: string, meta?: LogMetadata) => log[LEVELS[level]]((meta ?? {}) as object, message);
  return {
    log: emit,
    trace: (m, meta) => emit('TRACE', m, meta),
    debug: (m, meta) => emit('DEBUG', m, meta),
    info: (m, meta) => emit('INFO', m, meta),
    warn: (m, meta) => emit('WARN', m, meta),
    error: (m, meta) => emit('ERROR', m, meta),
  };
}
