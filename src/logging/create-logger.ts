import { type DestinationStream, type Logger as PinoLogger, pino } from 'pino';

/**
 * Prevail's logger: pino, the logger Fastify is built on, so the server's request logs and the
 * modules' own reports are one stream of JSON lines. Modules take it as an optional parameter
 * and log through it instead of `console` or `process.emitWarning`.
 */
export type Logger = PinoLogger;

/** Log levels, most to least verbose; `silent` logs nothing. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** One of `logLevels`. */
export type LogLevel = (typeof logLevels)[number];

/** How the composition root wants its logger. */
export interface LoggerSettings {
  /** Lowest level written (`PREVAIL_LOG_LEVEL`, `--log-level`; default `info`). */
  readonly level: LogLevel;
  /** Where lines go; standard error when absent (standard output is the CLI's data channel). */
  readonly destination?: DestinationStream;
}

/**
 * Creates the one logger of a process, at the composition root (`prevail serve`, `main.ts`).
 * Lines are JSON on standard error by default, so a command's JSONL output on standard output
 * is never mixed with logs. Secrets that may reach a log line (API keys in the `authorization`
 * header) are redacted.
 */
export function createLogger(settings: LoggerSettings): Logger {
  return pino(
    {
      name: 'prevail',
      level: settings.level,
      redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    settings.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** A logger that writes nothing: the default of modules whose caller gave none (tests, library use). */
export function silentLogger(): Logger {
  // A destination that drops lines, so that a child given a louder level still writes nowhere.
  return pino({ level: 'silent' }, { write: () => undefined });
}
