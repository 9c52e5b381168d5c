import type { EngineEvent } from '../../events/index.js';
import type { FeatureDefinition } from '../../features/index.js';
import { type BuiltinRule, featureValue, type RuleContext } from '../../rules/index.js';
import { ocseFeature as f, rhythmFeature } from './ocse-features.js';
import type { PaymentFacts } from './payment-facts.js';

const dayMs = 86_400_000;

/** Below this age a payer's peer-group segment is `young` (the note's sextortion age band). */
const youngSegmentYears = 25;

/**
 * What the payer model sees at one payment: named numbers, and the payer's peer group. A name
 * that is absent is unknown (the model treats it as its training mean, contributing nothing):
 * a payment without a KYC birth date has no `payer_age`, one without a local hour no `night`.
 */
export interface PayerModelInputs {
  readonly features: Readonly<Record<string, number>>;
  /** `<payer country>><payee country>:<young|adult|age_unknown>`, `?` for an unknown country. */
  readonly peerGroup: string;
}

/** The payments the model scores: cross-border payments to a possible person (T1's ground). */
export function modelScoresPayment(facts: PaymentFacts): boolean {
  return facts.crossBorder && facts.payeePossiblyPerson && facts.payerKind !== 'organisation';
}

/** The peer group of a payment's payer: origin country × corridor × segment (age band). */
export function payerPeerGroup(event: EngineEvent, facts: PaymentFacts): string {
  const country = (value: unknown) => (typeof value === 'string' && value !== '' ? value : '?');
  const segment = facts.payerAge === null ? 'age_unknown' : facts.payerAge < youngSegmentYears ? 'young' : 'adult';
  return `${country(event.data.payer_country)}>${country(event.data.payee_country)}:${segment}`;
}

/** Amount dispersion inputs: the spread of small corridor amounts over 90 days, per scope. */
const dispersionInputs = [
  ['amount_spread_90d', rhythmFeature.payer],
  ['relationship_amount_spread_90d', rhythmFeature.relationship],
] as const;

/**
 * The coefficient of variation (standard deviation ÷ mean) of amounts from their count, sum and
 * sum of squares; undefined below two payments (one amount has no spread).
 */
function amountSpread(count: number | undefined, sum: number | undefined, squares: number | undefined) {
  if (count === undefined || sum === undefined || squares === undefined || count < 2 || sum <= 0) return undefined;
  const mean = sum / count;
  return Math.sqrt(Math.max(0, squares / count - mean * mean)) / mean;
}

/**
 * Builds the input function of the payer model over the pack's own features and indicators, so
 * the model and the rules read the same state and training (a screening with a capture hook) and
 * scoring (the `ocse_model_payer` rule) see the same numbers:
 *
 * - every pack feature available for the event, by its name; a `first_seen` / `last_seen` time
 *   becomes an age in days (`<name>_age_days`), never a raw timestamp;
 * - shares over the payer's small corridor payments in 90 days (night, round, cover reference,
 *   declared unrelated) and their mean amount over 120 days, when there is at least one; the
 *   spread of their amounts (coefficient of variation) over 90 days, for the payer and for this
 *   payee, from two payments on;
 * - the payment's own facts: amount in USD, night, round, corridor, payer age, and the link the
 *   message states (`link_related` / `link_unrelated`, both absent when unknown);
 * - `hit_<rule id>` = 1 or 0 for every payer-side indicator of the pack at its default
 *   configuration (its thresholds as shipped, not an operator's overrides).
 */
export function payerModelInputsFor(
  features: readonly FeatureDefinition[],
  indicators: readonly BuiltinRule[],
  facts: (event: EngineEvent) => PaymentFacts,
): (context: RuleContext) => PayerModelInputs {
  // Times are never inputs as such (a model must not learn a date): `first_seen` / `last_seen`
  // and the rhythm features' first and last payment times (`…_ms_…`) become ages in days.
  const timeFeatures = new Set(
    features
      .filter(
        (feature) =>
          feature.aggregate === 'first_seen' || feature.aggregate === 'last_seen' || feature.name.includes('_ms_'),
      )
      .map((feature) => feature.name),
  );
  const valueFeatures = features.map((feature) => feature.name).filter((name) => !timeFeatures.has(name));
  const checks = indicators.map((rule) => ({ name: `hit_${rule.id}`, evaluate: rule.configure().evaluate }));
  return (context) => {
    const event = context.event;
    const value = facts(event);
    const out: Record<string, number> = {};
    for (const name of valueFeatures) {
      const read = featureValue(context, name);
      if (read !== undefined) out[name] = read;
    }
    for (const name of timeFeatures) {
      const read = featureValue(context, name);
      if (read !== undefined) out[`${name}_age_days`] = Math.max(0, (event.timeMs - read) / dayMs);
    }
    const small90 = out[f.f01Count90d] ?? 0;
    if (small90 > 0) {
      out.share_night_90d = (out[f.f01Night90d] ?? 0) / small90;
      out.share_round_90d = (out[f.f01Round90d] ?? 0) / small90;
      out.share_cover_90d = (out[f.f01Cover90d] ?? 0) / small90;
      out.share_unrelated_90d = (out[f.f01Unrelated90d] ?? 0) / small90;
    }
    const small120 = out[f.f01Count120d] ?? 0;
    if (small120 > 0) out.mean_small_usd_120d = (out[f.f01Usd120d] ?? 0) / small120;
    for (const [name, scope] of dispersionInputs) {
      const spread = amountSpread(out[scope.count], out[scope.usd], out[scope.usdSquares]);
      if (spread !== undefined) out[name] = spread;
    }
    if (value.amountUsd !== null) out.amount_usd = value.amountUsd;
    if (typeof event.data.local_hour === 'number') out.night = value.night ? 1 : 0;
    out.round = value.round ? 1 : 0;
    out.high_risk_corridor = value.highRiskCorridor ? 1 : 0;
    if (value.payerAge !== null) out.payer_age = value.payerAge;
    if (value.link !== 'unknown') {
      out.link_related = value.link === 'related' ? 1 : 0;
      out.link_unrelated = value.link === 'unrelated' ? 1 : 0;
    }
    for (const check of checks) out[check.name] = check.evaluate(context).fired ? 1 : 0;
    return { features: out, peerGroup: payerPeerGroup(event, value) };
  };
}
