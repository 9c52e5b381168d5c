/**
 * Quick checks of the common, valid shape of an event, beside its zod schemas: each gives exactly
 * what the zod schema's `safeParse` gives for an input it accepts (the same keys in the same
 * order, arrays copied), or `undefined` whenever it is not sure, and then the caller asks zod,
 * which alone words the problems. So a quick check can only make validation faster, never more
 * or less permissive: on the payments path zod built a copy of every event twice, and it was
 * the largest part of ingesting a payment but storing it. `quick-checks.test.ts` holds the
 * checks to their schemas on generated inputs.
 */

/** The envelope fields of an event (see `envelope` in `event-validation.ts`). */
export interface QuickEnvelope {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly entities: Record<string, string>;
  readonly data: Record<string, unknown>;
}

/** A plain object as JSON gives it: not null, not an array, `Object.prototype` its prototype. */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * The envelope as `envelope.safeParse` gives it, when `input` is plainly valid: `pattern`s are the
 * envelope's own (the caller passes them, so the two never differ). `data` is the input's object
 * itself: the type's data check copies it.
 */
export function quickEnvelope(
  input: unknown,
  patterns: { readonly type: RegExp; readonly role: RegExp; readonly entityId: RegExp },
): QuickEnvelope | undefined {
  if (!isPlainRecord(input)) return undefined;
  const { id, type, time, entities, data } = input;
  if (typeof id !== 'string' || id.length < 1 || id.length > 200) return undefined;
  if (typeof type !== 'string' || !patterns.type.test(type)) return undefined;
  if (typeof time !== 'string' || Number.isNaN(Date.parse(time)) || !time.includes('T')) return undefined;
  if (!isPlainRecord(entities) || !isPlainRecord(data)) return undefined;
  const copied: Record<string, string> = {};
  for (const role of Object.keys(entities)) {
    const entity = entities[role];
    if (!patterns.role.test(role) || typeof entity !== 'string' || !patterns.entityId.test(entity)) return undefined;
    copied[role] = entity;
  }
  return { id, type, time, entities: copied, data };
}

/** One field of a quick data check: whether a present value passes, and its copy. */
type FieldCheck = (value: unknown) => boolean;

const maxLength =
  (limit: number): FieldCheck =>
  (value) =>
    typeof value === 'string' && value.length <= limit;
const matching =
  (pattern: RegExp): FieldCheck =>
  (value) =>
    typeof value === 'string' && pattern.test(value);
const oneOf =
  (...choices: string[]): FieldCheck =>
  (value) =>
    typeof value === 'string' && choices.includes(value);
const stringList =
  (items: number, length: number): FieldCheck =>
  (value) => {
    if (!Array.isArray(value) || value.length > items) return false;
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index];
      if (typeof item !== 'string' || item.length > length) return false;
    }
    return true;
  };

const country = matching(/^[A-Z]{2}$/);
const bic = matching(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/);
/** zod's `z.iso.date()` pattern (zod 4's `regexes.date`). */
const isoDate =
  /^(?:(?:\d\d[2468][048]|\d\d[13579][26]|\d\d0[48]|[02468][048]00|[13579][26]00)-02-29|\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\d|30)|(?:02)-(?:0[1-9]|1\d|2[0-8])))$/;

/**
 * The `payment.sent` data schema's fields in its order (see `event-types.ts`), each with its
 * check; `amount` and `currency` are required, the others optional.
 */
const paymentFields: readonly (readonly [string, FieldCheck])[] = [
  ['amount', (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0],
  ['currency', matching(/^[A-Z]{3}$/)],
  ['payer_country', country],
  ['payee_country', country],
  ['purpose', maxLength(200)],
  ['category_purpose', maxLength(200)],
  ['local_instrument', maxLength(200)],
  ['service_level', maxLength(200)],
  ['instruction_codes', stringList(20, 4)],
  ['payer_agent_bic', bic],
  ['payee_agent_bic', bic],
  ['remittance_info', maxLength(2000)],
  ['local_hour', (value) => typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 23],
  ['payer_type', oneOf('individual', 'organisation')],
  ['payee_type', oneOf('individual', 'organisation')],
  ['payer_birth_date', matching(isoDate)],
  ['payer_birth_country', country],
  ['declared_relationship', maxLength(50)],
  ['channel', maxLength(50)],
  ['merchant_category', maxLength(50)],
  ['crypto_risk_tags', stringList(50, 50)],
  ['funding_instrument', maxLength(200)],
  ['payer_name', maxLength(200)],
  ['payee_name', maxLength(200)],
];
/**
 * A quick data check of a loose object schema: `fields` are the schema's fields in its order,
 * each with its check, `required` those not optional. It gives the data as the schema gives it
 * when plainly valid: the schema's fields first, in the schema's order, then every other field in
 * the input's order; lists copied. Anything else (a field failing its check, a required one
 * missing, an optional one present as `undefined`, a `__proto__` key) is left to the schema.
 */
function looseData(
  fields: readonly (readonly [string, FieldCheck])[],
  required: readonly string[],
): (data: Record<string, unknown>) => Record<string, unknown> | undefined {
  const names = new Set(fields.map(([name]) => name));
  const needed = new Set(required);
  return (data) => {
    const out: Record<string, unknown> = {};
    for (const [name, check] of fields) {
      const value = data[name];
      if (value === undefined) {
        if (needed.has(name) || Object.hasOwn(data, name)) return undefined;
        continue;
      }
      if (!check(value)) return undefined;
      out[name] = Array.isArray(value) ? [...value] : value;
    }
    for (const name of Object.keys(data)) {
      if (names.has(name)) continue;
      // Keys zod would treat specially, and values it would not pass as they are.
      if (name === '__proto__' || data[name] === undefined) return undefined;
      out[name] = data[name];
    }
    return out;
  };
}

/** `payment.sent`'s data as its zod schema gives it, when plainly valid (see `looseData`). */
export const quickPaymentData = looseData(paymentFields, ['amount', 'currency']);

/** A finite number within `[min, max]`, a whole one (and safe) when `whole`. */
const numberIn =
  (min: number, max: number, whole: boolean): FieldCheck =>
  (value) =>
    typeof value === 'number' &&
    (whole ? Number.isSafeInteger(value) : Number.isFinite(value)) &&
    value >= min &&
    value <= max;
const amount = numberIn(0, Number.MAX_VALUE, false);
const count = numberIn(0, Number.MAX_SAFE_INTEGER, true);
const hour = numberIn(0, 23, true);
const flag: FieldCheck = (value) => typeof value === 'boolean';
const anyStrings = stringList(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
const accountAge: readonly (readonly [string, FieldCheck])[] = [
  ['age_assurance', oneOf('adult', 'minor', 'unknown')],
  ['age_years', numberIn(0, 130, true)],
  ['age_band', oneOf('under_13', '13_15', '16_17', 'adult', 'unknown')],
  ['age_source', oneOf('assured', 'declared')],
  ['verified_organisation', oneOf('school', 'coach', 'club', 'youth_service')],
];

/**
 * The quick data checks of the other built-in types that arrive in volume (`event-types.ts`
 * holds their schemas, `quick-checks.test.ts` holds each check to its schema), by type name.
 */
export const quickDataChecks: Readonly<
  Record<string, (data: Record<string, unknown>) => Record<string, unknown> | undefined>
> = {
  'account.created': looseData([['country', country], ...accountAge], []),
  'account.updated': looseData([['changed', anyStrings], ...accountAge], []),
  'session.started': looseData(
    [
      ['kind', oneOf('stream', 'call')],
      ['visibility', oneOf('public', 'followers', 'private')],
      ['viewer_count', count],
      ['country', country],
    ],
    ['kind', 'visibility'],
  ),
  'session.ended': looseData(
    [
      ['duration_seconds', amount],
      ['peak_viewers', count],
    ],
    ['duration_seconds'],
  ),
  'stream.viewer_joined': looseData([['country', country]], []),
  'gift.sent': looseData(
    [
      ['amount', amount],
      ['currency', matching(/^[A-Z]{3}$/)],
    ],
    ['amount'],
  ),
  'message.sent': looseData(
    [
      ['text', maxLength(20_000)],
      ['lexicon_hits', anyStrings],
      ['mutual_contacts', count],
      ['relationship', oneOf('family', 'guardian', 'school', 'coach', 'friend', 'none')],
      ['local_hour', hour],
      ['has_attachment', flag],
    ],
    [],
  ),
  'chat.indicator': looseData(
    [
      ['family', matching(/^(?:[a-z_]+|custom:[a-z][a-z0-9_]{0,62})$/)],
      ['confidence', numberIn(0, 1, false)],
      ['language', maxLength(16)],
      ['message_id', maxLength(256)],
      ['span_hash', matching(/^[0-9a-f]{64}$/)],
      ['lexicon', maxLength(100)],
      ['lexicon_version', count],
      ['entry_id', maxLength(100)],
    ],
    ['family', 'confidence', 'language', 'message_id', 'span_hash', 'lexicon', 'lexicon_version', 'entry_id'],
  ),
  'chat.handle': looseData(
    [
      ['kind', oneOf('gift_card_code', 'p2p_handle', 'crypto_wallet', 'phone_number', 'email', 'iban')],
      ['message_id', maxLength(256)],
    ],
    ['kind', 'message_id'],
  ),
  'report.filed': looseData(
    [
      ['category', maxLength(100)],
      ['text', maxLength(5000)],
    ],
    ['category'],
  ),
};
