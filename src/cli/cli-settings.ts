import { defaultSettings, type Settings } from '../config/index.js';
import { type Logger, silentLogger } from '../logging/index.js';

let current: { settings: Settings; logger: Logger } | undefined;

/**
 * The settings the running CLI was started with, for option defaults (`--data-dir` defaults to
 * `PREVAIL_DATA_DIR`, …): flags override them. `runCli` reads and validates the environment once
 * and installs the result with `useCliSettings` before any command is built; until then (a test
 * building a command directly) every setting has its default and the environment is not read.
 * (A holder rather than a parameter of every command builder: the commands only need defaults.)
 */
export function cliSettings(): Settings {
  current ??= { settings: defaultSettings(), logger: silentLogger() };
  return current.settings;
}

/** The CLI process's one logger (JSON lines on standard error at `PREVAIL_LOG_LEVEL`). */
export function cliLogger(): Logger {
  current ??= { settings: defaultSettings(), logger: silentLogger() };
  return current.logger;
}

/** Installs the settings `runCli` read (the composition root's one read of the environment) and its logger. */
export function useCliSettings(settings: Settings, logger: Logger): void {
  current = { settings, logger };
}
