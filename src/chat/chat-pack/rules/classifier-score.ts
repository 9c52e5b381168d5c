import { z } from 'zod';
import { defineBuiltinRule } from '../../../rules/index.js';
import { chatTypologyNames } from '../typologies.js';

const configSchema = z.strictObject({
  min_score: z.number().min(0).max(1),
  /** Only these models (`model_id`); empty: any model. */
  models: z.array(z.string().min(1).max(100)).max(20),
  points: z.number().positive().max(1000),
});

/**
 * An external classifier's score (`classifier.scored`: a platform's own model, or a service's) at
 * or above `min_score` about a `user`: `points` to their `chat_grooming` score, an alert without
 * a case (50 by default; a case needs the grooming rule). Scores are also features the other
 * rules read (strong metadata). Shadow until the score's precision at the chosen recall is
 * measured on the platform's own traffic.
 */
export const classifierScoreRule = defineBuiltinRule({
  id: 'chat_classifier_high_score',
  version: 1,
  description: "An external classifier scores a user's messages or conversation at or above the threshold",
  events: ['classifier.scored'],
  configSchema,
  defaultConfig: { min_score: 0.9, models: [], points: 50 },
  evaluate(context, config) {
    const { score, model_id: model, model_version: version } = context.event.data;
    if (typeof score !== 'number' || score < config.min_score || context.event.entities.user === undefined)
      return { fired: false };
    if (config.models.length > 0 && !config.models.includes(String(model))) return { fired: false };
    return {
      fired: true,
      reason: `classifier ${String(model)} ${String(version)} scored ${score.toFixed(2)} (at least ${config.min_score})`,
      effects: [{ kind: 'typology', typology: chatTypologyNames.grooming, points: config.points }],
    };
  },
});
