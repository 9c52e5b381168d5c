import { z } from 'zod';
import { quickDataChecks, quickPaymentData } from './quick-checks.js';

/**
 * The built-in event types. Each declares the schema of its `data`, which entity roles it
 * requires, and the entity type of each role that is not its own type (a `gift.sent`'s
 * `recipient` is a `user`). Type names are storage keys: never rename one.
 *
 * Payloads are synthetic-friendly and plain: amounts are numbers in the currency's major unit,
 * countries ISO 3166-1 alpha-2, times ISO-8601.
 */
export interface EventTypeDefinition {
  readonly name: string;
  readonly description: string;
  /** Roles that must be present in `entities`. */
  readonly requiredRoles: readonly string[];
  /** Entity type of roles whose type is not the role's own name. */
  readonly roleTypes: Readonly<Record<string, string>>;
  /** Validates and normalises `data`. */
  readonly data: z.ZodType<Record<string, unknown>>;
  /**
   * A quick check of `data`'s common valid shape giving exactly what `data` gives, or `undefined`
   * when unsure (then `data` decides): see `quick-checks.ts`. Only where ingestion volume asks.
   */
  readonly quickData?: (data: Record<string, unknown>) => Record<string, unknown> | undefined;
  /**
   * The kind of entry an event of this type makes in a case timeline: `match` for evidence of
   * known media (reviewers and reports treat it as such), else `event` (the default). Declared
   * by the type so the engine, which writes the timeline, needs to know no event type by name.
   */
  readonly timelineKind?: TimelineEventKind;
}

/** The kind of case-timeline entry an event makes (see `EventTypeDefinition.timelineKind`). */
export type TimelineEventKind = 'event' | 'match';

const country = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as "PH"');
const currency = z.string().regex(/^[A-Z]{3}$/, 'expected an ISO 4217 currency code such as "USD"');
const amount = z.number().finite().nonnegative();

const match = z.looseObject({
  bank: z.string(),
  contentId: z.number().int(),
  signalType: z.string(),
  distance: z.number().int().nonnegative(),
  /** The bank item's category when the sender knows it (the console's warning screen names it). */
  category: z.string().max(255).optional(),
  /** The exchange that fetched the bank item, when one did (rules act on exchange matches with it). */
  exchange: z.string().max(255).optional(),
});

/**
 * Where the media an event is about can be seen, for the review console (Prevail keeps hashes,
 * never media): a platform URL the integrator registers (http or https; fetched later under the
 * server's URL policy, never at ingestion), or the id of a preserved evidence item (a matched
 * stream frame or upload). `kind` says whether it is an image or a video (default image). The case
 * timeline keeps it as given, in the entry's `detail.data.media`.
 */
const media = z.strictObject({
  url: z
    .string()
    .max(2048)
    .regex(/^https?:\/\//i, 'expected an http or https URL')
    .optional(),
  evidenceId: z
    .string()
    .regex(/^[0-9a-f-]{36}$/, 'expected an evidence item id (a UUID)')
    .optional(),
  kind: z.enum(['image', 'video']).optional(),
});

/**
 * What an account event may say about the holder's age. Each is optional and absent means
 * unknown (never "adult"): `age_assurance` is the platform's assurance result, `age_years` an
 * assured or declared age in whole years, `age_band` a band when only that is known, and
 * `age_source` says which of assured (an age-assurance check) or declared (self-stated) it is.
 */
const accountAge = {
  age_assurance: z.enum(['adult', 'minor', 'unknown']).optional(),
  age_years: z.number().int().min(0).max(130).optional(),
  age_band: z.enum(['under_13', '13_15', '16_17', 'adult', 'unknown']).optional(),
  age_source: z.enum(['assured', 'declared']).optional(),
};

/** An organisation the platform verified the account belongs to (a school, a sports club). */
const accountOrganisation = {
  verified_organisation: z.enum(['school', 'coach', 'club', 'youth_service']).optional(),
};

function eventType(
  name: string,
  description: string,
  requiredRoles: string[],
  roleTypes: Record<string, string>,
  data: z.ZodType<Record<string, unknown>>,
  timelineKind?: TimelineEventKind,
  quickData?: EventTypeDefinition['quickData'],
): EventTypeDefinition {
  return {
    name,
    description,
    requiredRoles,
    roleTypes,
    data,
    ...(timelineKind === undefined ? {} : { timelineKind }),
    ...(quickData === undefined ? {} : { quickData }),
  };
}

/** The type with its quick data check from `quickDataChecks`, when that has one. */
function withQuickCheck(type: EventTypeDefinition): EventTypeDefinition {
  const quickData = Object.hasOwn(quickDataChecks, type.name) ? quickDataChecks[type.name] : undefined;
  return quickData === undefined || type.quickData !== undefined ? type : { ...type, quickData };
}

export const builtinEventTypes: readonly EventTypeDefinition[] = [
  eventType(
    'account.created',
    'An account was created.',
    ['user'],
    {},
    z.looseObject({ country: country.optional(), ...accountAge, ...accountOrganisation }),
  ),
  eventType(
    'account.updated',
    'An account changed (profile, age assurance, payment method…).',
    ['user'],
    {},
    z.looseObject({ changed: z.array(z.string()).optional(), ...accountAge, ...accountOrganisation }),
  ),
  eventType(
    'session.started',
    'A live stream or call started; `user` is the host.',
    ['user', 'stream'],
    {},
    z.looseObject({
      kind: z.enum(['stream', 'call']),
      visibility: z.enum(['public', 'followers', 'private']),
      viewer_count: z.number().int().nonnegative().optional(),
      country: country.optional(),
    }),
  ),
  eventType(
    'session.ended',
    'A live stream or call ended.',
    ['stream'],
    {},
    z.looseObject({
      duration_seconds: z.number().nonnegative(),
      peak_viewers: z.number().int().nonnegative().optional(),
    }),
  ),
  eventType(
    'stream.viewer_joined',
    'A viewer joined a live stream; `user` is the viewer, `host` the host.',
    ['user', 'stream'],
    { host: 'user' },
    z.looseObject({ country: country.optional() }),
  ),
  eventType(
    'gift.sent',
    'A tip or gift inside the platform; `user` sends, `recipient` receives.',
    ['user', 'recipient'],
    { recipient: 'user' },
    z.looseObject({ amount, currency: currency.optional() }),
  ),
  eventType(
    'message.sent',
    'A chat message; `user` sends, `recipient` receives (or `conversation` is the group). Metadata only is fine: every `data` field is optional, and an absent one means unknown.',
    ['user'],
    { recipient: 'user' },
    z.looseObject({
      text: z.string().max(20_000).optional(),
      lexicon_hits: z.array(z.string()).optional(),
      /** Contacts the two users share, when the platform knows (absent: unknown, not none). */
      mutual_contacts: z.number().int().nonnegative().optional(),
      /** A relationship the platform knows between the two (absent: unknown, not none). */
      relationship: z.enum(['family', 'guardian', 'school', 'coach', 'friend', 'none']).optional(),
      /** The sender's local hour (0–23), for late-night patterns. */
      local_hour: z.number().int().min(0).max(23).optional(),
      /** The message carried an attachment (no content: only that it did). */
      has_attachment: z.boolean().optional(),
    }),
  ),
  eventType(
    'chat.indicator',
    'An indicator family found in a chat message (derived from `message.sent` by the chat pack): `user` sent the message to `recipient`; `dyad` is the pair. Carries a hash of the normalised span, never the text.',
    ['user', 'dyad'],
    { recipient: 'user' },
    z.looseObject({
      family: z.string().regex(/^(?:[a-z_]+|custom:[a-z][a-z0-9_]{0,62})$/),
      confidence: z.number().min(0).max(1),
      language: z.string().max(16),
      message_id: z.string().max(256),
      span_hash: z.string().regex(/^[0-9a-f]{64}$/),
      lexicon: z.string().max(100),
      lexicon_version: z.number().int().nonnegative(),
      entry_id: z.string().max(100),
    }),
  ),
  eventType(
    'chat.handle',
    'A payment handle named in a chat message (derived from `message.sent` by the chat pack): `user` sent it to `recipient`; `handle` is its entity id `<kind>:<value>`, keyed as a payee account so a payment to it meets the chat.',
    ['user', 'handle'],
    { recipient: 'user', handle: 'payment_account' },
    z.looseObject({
      kind: z.enum(['gift_card_code', 'p2p_handle', 'crypto_wallet', 'phone_number', 'email', 'iban']),
      message_id: z.string().max(256),
    }),
  ),
  eventType(
    'classifier.scored',
    "An external classifier's score (a platform's own model, or a service's) for a message, a conversation or an account: rules read it as a feature, in shadow until precision is measured.",
    [],
    { recipient: 'user' },
    z.looseObject({
      model_id: z.string().min(1).max(100),
      model_version: z.string().min(1).max(50),
      score: z.number().min(0).max(1),
      calibration_set: z.string().max(200).optional(),
      target: z.enum(['message', 'conversation', 'account']),
      message_id: z.string().max(256).optional(),
    }),
  ),
  eventType(
    'payment.sent',
    'A payment; `payment_account` pays `payee_account` (`payee_document`: the cash pick-up ID document; `payment_relationship`: the payer→payee pair).',
    ['payment_account', 'payee_account'],
    { payee_account: 'payment_account' },
    z.looseObject({
      amount,
      currency,
      payer_country: country.optional(),
      payee_country: country.optional(),
      purpose: z.string().max(200).optional(),
      category_purpose: z.string().max(200).optional(),
      local_instrument: z.string().max(200).optional(),
      service_level: z.string().max(200).optional(),
      instruction_codes: z.array(z.string().max(4)).max(20).optional(), // the readers' limit too (payment-fields.ts)
      payer_agent_bic: z
        .string()
        .regex(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/)
        .optional(),
      payee_agent_bic: z
        .string()
        .regex(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?$/)
        .optional(),
      remittance_info: z.string().max(2000).optional(),
      local_hour: z.number().int().min(0).max(23).optional(),
      payer_type: z.enum(['individual', 'organisation']).optional(),
      payee_type: z.enum(['individual', 'organisation']).optional(),
      payer_birth_date: z.iso.date().optional(),
      payer_birth_country: country.optional(),
      declared_relationship: z.string().max(50).optional(),
      channel: z.string().max(50).optional(),
      merchant_category: z.string().max(50).optional(),
      crypto_risk_tags: z.array(z.string().max(50)).max(50).optional(),
      funding_instrument: z.string().max(200).optional(),
      payer_name: z.string().max(200).optional(),
      payee_name: z.string().max(200).optional(),
    }),
    undefined,
    quickPaymentData,
  ),
  eventType(
    'media.uploaded',
    'A photo or video was uploaded; its signals may be given.',
    ['user'],
    {},
    z.looseObject({
      content_type: z.enum(['photo', 'video']).optional(),
      signals: z.record(z.string(), z.string()).optional(),
      media: media.optional(),
    }),
  ),
  eventType(
    'media.matched',
    'The matcher found media in a hash bank (emitted for every bank match).',
    [],
    {},
    z.looseObject({
      matches: z.array(match).min(1),
      signals: z.record(z.string(), z.unknown()).optional(),
      media: media.optional(),
    }),
    'match',
  ),
  eventType(
    'report.filed',
    'A user report; `user` is the reported account, `reporter` who reported.',
    ['user'],
    { reporter: 'user' },
    z.looseObject({ category: z.string().max(100), text: z.string().max(5000).optional() }),
  ),
  eventType(
    'label.changed',
    'A label was added to or removed from an entity (emitted by the engine).',
    [],
    {},
    z.looseObject({ label: z.string(), action: z.enum(['added', 'removed']), expires_at: z.string().optional() }),
  ),
].map(withQuickCheck);
