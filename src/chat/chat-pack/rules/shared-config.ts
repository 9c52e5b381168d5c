import { z } from 'zod';
import type { RuleEffect } from '../../../rules/index.js';

/**
 * Config pieces the pack's rules share: the suppression and strong-metadata thresholds, the
 * intervention actions, and the defaults of each. Thresholds are data (`builtin-rules.yaml`).
 */

const days = z.number().min(0).max(400);

export const suppressionSchema = {
  /** A pair first in contact this many days ago or more, both writing, is a long mutual history. */
  long_history_days: days,
  /** …with at least this many messages each way in 30 days. */
  long_history_messages_each_way: z.number().int().min(1).max(100_000),
};

export const suppressionDefaults = { long_history_days: 180, long_history_messages_each_way: 20 };

export const strongMetadataSchema = {
  fan_out_recipients_7d: z.number().int().min(2).max(100_000),
  new_contact_days: days,
  new_account_days: days,
  classifier_score: z.number().min(0).max(1),
  reports_30d: z.number().int().min(1).max(10_000),
};

export const strongMetadataDefaults = {
  fan_out_recipients_7d: 20,
  new_contact_days: 3,
  new_account_days: 30,
  classifier_score: 0.9,
  reports_30d: 2,
};

/**
 * Interventions: names of actions declared in the policy's `actions.yaml` (e.g.
 * `chat_warn_younger_user` of kind `warn_user`, `chat_restrict_new_contacts` of kind
 * `restrict_account`, `chat_hide_follower_list` of kind `custom:hide_follower_list`). An action
 * the policy does not declare plans nothing. They are apart from case and report effects: a
 * platform may protect the younger user at once, whatever a reviewer later decides.
 */
export const actionsSchema = z
  .array(z.string().regex(/^[a-z][a-z0-9_]{0,63}$/))
  .max(10)
  .refine((names) => new Set(names).size === names.length, 'must not name an action twice');

/** The action effects for `names`. */
export function actionEffects(names: readonly string[]): RuleEffect[] {
  return names.map((action) => ({ kind: 'action', action }));
}
