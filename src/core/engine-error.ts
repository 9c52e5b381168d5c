import { type ErrorCode, errorCodes } from './error-codes.js';

/**
 * The one error type of Prevail. Do not subclass it: a failure is told apart by its `code`, from
 * the closed registry in `error-codes.ts`, never by its class. Transport layers map codes to
 * their own vocabulary (HTTP status, CLI exit status) in one place each.
 *
 * `message` is written for the person who sent the input and may name that input; `cause` keeps
 * the underlying error for logs and is never serialised, so library internals and any case
 * material cannot leak through `toJSON()`.
 *
 * @example
 * throw new EngineError('SIGNAL_INVALID_HASH', 'a PDQ hash has 64 hex characters, got 12');
 */
export class EngineError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? errorCodes[code], options);
    if (new.target !== EngineError) {
      throw new TypeError('EngineError must not be subclassed; use a code from the registry');
    }
    this.name = 'EngineError';
    this.code = code;
  }

  /** The short title registered for this error's code. */
  get title(): string {
    return errorCodes[this.code];
  }

  /** The public fields only: `{ code, message }`. */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

/** True when `value` is an `EngineError`. */
export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}

/**
 * Wraps anything thrown into an `EngineError`, keeping an existing one as it is and turning any
 * other into `INTERNAL` with the original kept as `cause`.
 */
export function toEngineError(value: unknown): EngineError {
  if (value instanceof EngineError) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new EngineError('INTERNAL', message, { cause: value });
}
