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
  VIDEO_DECODER_MISSING: 'No ffmpeg executable was found to decode video',
  VIDEO_UNREADABLE: 'The video could not be opened or decoded',
  VIDEO_STALLED: 'The video source produced no frames for longer than the stall timeout',
  SIGNAL_INVALID_HASH: 'The value is not a valid hash for its signal type',
  SIGNAL_UNKNOWN: 'No signal type has that name',
  URL_INVALID: 'The URL is malformed or uses an unsupported scheme',
  URL_HOST_NOT_ALLOWED: 'The URL points at a host that is not allowed',
  URL_FETCH_FAILED: 'The URL could not be fetched',
  URL_TIMEOUT: 'Fetching the URL took longer than the configured timeout',
  BANK_NOT_FOUND: 'No bank has that name or id',
  BANK_ALREADY_EXISTS: 'A bank with that name already exists',
  BANK_INVALID_NAME: 'Bank names are UPPER_WITH_UNDERSCORES: [A-Z_][A-Z0-9_]*',
  BANK_INVALID_SETTINGS: 'A bank setting is out of range',
  CONTENT_NOT_FOUND: 'No bank content has that id',
  CONTENT_INVALID: 'The content metadata, note or signals are invalid',
  CASE_NOT_FOUND: 'No case has that id',
  CASE_TRANSITION_INVALID: 'The case cannot make that change in its lifecycle',
  QUEUE_NOT_FOUND: 'No review queue has that name',
  CASE_NOT_QUEUED: 'The case is decided, reported or closed: it is in no queue',
  CASE_CLAIMED: 'Another person holds a live claim on the case',
  CLAIM_NOT_HELD: 'The person holds no live claim on the case',
  REPORTING_NOT_CONFIGURED:
    'Submitting reports needs settings that are missing (credentials, or the reporter in reports.yaml)',
  CASE_ALREADY_REPORTED: 'The case is already reported there (or being reported); a further report is supplemental',
  STREAM_NOT_FOUND: 'No watched stream has that id',
  STREAM_BUDGET_EXCEEDED: 'The stream does not fit the CPU budget for stream watching',
  ACTION_ENDPOINT_NOT_FOUND: 'actions.yaml declares no server-sent events endpoint with that name',
  ACTIONS_STREAM_BUSY: 'Too many subscribers hold /v1/actions/stream open',
  ACTIONS_STREAM_SLOW_CONSUMER: 'The subscriber read the action stream too slowly; its connection was ended',
  EVENT_INVALID: 'The event does not match its type',
  VERDICT_TIMEOUT: 'The event was accepted, but no worker committed its verdict within the wait',
  LABEL_UNKNOWN: 'The policy declares no label with that name',
  PAYMENT_INVALID: 'The payment message is malformed or misses a required field',
  MODEL_TRAINING_INSUFFICIENT:
    'The labelled examples cannot train a payer model: too few confirmed or cleared accounts, or a constant feature',
  MODEL_INPUT_INVALID:
    'A training example or scored feature is malformed: a non-finite value, a reserved or overlong name, mixed labels',
  EVIDENCE_NOT_FOUND: 'No preserved evidence item has that id (or its retention has ended)',
  EVIDENCE_UNREADABLE: 'The evidence item cannot be decrypted: wrong key, or it was altered',
  EVIDENCE_INVALID: 'The evidence to preserve, its retention or a legal hold is malformed',
  EVIDENCE_KEY_UNKNOWN: 'The evidence item is wrapped with a key id the key ring does not hold',
  EVIDENCE_HOLD_NOT_FOUND: 'No active legal hold on evidence has that id',
  MEDIA_NOT_FOUND: 'No media item of a case the person may see has that id (or that frame)',
  MESSAGE_NOT_FOUND: 'No chat message of a case the person may see has that id',
  REVEAL_EXPIRED: 'The reveal link is unknown, was used already, or is past its 60 seconds',
  EXPOSURE_LIMIT: "The person reached the organisation's exposure limit: no more reveals today",
  REASON_REQUIRED: 'Reading or changing case material needs a reason: non-blank text',
  AUDIT_CHAIN_BROKEN: 'The audit log does not verify: an entry was edited, removed, reordered or malformed',
  AUDIT_CHECKPOINT_INVALID: 'The audit checkpoint or key is malformed, or its signature does not verify',
  EXCHANGE_AUTH_FAILED: 'The exchange refused the credentials (HTTP 401 or 403)',
  EXCHANGE_UNAVAILABLE: 'The exchange could not be reached, or kept answering with an error',
  EXCHANGE_TIMEOUT: 'The exchange did not answer within the deadline',
  EXCHANGE_PAGE_MALFORMED: 'A page from the exchange could not be read; nothing from it was committed',
  EVENT_UNREADABLE: 'A stored event could not be read back (its row is damaged); it was dead-lettered',
  BUS_MESSAGE_UNREADABLE: 'A message on the event bus is not JSON; a worker dead-lettered it',
  BUS_EVENT_REFUSED: 'A message on the event bus is not an event the engine accepts; a worker dead-lettered it',
  BUS_DELIVERIES_EXHAUSTED:
    'An event on the event bus was delivered as often as the consumer allows without being committed; it was dead-lettered',
  BUS_PARTITIONS_MISMATCH:
    'This node was started with another bus partition count than the one the shared store records for the deployment',
  BUS_PARTITION_LOST:
    'A worker no longer holds the lease of the bus partition it was processing; its batch was not committed',
  BUS_PEER_UNAVAILABLE:
    "A partitioned worker could not use the features of another partition (no owner answered, or the owner changed or rebuilt them before the batch's commit); its batch was not committed and is tried again",
  EVENT_DERIVATION_FAILED:
    'A rule pack could not derive events from an ingested event; the event was logged without them and the failure dead-lettered under it',
  EXCHANGE_INVALID: "The exchange's name, kind, configuration or credentials are malformed",
  EXCHANGE_NOT_FOUND: 'No exchange has that name',
  EXCHANGE_ALREADY_EXISTS: 'An exchange or a bank already has that name',
  EXCHANGE_BUSY: 'Another process holds the fetch lease of this exchange',
  EXCHANGE_SIGNATURE_INVALID: "A peer exchange page's Ed25519 signature does not verify with the publisher's key",
  EXCHANGE_CREDENTIALS_UNREADABLE:
    'Stored exchange credentials cannot be decrypted: no key ring, an unknown key id, or altered',
  EXCHANGE_FEEDBACK_UNSUPPORTED:
    "The exchange's API takes no feedback (its kind, or StopNCII without a feedback function key)",
  IMPORT_INVALID_FORMAT: 'The hash list format is unknown or its header is wrong',
  INDEX_NOT_READY: 'The match index is still loading',
  HASHER_BUSY: 'Every media hashing worker is busy and the queue is full',
  STORAGE_UNAVAILABLE: 'The database could not be reached or migrated',
  REQUEST_INVALID: 'The request is malformed or misses a required field',
  REQUEST_TOO_LARGE: 'The request body is larger than the configured limit',
  ROUTE_NOT_FOUND: 'No route matches the method and path',
  AUTH_REQUIRED: 'The request needs an API key (a signed-in session on the console)',
  AUTH_FORBIDDEN: 'The API key lacks the scope (the person the permission) this request needs',
  KEY_NOT_FOUND: 'No active API key has that id',
  AUTH_INVALID: 'The login or the password is wrong (the same answer for an unknown login)',
  AUTH_THROTTLED: 'Too many failed sign-ins for this login: it is locked for a short while',
  CSRF_REJECTED: "A console write without the session's CSRF token in x-csrf-token",
  PERSON_NOT_FOUND: 'No person has that login',
  PERSON_ALREADY_EXISTS: 'A person with that login already exists',
  PERSON_INVALID: 'A login, display name, password or role is not acceptable',
  OIDC_FAILED: 'Single sign-on did not complete: a bad or stale state, or the identity provider refused',
  ORIGIN_FORBIDDEN: 'A browser request from another site may not change anything',
  HOST_NOT_ALLOWED: 'The request names a host this server is not configured to answer for',
  CONFIG_INVALID: 'A configuration value is invalid',
  LEXICON_INVALID: 'A chat lexicon file or one of its entries is not acceptable',
  LEXICON_NOT_FOUND: 'No chat lexicon bank has that name',
  CONSOLE_NOT_BUILT: 'The review console is not built (run npm run build:console)',
  INTERNAL: 'An unexpected internal error',
} as const;

/** One of the registered error codes. */
export type ErrorCode = keyof typeof errorCodes;

/** Every registered code, in registry order. */
export const allErrorCodes = Object.keys(errorCodes) as ErrorCode[];
