import type { ErrorCode } from '../core/index.js';

/**
 * The one map from error codes to HTTP statuses. Every route answers an `EngineError` with the
 * status here and a body that carries the code: `{"error": {"code", "message"}}` under `/v1`,
 * `{"message"}` on the HMA-compatible routes (their clients read `message`).
 */
export const httpStatusOfCode: Readonly<Record<ErrorCode, number>> = {
  INPUT_NOT_FOUND: 404,
  INPUT_UNREADABLE: 400,
  INPUT_EMPTY: 400,
  INPUT_TOO_LARGE: 413,
  IMAGE_UNSUPPORTED_FORMAT: 400,
  IMAGE_CORRUPT: 400,
  IMAGE_TOO_MANY_PIXELS: 413,
  VIDEO_DECODER_MISSING: 500,
  VIDEO_UNREADABLE: 400,
  VIDEO_STALLED: 504,
  SIGNAL_INVALID_HASH: 400,
  SIGNAL_UNKNOWN: 400,
  URL_INVALID: 400,
  URL_HOST_NOT_ALLOWED: 400,
  URL_FETCH_FAILED: 400,
  URL_TIMEOUT: 400,
  BANK_NOT_FOUND: 404,
  BANK_ALREADY_EXISTS: 403,
  BANK_INVALID_NAME: 400,
  BANK_INVALID_SETTINGS: 400,
  CONTENT_NOT_FOUND: 404,
  CONTENT_INVALID: 400,
  CASE_NOT_FOUND: 404,
  CASE_TRANSITION_INVALID: 409,
  STREAM_NOT_FOUND: 404,
  STREAM_BUDGET_EXCEEDED: 503,
  EVIDENCE_NOT_FOUND: 404,
  EVIDENCE_UNREADABLE: 500,
  REASON_REQUIRED: 400,
  AUDIT_CHAIN_BROKEN: 500,
  AUDIT_CHECKPOINT_INVALID: 400,
  EVENT_INVALID: 400,
  LABEL_UNKNOWN: 400,
  PAYMENT_INVALID: 400,
  IMPORT_INVALID_FORMAT: 400,
  INDEX_NOT_READY: 503,
  HASHER_BUSY: 503,
  STORAGE_UNAVAILABLE: 503,
  REQUEST_INVALID: 400,
  REQUEST_TOO_LARGE: 413,
  ROUTE_NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_FORBIDDEN: 403,
  KEY_NOT_FOUND: 404,
  ORIGIN_FORBIDDEN: 403,
  HOST_NOT_ALLOWED: 421,
  CONFIG_INVALID: 500,
  CONSOLE_NOT_BUILT: 503,
  INTERNAL: 500,
};

/**
 * Seconds a client is told to wait (`Retry-After`) before retrying a request refused with these
 * codes: a momentary overload, not a fault of the request.
 */
export const retryAfterSecondsOfCode: Readonly<Partial<Record<ErrorCode, number>>> = {
  HASHER_BUSY: 2,
};
