import type { PaymentRecord } from '../payment-record.js';
import { type ChannelBasis, channelEvidenceOfRecord, channelResolverFor } from './channel-inference.js';
import { type IndicatorInputs, indicatorInputs, type ProfileField, profileFields } from './indicator-inputs.js';
import { defaultOcseSettings, type OcseSettings } from './ocse-settings.js';
import { ocseTypologies } from './ocse-typologies.js';

/** How often one field is present in an input. */
export interface FieldCoverage {
  readonly name: ProfileField;
  readonly present: number;
  /** `present / records`, 0 for an empty input. */
  readonly share: number;
}

/** Whether one of the pack's rules can fire on an input, and what it lacks or does without. */
export interface IndicatorReach {
  /** The rule id, e.g. `ocse_f03_no_apparent_link`. */
  readonly id: string;
  /** The note's key, e.g. `F03`. */
  readonly indicator: string;
  /** True when every field it needs is present in at least one record (and its setting is on). */
  readonly canFire: boolean;
  /** Why it cannot fire: each need no record meets (`declaredRelationship`, `channel or payeeDocument`), or a setting. */
  readonly missing: readonly string[];
  /** Optional fields absent from every record, with what the rule does instead. */
  readonly degraded: readonly string[];
  /** Something outside the file it also waits for (an analyst's confirmation), when any. */
  readonly waitsFor?: string;
}

/** Whether a typology can reach its alert threshold from the input alone. */
export interface TypologyReach {
  /** The typology name, e.g. `ocse_livestream_payer`. */
  readonly id: string;
  readonly alertThreshold: number;
  /** Points the rules that can fire on the file add up to (each rule once, default points). */
  readonly reachablePoints: number;
  /** True when its required rules can fire and `reachablePoints` reaches the alert threshold. */
  readonly effective: boolean;
  readonly why: string;
}

/**
 * Where the input's channels come from: declared by the payment, inferred from other fields (by
 * which field: `local_instrument`, `debtor_agent`, …), or unknown — payment counts.
 */
export interface ChannelCoverage {
  readonly declared: number;
  readonly inferred: number;
  readonly unknown: number;
  /** Inferred payments per field the channel was told from; only fields that told one. */
  readonly inferredBy: Readonly<Partial<Record<Exclude<ChannelBasis, 'declared' | 'none'>, number>>>;
}

/** What `prevail payments profile` prints: an input's field coverage and what the pack can see in it. */
export interface PaymentsProfile {
  readonly records: number;
  readonly fields: readonly FieldCoverage[];
  /** How many payments have a channel, declared or inferred (`channelResolverFor`), and how many none. */
  readonly channels: ChannelCoverage;
  readonly indicators: readonly IndicatorReach[];
  readonly typologies: readonly TypologyReach[];
}

/** Counts field presence record by record (for inputs read in batches), then judges the pack. */
export interface PaymentsProfiler {
  add(record: PaymentRecord): void;
  finish(): PaymentsProfile;
}

const waitsForText: Readonly<Record<NonNullable<IndicatorInputs['alsoNeeds']>, string>> = {
  analyst_confirmation: "an analyst's confirmation of a payer (F14 network labels)",
  private_keywords: "the FIU's confidential keyword list (settings.private_keywords, empty)",
  enabled_by_operator: 'the operator turning it on (off by default; needs a fairness review)',
};

function presentFields(record: PaymentRecord, settings: OcseSettings): ProfileField[] {
  const present: ProfileField[] = [];
  const add = (field: ProfileField, value: unknown) => {
    if (value !== undefined && value !== '') present.push(field);
  };
  add('payer.country', record.payer.country);
  add('payee.country', record.payee.country);
  add('amountUsd', settings.usd_rates[record.currency]);
  add('payer.type', record.payer.type);
  add('payee.type', record.payee.type);
  add('payer.birthDate', record.payer.birthDate);
  add('payer.birthCountry', record.payer.birthCountry);
  add('localHour', record.localHour);
  add('remittanceInfo', record.remittanceInfo);
  add('purpose', record.purpose);
  add('categoryPurpose', record.categoryPurpose);
  add('localInstrument', record.localInstrument);
  add('serviceLevel', record.serviceLevel);
  add('instructionCodes', record.instructionCodes);
  add('payer.agentBic', record.payer.agentBic);
  add('payee.agentBic', record.payee.agentBic);
  add('channel', record.channel);
  add('declaredRelationship', record.declaredRelationship);
  add('merchantCategory', record.merchantCategory);
  add('cryptoRiskTags', record.cryptoRiskTags !== undefined && record.cryptoRiskTags.length > 0 ? true : undefined);
  add('fundingInstrument', record.fundingInstrument);
  add('payeeDocument', record.payeeDocument);
  add('payer.name', record.payer.name);
  add('payee.name', record.payee.name);
  return present;
}

function judgeIndicator(spec: IndicatorInputs, has: (field: ProfileField) => boolean, settings: OcseSettings) {
  const missing = spec.needs.filter((need) => !need.anyOf.some(has)).map((need) => need.anyOf.join(' or '));
  if (spec.alsoNeeds === 'private_keywords' && settings.private_keywords.length === 0) {
    missing.push(waitsForText.private_keywords);
  }
  if (spec.alsoNeeds === 'enabled_by_operator') missing.push(waitsForText.enabled_by_operator);
  const degraded = spec.optional
    .filter((field) => !has(field.field))
    .map((field) => `${field.field} absent: ${field.whenAbsent}`);
  const reach: IndicatorReach = {
    id: spec.ruleId,
    indicator: spec.indicator,
    canFire: missing.length === 0,
    missing,
    degraded,
    ...(spec.alsoNeeds === 'analyst_confirmation' ? { waitsFor: waitsForText.analyst_confirmation } : {}),
  };
  return reach;
}

function judgeTypologies(reaches: readonly IndicatorReach[]): TypologyReach[] {
  const byRule = new Map(reaches.map((reach) => [reach.id, reach]));
  return ocseTypologies.map((typology) => {
    const contributors = indicatorInputs.filter((spec) => (spec.points[typology.name] ?? 0) > 0);
    const fromFile = contributors.filter((spec) => byRule.get(spec.ruleId)?.canFire && spec.alsoNeeds === undefined);
    const withLabels = contributors.filter((spec) => byRule.get(spec.ruleId)?.canFire);
    const sum = (specs: readonly IndicatorInputs[]) =>
      specs.reduce((total, spec) => total + (spec.points[typology.name] ?? 0), 0);
    const reachablePoints = sum(fromFile);
    const blocked = typology.requiredRules
      .map((rule) => byRule.get(rule))
      .filter((reach): reach is IndicatorReach => reach !== undefined && !reach.canFire);
    const threshold = typology.alertThreshold;
    let why: string;
    if (blocked.length > 0) {
      why = `required ${blocked.map((reach) => `${reach.indicator} cannot fire (needs ${reach.missing.join('; ')})`).join(', ')}`;
    } else if (reachablePoints >= threshold) {
      why = `required indicators can fire; ${reachablePoints} points reachable ≥ alert threshold ${threshold}`;
    } else if (sum(withLabels) >= threshold) {
      why = `only ${reachablePoints} of ${threshold} points from the file; reaches ${threshold} only with ${waitsForText.analyst_confirmation}`;
    } else {
      why = `only ${reachablePoints} of ${threshold} points reachable from the indicators that can fire`;
    }
    return {
      id: typology.name,
      alertThreshold: threshold,
      reachablePoints,
      effective: blocked.length === 0 && reachablePoints >= threshold,
      why,
    };
  });
}

/**
 * A profiler over records read one by one (`add`), so a file read in batches is profiled in
 * bounded memory; `finish` says which fields the input carries, which of the pack's rules can
 * fire on it (a rule can when every field it needs is present in at least one record), and
 * which typologies can reach their alert thresholds with the pack's default points. Pure: no
 * engine, no storage.
 */
export function createPaymentsProfiler(settings: OcseSettings = defaultOcseSettings): PaymentsProfiler {
  const counts = new Map<ProfileField, number>(profileFields.map((field) => [field, 0]));
  const resolveChannel = channelResolverFor(settings);
  const channels = { declared: 0, inferred: 0, unknown: 0 };
  const inferredBy: Partial<Record<ChannelBasis, number>> = {};
  let records = 0;
  return {
    add(record) {
      records++;
      for (const field of presentFields(record, settings)) counts.set(field, (counts.get(field) ?? 0) + 1);
      const resolved = resolveChannel(channelEvidenceOfRecord(record));
      channels[resolved.source]++;
      if (resolved.source === 'inferred') inferredBy[resolved.basis] = (inferredBy[resolved.basis] ?? 0) + 1;
    },
    finish() {
      const fields = profileFields.map((name) => {
        const present = counts.get(name) ?? 0;
        return { name, present, share: records === 0 ? 0 : present / records };
      });
      const has = (field: ProfileField) =>
        (counts.get(field) ?? 0) > 0 || (field === 'channel' && channels.inferred > 0);
      const indicators = indicatorInputs.map((spec) => judgeIndicator(spec, has, settings));
      return {
        records,
        fields,
        channels: { ...channels, inferredBy: { ...inferredBy } },
        indicators,
        typologies: judgeTypologies(indicators),
      };
    },
  };
}

/** `createPaymentsProfiler` over a list of records at once. */
export function profilePayments(
  records: Iterable<PaymentRecord>,
  settings: OcseSettings = defaultOcseSettings,
): PaymentsProfile {
  const profiler = createPaymentsProfiler(settings);
  for (const record of records) profiler.add(record);
  return profiler.finish();
}
