import { z } from 'zod';
import { defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { chatFeatureNames } from '../features.js';

/** The label a single indicator sets on the dyad: it lapses, and opens nothing. */
export const recentIndicatorLabel = 'chat_indicator_recent';

const configSchema = z.strictObject({ label_days: z.number().int().min(1).max(90) });

/**
 * A single indicator family between two users (the first in 7 days): only the label
 * `chat_indicator_recent` on the dyad, lapsing after `label_days`. One family is common in
 * ordinary chats (a parent asking where you are); it adds no points and opens no case.
 */
export const singleIndicatorRule = defineBuiltinRule({
  id: 'chat_single_indicator_label',
  version: 1,
  description: 'One indicator family between two users: a label that lapses, nothing more',
  events: ['chat.indicator'],
  configSchema,
  defaultConfig: { label_days: 7 },
  evaluate(context, config) {
    const families = featureValue(context, chatFeatureNames.dyadFamilies7d) ?? 0;
    if (families !== 1) return { fired: false };
    return {
      fired: true,
      reason: `one indicator family (${String(context.event.data.family)}) in 7 days`,
      effects: [
        {
          kind: 'label',
          entity: 'dyad',
          action: 'add',
          label: recentIndicatorLabel,
          expiresAfterMs: config.label_days * 86_400_000,
        },
      ],
    };
  },
});
