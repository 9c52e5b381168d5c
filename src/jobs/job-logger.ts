/**
 * The logger jobs write to: the structural part of pino's API that they use, so that any
 * pino-compatible logger (`pino()`, Fastify's `app.log`) can be passed without this module
 * depending on it.
 */
export interface JobLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The default when none is given: warnings and errors as one JSON line each on stderr (a failing
 * job must never go unnoticed), information dropped.
 */
export const stderrJobLogger: JobLogger = {
  info: () => undefined,
  warn: (obj, msg) => writeLine('warn', obj, msg),
  error: (obj, msg) => writeLine('error', obj, msg),
};

function writeLine(level: string, obj: object, msg: string | undefined): void {
  try {
    process.stderr.write(`${JSON.stringify({ level, time: new Date().toISOString(), ...obj, msg })}\n`);
  } catch {
    // A closed stderr must not turn a logged failure into a new one.
  }
}
