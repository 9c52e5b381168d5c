import { z } from 'zod';
import { defineBuiltinRule } from '../../../rules/index.js';
import { contactAgeDays } from '../rule-support.js';
import { chatTypologyNames } from '../typologies.js';

const configSchema = z.strictObject({
  new_contact_days: z.number().min(0).max(400),
  points: z.number().positive().max(1000),
});

/**
 * An exposure threat from a new contact, on its own: points to the sender's `chat_sextortion`
 * score below its thresholds (no alert, no case). It records the threat as a contribution, so
 * when the fast path opens the case the threat that started it is among the contributions the
 * case's typology entry lists (and a report reads the events of).
 */
export const threatNewContactRule = defineBuiltinRule({
  id: 'chat_sextortion_threat_new_contact',
  version: 1,
  description: 'A new contact threatens to expose the other to friends, family or school (no case alone)',
  events: ['chat.indicator'],
  configSchema,
  defaultConfig: { new_contact_days: 14, points: 30 },
  evaluate(context, config) {
    if (context.event.data.family !== 'exposure_threat') return { fired: false };
    const days = contactAgeDays(context);
    if (days === undefined || days > config.new_contact_days) return { fired: false };
    return {
      fired: true,
      reason: `a contact of ${Math.floor(days)} days threatened exposure (source: chat-signals note §4 exposure threats)`,
      effects: [{ kind: 'typology', typology: chatTypologyNames.sextortion, points: config.points }],
    };
  },
});
