/** Structured logging: the one pino logger of a process, created at the composition root. */
export {
  createLogger,
  type Logger,
  type LoggerSettings,
  type LogLevel,
  logLevels,
  silentLogger,
} from './create-logger.js';
