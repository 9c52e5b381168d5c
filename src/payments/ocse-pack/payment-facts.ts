import type { EngineEvent } from '../../events/index.js';
import { type ChannelSource, channelEvidenceOfEvent, channelResolverFor } from './channel-inference.js';
import type { OcseSettings } from './ocse-settings.js';
import { type ReferenceCategory, referenceCategory } from './reference-categories.js';

/**
 * What a party is, as far as the message says: `person` (`PrvtId`, or a source's own party type
 * `individual`), `organisation` (`OrgId`, which includes a BIC-only party `OrgId/AnyBIC`), or
 * `unknown` when the message names neither — the usual case in a bank's pacs.008.
 */
export type PartyKind = 'person' | 'organisation' | 'unknown';

/**
 * What the message tells about a link between payer and payee: `related` (a declared family or
 * personal relationship, or the payer was born in the payee's country), `unrelated` (a declared
 * relationship such as `none` or `friend`, and no birth link), or `unknown` (nothing declared and
 * no birth link). Absence of data is not evidence: `unknown` is never read as `unrelated`.
 */
export type PartyLink = 'related' | 'unrelated' | 'unknown';

export type { ChannelSource } from './channel-inference.js';

/**
 * What the OCSE indicators need to know about one `payment.sent` event, computed once per event
 * (features and rules all ask for the same event). Pure functions of the event and the settings.
 *
 * Missing data (see docs/packs/ocse-payments.md, "Missing data"): an unknown payee type is
 * "possibly a person" (only a known organisation is excluded); an unknown relationship is
 * `unknown`, never "unrelated"; an unknown channel is inferred from the fields that imply one
 * (`channelResolverFor`: merchant category → card, crypto risk tags → crypto, a pick-up document
 * or `HOLD` → cash pick-up, a local instrument in `instrument_channels`, an agent BIC in
 * `agent_channels`, a purpose code in `purpose_channels`), else stays unknown — an unknown
 * channel is a credit transfer for F01 (not card, ATM or crypto) and, for F16, a payment that
 * counts only when it goes abroad to a possible person.
 */
export interface PaymentFacts {
  /** The amount in US dollars, or null when the currency has no rate. */
  readonly amountUsd: number | null;
  readonly crossBorder: boolean;
  readonly payeeKind: PartyKind;
  readonly payerKind: PartyKind;
  /** The payee is a person or may be one (its type is unknown): only a known organisation is not. */
  readonly payeePossiblyPerson: boolean;
  readonly highRiskCorridor: boolean;
  /** F01: small cross-border payment between possible persons into a high-risk corridor. */
  readonly f01: boolean;
  readonly night: boolean;
  /** F07: round in the sent currency (multiple of 10, or of 500 for PHP-like currencies). */
  readonly round: boolean;
  readonly reference: ReferenceCategory;
  /** F05 C8: the reference contains a private FIU keyword. */
  readonly privateKeyword: boolean;
  readonly link: PartyLink;
  /** F03 (per payment): `link === 'unrelated'` — a declared non-family relationship, no birth link. */
  readonly unrelated: boolean;
  /** Payer age in whole years at the payment, from the KYC birth date; null when unknown. */
  readonly payerAge: number | null;
  readonly young: boolean;
  /** The declared channel, else the inferred one, else undefined. */
  readonly channel: string | undefined;
  readonly channelSource: ChannelSource;
  /** Why the channel is what it is (`instruction code HOLD → cash_pickup (instrument_channels)`), for alerts. */
  readonly channelReason: string;
  readonly riskyMerchant: boolean;
  readonly cryptoDirect: boolean;
  readonly cryptoIndirect: boolean;
  /** Card or ATM spend inside a high-risk country other than the payer's own (F09). */
  readonly spendInCorridorAbroad: boolean;
  readonly atmInCorridorAbroad: boolean;
  readonly cashOut: boolean;
  /**
   * F16: a young payer paying through a channel extortionists ask for (anywhere), or — the
   * channel unknown — paying abroad to a possible person (the path a plain bank pacs.008 has).
   */
  readonly youngVictimPayment: boolean;
  /** F16: the same, abroad. */
  readonly youngVictimPaymentAbroad: boolean;
  /** F13 input: a small (≤ the F01 band's top) cross-border payment to a possible person. */
  readonly smallToPersonAbroad: boolean;
}

/** Currencies whose everyday amounts are large numbers, where "round" means a multiple of 500. */
const largeUnitCurrencies = new Set(['PHP', 'JPY', 'INR', 'THB', 'COP', 'KHR', 'VND', 'IDR', 'NGN', 'KRW', 'DOP']);

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function ageAt(birthDate: string | undefined, timeMs: number): number | null {
  if (birthDate === undefined) return null;
  const birth = Date.parse(`${birthDate}T00:00:00Z`);
  if (Number.isNaN(birth)) return null;
  const now = new Date(timeMs);
  const then = new Date(birth);
  let age = now.getUTCFullYear() - then.getUTCFullYear();
  if (
    now.getUTCMonth() < then.getUTCMonth() ||
    (now.getUTCMonth() === then.getUTCMonth() && now.getUTCDate() < then.getUTCDate())
  ) {
    age -= 1;
  }
  return age;
}

function partyKind(type: unknown): PartyKind {
  if (type === 'individual') return 'person';
  if (type === 'organisation') return 'organisation';
  return 'unknown';
}

/** Builds the fact function for one settings object; results are cached per event object. */
export function paymentFactsFor(settings: OcseSettings): (event: EngineEvent) => PaymentFacts {
  const corridors = new Set(settings.corridors);
  const unrelatedRelationships = new Set(settings.unrelated_relationships.map((value) => value.toLowerCase()));
  const riskyMerchants = new Set(settings.risky_merchant_categories);
  const directTags = new Set(settings.crypto_direct_tags);
  const indirectTags = new Set(settings.crypto_indirect_tags);
  const victimChannels = new Set(settings.victim_channels);
  const cashOutChannels = new Set(settings.cash_out_channels);
  const resolveChannel = channelResolverFor(settings);
  const privateKeywords = settings.private_keywords.map((keyword) => keyword.toLowerCase());
  const [nightFrom, nightTo] = settings.night_hours;
  const [bandLow, bandHigh] = settings.small_payment_usd;
  const cache = new WeakMap<EngineEvent, PaymentFacts>();

  const compute = (event: EngineEvent): PaymentFacts => {
    const data = event.data;
    const amount = typeof data.amount === 'number' ? data.amount : 0;
    const currency = text(data.currency) ?? '';
    const rate = settings.usd_rates[currency];
    const amountUsd = rate === undefined ? null : amount * rate;
    const payerCountry = text(data.payer_country);
    const payeeCountry = text(data.payee_country);
    const crossBorder = payerCountry !== undefined && payeeCountry !== undefined && payerCountry !== payeeCountry;
    const payeeKind = partyKind(data.payee_type);
    const payerKind = partyKind(data.payer_type);
    const payeePossiblyPerson = payeeKind !== 'organisation';
    const highRiskCorridor = crossBorder && payeeCountry !== undefined && corridors.has(payeeCountry);
    const resolved = resolveChannel(channelEvidenceOfEvent(event));
    const channel = resolved.channel;
    const personToPerson = channel !== 'card' && channel !== 'atm' && channel !== 'crypto';
    const f01 =
      highRiskCorridor &&
      payeePossiblyPerson &&
      payerKind !== 'organisation' &&
      personToPerson &&
      amountUsd !== null &&
      amountUsd >= bandLow &&
      amountUsd <= bandHigh;
    const hour = typeof data.local_hour === 'number' ? data.local_hour : undefined;
    const night =
      hour !== undefined &&
      (nightFrom <= nightTo ? hour >= nightFrom && hour < nightTo : hour >= nightFrom || hour < nightTo);
    const round = largeUnitCurrencies.has(currency) ? amount % 500 === 0 : amount % 10 === 0;
    const remittance = text(data.remittance_info);
    const reference = referenceCategory(remittance, settings.reference_words);
    const lowered = remittance?.toLowerCase();
    const privateKeyword = lowered !== undefined && privateKeywords.some((keyword) => lowered.includes(keyword));
    const relationship = text(data.declared_relationship)?.toLowerCase();
    const birthLink = payeeCountry !== undefined && text(data.payer_birth_country) === payeeCountry;
    const link: PartyLink = birthLink
      ? 'related'
      : relationship === undefined
        ? 'unknown'
        : unrelatedRelationships.has(relationship)
          ? 'unrelated'
          : 'related';
    const payerAge = ageAt(text(data.payer_birth_date), event.timeMs);
    const young = payerAge !== null && payerAge < settings.young_age_years;
    const tags = Array.isArray(data.crypto_risk_tags) ? (data.crypto_risk_tags as unknown[]) : [];
    const cryptoDirect = tags.some((tag) => typeof tag === 'string' && directTags.has(tag));
    const cryptoIndirect = !cryptoDirect && tags.some((tag) => typeof tag === 'string' && indirectTags.has(tag));
    const spendInCorridorAbroad = highRiskCorridor && (channel === 'card' || channel === 'atm');
    const victimChannel = channel !== undefined && victimChannels.has(channel);
    const unknownChannelToPerson = channel === undefined && payeePossiblyPerson;
    return {
      amountUsd,
      crossBorder,
      payeeKind,
      payerKind,
      payeePossiblyPerson,
      highRiskCorridor,
      f01,
      night,
      round,
      reference,
      privateKeyword,
      link,
      unrelated: link === 'unrelated',
      payerAge,
      young,
      channel,
      channelSource: resolved.source,
      channelReason: resolved.reason,
      riskyMerchant: channel === 'card' && riskyMerchants.has(text(data.merchant_category) ?? ''),
      cryptoDirect,
      cryptoIndirect,
      spendInCorridorAbroad,
      atmInCorridorAbroad: spendInCorridorAbroad && channel === 'atm',
      cashOut: channel !== undefined && cashOutChannels.has(channel),
      youngVictimPayment: young && (victimChannel || unknownChannelToPerson),
      youngVictimPaymentAbroad: young && crossBorder && (victimChannel || unknownChannelToPerson),
      smallToPersonAbroad: crossBorder && payeePossiblyPerson && amountUsd !== null && amountUsd <= bandHigh,
    };
  };

  // The event asked about last, checked before the WeakMap: the features and rules of one event
  // ask for its facts dozens of times in a row, and comparing one reference is far cheaper than a
  // WeakMap lookup each time.
  let lastEvent: EngineEvent | undefined;
  let lastFacts: PaymentFacts | undefined;
  return (event) => {
    if (event === lastEvent && lastFacts !== undefined) return lastFacts;
    let facts = cache.get(event);
    if (facts === undefined) {
      facts = compute(event);
      cache.set(event, facts);
    }
    lastEvent = event;
    lastFacts = facts;
    return facts;
  };
}
