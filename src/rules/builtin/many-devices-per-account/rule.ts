import { z } from 'zod';
import { defineBuiltinRule } from '../../builtin-rule.js';
import { featureValue } from '../../rule-context.js';
import { verdicts } from '../../rule-model.js';

const configSchema = z.strictObject({
  /** The feature holding the number of distinct devices the event's user used in the window. */
  feature: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a feature name such as user_distinct_devices_24h'),
  /** Fires when the count is at least this. */
  threshold: z.number().int().min(2).max(1000),
  /** The verdict it asks for. */
  verdict: z.enum(verdicts),
});

/**
 * Benign example of the built-in rule shape: one account used from many distinct devices within
 * 24 hours (shared or resold accounts, credential stuffing). It reads one feature and asks for a
 * review; the feature name and threshold are configuration, not code.
 *
 * Not fired when the feature is not available for the event (null or absent).
 */
export const manyDevicesPerAccount = defineBuiltinRule({
  id: 'many_devices_per_account',
  version: 1,
  description: 'One account used from many distinct devices within 24 hours',
  events: ['account.updated', 'session.started', 'message.sent', 'media.uploaded'],
  configSchema,
  defaultConfig: { feature: 'user_distinct_devices_24h', threshold: 5, verdict: 'review' },
  evaluate(context, config) {
    const devices = featureValue(context, config.feature);
    if (devices === undefined || devices < config.threshold) return { fired: false };
    const reason = `account used from ${devices} distinct devices in 24 hours (threshold ${config.threshold})`;
    return { fired: true, reason, effects: [{ kind: 'verdict', verdict: config.verdict, reason }] };
  },
});
