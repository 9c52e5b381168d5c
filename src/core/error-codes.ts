/**
 * The closed registry of error codes. Every failure Prevail reports carries one of these codes;
 * the code is the stable, machine-readable part (clients switch on it, `docs/errors.md` explains
 * it), and the title is a short human summary. A test checks that every code here is documented
 * and that no documented code is missing.
 *
 * Codes are storage-and-API keys: never rename or reuse one once released.
 */
export const errorCodes = {
  INPUT_NOT_FOUND: 'The input file or directory does not exist',
  INPUT_UNREADABLE: 'The input could not be read',
  INPUT_EMPTY: 'The input is empty (zero bytes)',
  INPUT_TOO_LARGE: 'The input is larger than the configured byte limit',
  IMAGE_UNSUPPORTED_FORMAT: 'The bytes are not an image format Prevail can decode',
  IMAGE_CORRUPT: 'The image is truncated or corrupt',
  IMAGE_TOO_MANY_PIXELS: 'The image has more pixels than the configured limit',
  SIGNAL_INVALID_HASH: 'The value is not a valid hash for its signal type',
  SIGNAL_UNKNOWN: 'No signal type has that name',
  URL_INVALID: 'The URL is malformed or uses an unsupported scheme',
  URL_HOST_NOT_ALLOWED: 'The URL points at a host that is not allowed',
  URL_FETCH_FAILED: 'The URL could not be fetched',
  URL_TIMEOUT: 'Fetching the URL took longer than the configured timeout',
  CONFIG_INVALID: 'A configuration value is invalid',
  INTERNAL: 'An unexpected internal error',
} as const;

/** One of the registered error codes. */
export type ErrorCode = keyof typeof errorCodes;

/** Every registered code, in registry order. */
export const allErrorCodes = Object.keys(errorCodes) as ErrorCode[];
