import { type EngineEvent, entityKey } from '../../events/index.js';
import { defineFeatures, FeatureStore } from '../../features/index.js';
import { toPaymentEvent } from '../payment-event.js';
import type { PaymentRecord } from '../payment-record.js';
import { createOcsePaymentsPack, type OcsePackOptions } from './index.js';

/** Test support for the pack's tests (not part of the pack): a feature store and the rules, no engine. */

/**
 * Runs payments through the pack's features and rules (as the engine does: features first,
 * then every rule with the features read for the event's roles) and returns, per rule id, the
 * reasons of its hits in order. Labels per role can be given for the network indicators.
 */
export function run(
  records: readonly PaymentRecord[],
  labels: Record<string, string[]> = {},
  settings?: unknown,
  options?: OcsePackOptions,
) {
  const pack = createOcsePaymentsPack(settings, options);
  const specs = defineFeatures(pack.features);
  const store = new FeatureStore(specs);
  const rules = pack.rules.map((rule) => rule.configure());
  const hits = new Map<string, string[]>();
  for (const record of [...records].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) {
    const input = toPaymentEvent(record);
    const event: EngineEvent = { ...input, timeMs: Date.parse(input.time) };
    store.apply(event);
    const features: Record<string, number | null> = {};
    for (const spec of specs) {
      const id = event.entities[spec.readRole];
      features[spec.name] =
        id === undefined ? null : store.value(spec.name, entityKey(spec.entityType, id), event.timeMs);
    }
    for (const rule of rules) {
      const result = rule.evaluate({ event, features, labels });
      if (result.fired) hits.set(rule.id, [...(hits.get(rule.id) ?? []), result.reason ?? '']);
    }
  }
  return hits;
}

export const day = 86_400_000;
const start = Date.parse('2026-03-01T00:00:00Z');
let sequence = 0;

/** A synthetic payment `days` after the start, at `hour` local time in +10:00. */
export function payment(days: number, overrides: Partial<PaymentRecord> = {}, hour = 14): PaymentRecord {
  const utc = new Date(start + days * day + (hour - 10) * 3_600_000);
  const time = new Date(utc.getTime() + 10 * 3_600_000).toISOString().replace('.000Z', '+10:00');
  return {
    id: `t${++sequence}`,
    time,
    localHour: hour,
    payer: { account: 'payer-1', country: 'AU', type: 'individual', birthCountry: 'AU', birthDate: '1975-05-05' },
    payee: { account: 'payee-1', country: 'PH', type: 'individual' },
    amount: 45,
    currency: 'AUD',
    channel: 'mto_online',
    declaredRelationship: 'friend',
    remittanceInfo: 'school fees',
    ...overrides,
  };
}

export function fired(hits: Map<string, string[]>, id: string): boolean {
  return (hits.get(id)?.length ?? 0) > 0;
}
