import { z } from 'zod';
import { defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { dyadLastFamilyFeature } from '../features.js';
import { contactAgeDays } from '../rule-support.js';
import { chatTypologyNames } from '../typologies.js';
import { actionEffects, actionsSchema } from './shared-config.js';

const configSchema = z.strictObject({
  /** The threat and the payment instruction or deadline fall within this many minutes. */
  within_minutes: z.number().int().min(1).max(1440),
  /** The pair's first contact is at most this many days old. */
  new_contact_days: z.number().min(0).max(400),
  points: z.number().positive().max(1000),
  /** How long the sender carries `imminent_harm` (which makes the case imminent in queues). */
  imminent_label_hours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30),
  actions: actionsSchema,
});

const triggers: ReadonlySet<unknown> = new Set(['exposure_threat', 'payment_instruction', 'deadline']);

/**
 * The sextortion fast path, on each `chat.indicator` of a threat, a payment instruction or a
 * deadline: a pair in contact for at most `new_contact_days`, where an `exposure_threat` and a
 * `payment_instruction` or `deadline` were both seen within `within_minutes` of this event. No
 * age is needed (a threat to expose is harm at any age; unknown ages do not hold it back).
 *
 * Effects: `points` to the sender's `chat_sextortion` score (an urgent case at once), the
 * `imminent_harm` label on the sender (the case jumps the queue), and the protective actions.
 * A payment to a handle named in the chat then joins this case through the handle's link, with
 * the OCSE pack's F16 (victim burst) and F17 (mule) hits.
 */
export const sextortionRule = defineBuiltinRule({
  id: 'chat_sextortion_fast_path',
  version: 1,
  description: 'A new contact threatens exposure and gives payment instructions or a deadline within the hour',
  events: ['chat.indicator'],
  configSchema,
  defaultConfig: {
    within_minutes: 60,
    new_contact_days: 14,
    points: 100,
    imminent_label_hours: 72,
    actions: ['chat_warn_younger_user', 'chat_restrict_new_contacts'],
  },
  evaluate(context, config) {
    if (!triggers.has(context.event.data.family)) return { fired: false };
    const days = contactAgeDays(context);
    if (days === undefined || days > config.new_contact_days) return { fired: false };
    const now = context.event.timeMs;
    const recent = (family: 'exposure_threat' | 'payment_instruction' | 'deadline') => {
      const at = featureValue(context, dyadLastFamilyFeature(family));
      return at !== undefined && now - at <= config.within_minutes * 60_000;
    };
    if (!recent('exposure_threat')) return { fired: false };
    const pay = recent('payment_instruction');
    const deadline = recent('deadline');
    if (!pay && !deadline) return { fired: false };
    const asks = [pay ? 'payment instructions' : '', deadline ? 'a deadline' : ''].filter(Boolean).join(' and ');
    return {
      fired: true,
      reason:
        `a contact of ${Math.floor(days)} days threatened exposure and gave ${asks} within ` +
        `${config.within_minutes} minutes (source: chat-signals note §4 exposure threats, deadlines, payment instructions; OCSE note F16/F17)`,
      effects: [
        { kind: 'typology', typology: chatTypologyNames.sextortion, points: config.points },
        {
          kind: 'label',
          entity: 'user',
          action: 'add',
          label: 'imminent_harm',
          expiresAfterMs: config.imminent_label_hours * 3_600_000,
        },
        ...actionEffects(config.actions),
      ],
    };
  },
});
