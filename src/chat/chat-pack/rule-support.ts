import { featureValue, type RuleContext } from '../../rules/index.js';
import { chatFeatureNames as f } from './features.js';

/**
 * What the pack's rules share: the ages of the two sides, the age gap, the suppressions and the
 * strong metadata, each read from the pack's features with "unknown" kept unknown: a missing
 * age is never taken for an adult's or a minor's, a missing relationship never for "none".
 */

const dayMs = 86_400_000;

/** One side's age class as the account events stated it. */
export type AgeClass = 'minor' | 'adult' | 'unknown';

/**
 * The age class of the sender (`user`) or of the `recipient`, from the latest account event that
 * stated one; reads the two features it needs and no other (the metadata rule asks this of every
 * message, and most senders are not adults writing to minors).
 */
export function ageClassOf(context: RuleContext, side: 'user' | 'recipient'): AgeClass {
  const own = side === 'user';
  const minorAt = featureValue(context, own ? f.userMinorAt : f.recipientMinorAt);
  const adultAt = featureValue(context, own ? f.userAdultAt : f.recipientAdultAt);
  if (minorAt === undefined && adultAt === undefined) return 'unknown';
  // The latest statement wins; on the same instant, minor (the protective reading).
  return adultAt === undefined || (minorAt !== undefined && minorAt >= adultAt) ? 'minor' : 'adult';
}

/**
 * The age gap between an adult sender and a minor recipient: the years between them when both
 * ages are known, `'adult_to_minor'` when only the classes are (an adult and a minor, years
 * unknown), `undefined` otherwise (unknown, or not adult → minor). Reads the recipient's age only
 * for an adult sender and the years only for an adult → minor pair (the features are read lazily:
 * what is not read costs nothing).
 */
export function adultToMinorGap(context: RuleContext): number | 'adult_to_minor' | undefined {
  if (ageClassOf(context, 'user') !== 'adult' || ageClassOf(context, 'recipient') !== 'minor') return undefined;
  const senderYears = featureValue(context, f.userAgeYears);
  const recipientYears = featureValue(context, f.recipientAgeYears);
  if (senderYears !== undefined && recipientYears !== undefined) return senderYears - recipientYears;
  return 'adult_to_minor';
}

/** Whether an adult → minor gap is wide enough: years at least `minimumYears`, or classes alone. */
export function gapIsWide(gap: number | 'adult_to_minor' | undefined, minimumYears: number): boolean {
  return gap === 'adult_to_minor' || (typeof gap === 'number' && gap >= minimumYears);
}

/** The gap in words, for reasons. */
export function describeGap(gap: number | 'adult_to_minor'): string {
  return gap === 'adult_to_minor' ? 'an adult to a minor (ages in years unknown)' : `an age gap of ${gap} years`;
}

/** Days since the pair's first contact (0 when the first contact is this event), or undefined. */
export function contactAgeDays(context: RuleContext): number | undefined {
  const first = featureValue(context, f.dyadFirstContactAt);
  return first === undefined ? undefined : Math.max(0, (context.event.timeMs - first) / dayMs);
}

/** Messages the sender and the recipient sent each other in 30 days (sender's first). */
export function messagesEachWay(context: RuleContext): { sent: number; received: number } {
  const { user, recipient } = context.event.entities;
  const lowToHigh = featureValue(context, f.dyadMessagesLowToHigh) ?? 0;
  const highToLow = featureValue(context, f.dyadMessagesHighToLow) ?? 0;
  if (user === undefined || recipient === undefined) return { sent: 0, received: 0 };
  return user < recipient ? { sent: lowToHigh, received: highToLow } : { sent: highToLow, received: lowToHigh };
}

/** Thresholds of the suppressions, from each rule's config. */
export interface SuppressionConfig {
  readonly long_history_days: number;
  readonly long_history_messages_each_way: number;
}

/**
 * Why a pair's indicators are not grooming, if a reason is known: the platform said they are
 * family; the sender belongs to a verified organisation and the platform said they know each
 * other through a school or a coach; or a long mutual history (first contact long ago, both
 * writing). Absent facts suppress nothing.
 */
export function suppression(context: RuleContext, config: SuppressionConfig): string | undefined {
  if (featureValue(context, f.dyadFamilyLinkAt) !== undefined) return 'the platform says the two are family';
  if (
    featureValue(context, f.userVerifiedOrganisationAt) !== undefined &&
    featureValue(context, f.dyadOrganisationLinkAt) !== undefined
  )
    return 'the sender belongs to a verified school or club and the two know each other through it';
  const days = contactAgeDays(context);
  const { sent, received } = messagesEachWay(context);
  if (
    days !== undefined &&
    days >= config.long_history_days &&
    Math.min(sent, received) >= config.long_history_messages_each_way
  )
    return `a long mutual history (first contact ${Math.floor(days)} days ago, both writing)`;
  return undefined;
}

/** Thresholds of the strong metadata, from each rule's config. */
export interface StrongMetadataConfig {
  readonly fan_out_recipients_7d: number;
  readonly new_contact_days: number;
  readonly new_account_days: number;
  readonly classifier_score: number;
  readonly reports_30d: number;
}

/** The strong metadata signals about the sender and the pair that hold now, in words. */
export function strongMetadata(context: RuleContext, config: StrongMetadataConfig): string[] {
  const found: string[] = [];
  const recipients = featureValue(context, f.userRecipients7d) ?? 0;
  if (recipients >= config.fan_out_recipients_7d) found.push(`messaged ${recipients} accounts in 7 days`);
  const contactDays = contactAgeDays(context);
  const createdAt = featureValue(context, f.userCreatedAt);
  const accountDays = createdAt === undefined ? undefined : (context.event.timeMs - createdAt) / dayMs;
  if (
    contactDays !== undefined &&
    contactDays <= config.new_contact_days &&
    accountDays !== undefined &&
    accountDays <= config.new_account_days
  )
    found.push(`a new contact from an account ${Math.floor(accountDays)} days old`);
  const score = Math.max(
    featureValue(context, f.userClassifierMax) ?? 0,
    featureValue(context, f.dyadClassifierMax) ?? 0,
  );
  if (score >= config.classifier_score) found.push(`an external classifier scored ${score.toFixed(2)}`);
  const reports = featureValue(context, f.userReports30d) ?? 0;
  if (reports >= config.reports_30d) found.push(`reported ${reports} times in 30 days`);
  return found;
}

/**
 * The source each reason cites: the chat-signals note's section 4 (taxonomy) and §8 items 10 and
 * 13 (two families before a case, suppressions, interventions apart from reports).
 */
export const chatSources = 'source: chat-signals note §4 (families), §8.10 (≥2 families, suppressions)';
