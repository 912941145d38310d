import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout: one line per event with `event`, `doc`, `conn`, `reason`,
 * `ms` as they apply. Never log tokens, passwords or message bodies.
 * The logger is created once in main and passed down.
 */
export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.LOG_LEVEL ?? 'info';
  return opts.destination ? pino({ level, base: undefined }, opts.destination) : pino({ level, base: undefined });
}

/** A logger that drops everything (tests that do not look at logs). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
