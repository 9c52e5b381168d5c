import { z } from 'zod';
import { defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { chatFeatureNames } from '../features.js';
import { adultToMinorGap, chatSources, describeGap, gapIsWide, strongMetadata, suppression } from '../rule-support.js';
import { chatTypologyNames } from '../typologies.js';
import {
  actionEffects,
  actionsSchema,
  strongMetadataDefaults,
  strongMetadataSchema,
  suppressionDefaults,
  suppressionSchema,
} from './shared-config.js';

const configSchema = z.strictObject({
  /** Distinct families between the two in 7 days that make a case on their own. */
  min_families: z.number().int().min(2).max(10),
  /** The smallest age gap in years when both ages are known. */
  min_age_gap_years: z.number().int().min(1).max(60),
  points: z.number().positive().max(1000),
  actions: actionsSchema,
  ...suppressionSchema,
  ...strongMetadataSchema,
});

/**
 * Grooming, on each `chat.indicator`: an adult sender and a minor recipient with an age gap
 * (years ≥ `min_age_gap_years` when both are known, or an adult and a minor by class), and either
 * `min_families` distinct families between the two in 7 days, or one family and strong metadata
 * (fan-out, a new contact from a new account, a classifier score, reports). Suppressed by what the
 * platform says of the pair (family; a verified school or club they share; a long mutual
 * history); unknown facts suppress nothing and unknown ages never fire it.
 *
 * Effects: `points` to the sender's `chat_grooming` score (100 opens a case) and the
 * intervention actions (warn the younger user, restrict new contacts, hide follower lists).
 */
export const groomingRule = defineBuiltinRule({
  id: 'chat_grooming_families',
  version: 1,
  description:
    'An adult sends a minor indicators of two grooming families (or one and strong metadata) with an age gap',
  events: ['chat.indicator'],
  configSchema,
  defaultConfig: {
    min_families: 2,
    min_age_gap_years: 5,
    points: 100,
    actions: ['chat_warn_younger_user', 'chat_restrict_new_contacts', 'chat_hide_follower_list'],
    ...suppressionDefaults,
    ...strongMetadataDefaults,
  },
  evaluate(context, config) {
    const gap = adultToMinorGap(context);
    if (gap === undefined || !gapIsWide(gap, config.min_age_gap_years)) return { fired: false };
    const families = featureValue(context, chatFeatureNames.dyadFamilies7d) ?? 0;
    const strong = families >= config.min_families ? [] : strongMetadata(context, config);
    if (families < config.min_families && (families < 1 || strong.length === 0)) return { fired: false };
    if (suppression(context, config) !== undefined) return { fired: false };
    const why =
      families >= config.min_families
        ? `${families} indicator families in 7 days`
        : `one indicator family and strong metadata: ${strong.join('; ')}`;
    return {
      fired: true,
      reason: `${why}, from ${describeGap(gap)} (${chatSources})`,
      effects: [
        { kind: 'typology', typology: chatTypologyNames.grooming, points: config.points },
        ...actionEffects(config.actions),
      ],
    };
  },
});
