import { z } from 'zod';
import { defineBuiltinRule, featureValue, type RuleContext } from '../../../rules/index.js';
import { chatFeatureNames as f } from '../features.js';
import { adultToMinorGap, describeGap, gapIsWide, messagesEachWay } from '../rule-support.js';
import { chatTypologyNames } from '../typologies.js';
import { actionEffects, actionsSchema } from './shared-config.js';

const count = z.number().int().min(1).max(100_000);

const configSchema = z.strictObject({
  min_age_gap_years: z.number().int().min(1).max(60),
  /** Signals that must agree before the rule fires. */
  min_signals: z.number().int().min(2).max(7),
  points_per_signal: z.number().positive().max(1000),
  fan_out_recipients_7d: count,
  new_contacts_1d: count,
  new_account_days: z.number().min(0).max(400),
  reports_30d: count,
  late_night_messages_7d: count,
  /** Share of the week's messages sent late at night. */
  late_night_share: z.number().min(0).max(1),
  /** Messages sent at least this many times those received (and at least `asymmetry_min_sent`). */
  asymmetry_ratio: z.number().min(1).max(1000),
  asymmetry_min_sent: count,
  gift_recipients_7d: count,
  actions: actionsSchema,
});

type Config = z.output<typeof configSchema>;

/** The metadata signals that hold for this message's sender and pair, in words. */
function signals(context: RuleContext, config: Config): string[] {
  const found: string[] = [];
  const value = (name: string) => featureValue(context, name) ?? 0;
  const recipients7d = value(f.userRecipients7d);
  if (recipients7d >= config.fan_out_recipients_7d) found.push(`fan-out to ${recipients7d} accounts in 7 days`);
  const recipients1d = value(f.userRecipients1d);
  if (recipients1d >= config.new_contacts_1d) found.push(`${recipients1d} accounts messaged in 24 hours`);
  const createdAt = featureValue(context, f.userCreatedAt);
  if (createdAt !== undefined && context.event.timeMs - createdAt <= config.new_account_days * 86_400_000)
    found.push(`an account ${Math.floor((context.event.timeMs - createdAt) / 86_400_000)} days old`);
  const reports = value(f.userReports30d);
  if (reports >= config.reports_30d) found.push(`reported or blocked ${reports} times in 30 days`);
  const late = value(f.userLateNightMessages7d);
  const all = value(f.userMessages7d);
  if (late >= config.late_night_messages_7d && all > 0 && late / all >= config.late_night_share)
    found.push(`${late} of ${all} messages late at night`);
  const { sent, received } = messagesEachWay(context);
  if (sent >= config.asymmetry_min_sent && sent >= config.asymmetry_ratio * Math.max(1, received))
    found.push(`${sent} messages sent for ${received} received`);
  const gifts = value(f.userGiftRecipients7d);
  if (gifts >= config.gift_recipients_7d) found.push(`gifts to ${gifts} accounts in 7 days`);
  return found;
}

/**
 * The metadata-only typology, on each `message.sent` (text or none: end-to-end encrypted services
 * send metadata only): an adult writing to a minor with an age gap, and at least `min_signals` of
 * fan-out, many new contacts in a day, a new account, reports or blocks by others, late-night
 * messaging, one-sided messaging and gifts. Reads no text at all.
 *
 * Effects: `points_per_signal` × signals to the sender's `chat_metadata_risk` (an alert at three,
 * a case at five with the defaults), and the configured actions (none by default).
 */
export const metadataPatternRule = defineBuiltinRule({
  id: 'chat_metadata_contact_pattern',
  version: 1,
  description: 'An adult messaging a minor shows several risky contact patterns (metadata only, no text)',
  events: ['message.sent'],
  configSchema,
  defaultConfig: {
    min_age_gap_years: 5,
    min_signals: 3,
    points_per_signal: 20,
    fan_out_recipients_7d: 20,
    new_contacts_1d: 8,
    new_account_days: 30,
    reports_30d: 2,
    late_night_messages_7d: 10,
    late_night_share: 0.5,
    asymmetry_ratio: 4,
    asymmetry_min_sent: 12,
    gift_recipients_7d: 3,
    actions: [],
  },
  evaluate(context, config) {
    const gap = adultToMinorGap(context);
    if (gap === undefined || !gapIsWide(gap, config.min_age_gap_years)) return { fired: false };
    const found = signals(context, config);
    if (found.length < config.min_signals) return { fired: false };
    return {
      fired: true,
      reason: `${describeGap(gap)} with ${found.length} contact signals: ${found.join('; ')} (source: chat-signals note §5 metadata-only signals)`,
      effects: [
        {
          kind: 'typology',
          typology: chatTypologyNames.metadataRisk,
          points: config.points_per_signal * found.length,
        },
        ...actionEffects(config.actions),
      ],
    };
  },
});
