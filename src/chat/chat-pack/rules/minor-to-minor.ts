import { z } from 'zod';
import { defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { chatFeatureNames } from '../features.js';
import { ageClassOf } from '../rule-support.js';
import { chatTypologyNames } from '../typologies.js';

/** The label on the dyad that marks a minor↔minor case for the CyberTipline `minorToMinorInteraction` annotation. */
export const minorToMinorLabel = 'minor_to_minor_interaction';

const configSchema = z.strictObject({
  min_families: z.number().int().min(1).max(10),
  points: z.number().positive().max(1000),
});

/**
 * Two minors (both stated so), `min_families` distinct families between them in 7 days, on each
 * `chat.indicator`. Not grooming (no adult): it goes to its own queue by the case's typology
 * trait (`chat_minor_to_minor`) and the dyad carries `minor_to_minor_interaction`, which the
 * CyberTipline report maps to its `minorToMinorInteraction` annotation.
 */
export const minorToMinorRule = defineBuiltinRule({
  id: 'chat_minor_to_minor_families',
  version: 1,
  description: 'Two minors exchange indicators of two families (their own queue, not grooming)',
  events: ['chat.indicator'],
  configSchema,
  defaultConfig: { min_families: 2, points: 100 },
  evaluate(context, config) {
    if (ageClassOf(context, 'user') !== 'minor' || ageClassOf(context, 'recipient') !== 'minor')
      return { fired: false };
    const families = featureValue(context, chatFeatureNames.dyadFamilies7d) ?? 0;
    if (families < config.min_families) return { fired: false };
    return {
      fired: true,
      reason: `two minors, ${families} indicator families between them in 7 days (source: chat-signals note §8.10)`,
      effects: [
        { kind: 'typology', typology: chatTypologyNames.minorToMinor, points: config.points },
        { kind: 'label', entity: 'dyad', action: 'add', label: minorToMinorLabel },
      ],
    };
  },
});
