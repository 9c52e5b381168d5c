import type { EngineEvent } from '../../events/index.js';
import type { OcseSettings } from './ocse-settings.js';
import { type ReferenceCategory, referenceCategory } from './reference-categories.js';

/**
 * What the OCSE indicators need to know about one `payment.sent` event, computed once per event
 * (features and rules all ask for the same event). Pure functions of the event and the settings.
 */
export interface PaymentFacts {
  /** The amount in US dollars, or null when the currency has no rate. */
  readonly amountUsd: number | null;
  readonly crossBorder: boolean;
  readonly payeeIndividual: boolean;
  readonly highRiskCorridor: boolean;
  /** F01: small cross-border person-to-person payment into a high-risk corridor. */
  readonly f01: boolean;
  readonly night: boolean;
  /** F07: round in the sent currency (multiple of 10, or of 500 for PHP-like currencies). */
  readonly round: boolean;
  readonly reference: ReferenceCategory;
  /** F05 C8: the reference contains a private FIU keyword. */
  readonly privateKeyword: boolean;
  /** F03 (per payment): no declared family link and no birth link to the payee's country. */
  readonly unrelated: boolean;
  /** Payer age in whole years at the payment, from the KYC birth date; null when unknown. */
  readonly payerAge: number | null;
  readonly young: boolean;
  readonly channel: string | undefined;
  readonly riskyMerchant: boolean;
  readonly cryptoDirect: boolean;
  readonly cryptoIndirect: boolean;
  /** Card or ATM spend inside a high-risk country other than the payer's own (F09). */
  readonly spendInCorridorAbroad: boolean;
  readonly atmInCorridorAbroad: boolean;
  readonly cashOut: boolean;
  /** F16: a young payer paying through a channel extortionists ask for (anywhere). */
  readonly youngVictimChannel: boolean;
  /** F16: the same, abroad. */
  readonly youngVictimChannelAbroad: boolean;
  /** F13 input: a small (≤ the F01 band's top) cross-border payment to a private person. */
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

/** Builds the fact function for one settings object; results are cached per event object. */
export function paymentFactsFor(settings: OcseSettings): (event: EngineEvent) => PaymentFacts {
  const corridors = new Set(settings.corridors);
  const unrelatedRelationships = new Set(settings.unrelated_relationships.map((value) => value.toLowerCase()));
  const riskyMerchants = new Set(settings.risky_merchant_categories);
  const directTags = new Set(settings.crypto_direct_tags);
  const indirectTags = new Set(settings.crypto_indirect_tags);
  const victimChannels = new Set(settings.victim_channels);
  const cashOutChannels = new Set(settings.cash_out_channels);
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
    const payeeIndividual = data.payee_type === 'individual';
    const highRiskCorridor = crossBorder && payeeCountry !== undefined && corridors.has(payeeCountry);
    const channel = text(data.channel);
    const personToPerson = channel !== 'card' && channel !== 'atm' && channel !== 'crypto';
    const f01 =
      highRiskCorridor &&
      payeeIndividual &&
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
    const unrelated = !birthLink && (relationship === undefined || unrelatedRelationships.has(relationship));
    const payerAge = ageAt(text(data.payer_birth_date), event.timeMs);
    const young = payerAge !== null && payerAge < settings.young_age_years;
    const tags = Array.isArray(data.crypto_risk_tags) ? (data.crypto_risk_tags as unknown[]) : [];
    const cryptoDirect = tags.some((tag) => typeof tag === 'string' && directTags.has(tag));
    const cryptoIndirect = !cryptoDirect && tags.some((tag) => typeof tag === 'string' && indirectTags.has(tag));
    const spendInCorridorAbroad = highRiskCorridor && (channel === 'card' || channel === 'atm');
    return {
      amountUsd,
      crossBorder,
      payeeIndividual,
      highRiskCorridor,
      f01,
      night,
      round,
      reference,
      privateKeyword,
      unrelated,
      payerAge,
      young,
      channel,
      riskyMerchant: channel === 'card' && riskyMerchants.has(text(data.merchant_category) ?? ''),
      cryptoDirect,
      cryptoIndirect,
      spendInCorridorAbroad,
      atmInCorridorAbroad: spendInCorridorAbroad && channel === 'atm',
      cashOut: channel !== undefined && cashOutChannels.has(channel),
      youngVictimChannel: young && channel !== undefined && victimChannels.has(channel),
      youngVictimChannelAbroad: young && crossBorder && channel !== undefined && victimChannels.has(channel),
      smallToPersonAbroad: crossBorder && payeeIndividual && amountUsd !== null && amountUsd <= bandHigh,
    };
  };

  return (event) => {
    let facts = cache.get(event);
    if (facts === undefined) {
      facts = compute(event);
      cache.set(event, facts);
    }
    return facts;
  };
}
