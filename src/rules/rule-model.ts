/**
 * The vocabulary shared by operator (YAML) and built-in (TypeScript) rules: modes, verdicts,
 * priorities and the typed effects a rule hit carries. These strings are storage keys (they are
 * recorded with every hit): never rename one.
 */

/**
 * `shadow`: the engine records the hit but applies none of its effects, so an analyst can read a
 * rule's hit rate and precision before it acts. `active`: the engine applies the effects.
 */
export type RuleMode = 'shadow' | 'active';

/** Every rule mode, in documentation order. */
export const ruleModes: readonly RuleMode[] = ['shadow', 'active'];

/** The synchronous answer to the integrator for the event. */
export type Verdict = 'allow' | 'review' | 'block';

/** Every verdict, from least to most severe. */
export const verdicts: readonly Verdict[] = ['allow', 'review', 'block'];

/** How soon a case should reach a reviewer. */
export type CasePriority = 'low' | 'medium' | 'high' | 'urgent';

/** Every case priority, from least to most urgent. */
export const casePriorities: readonly CasePriority[] = ['low', 'medium', 'high', 'urgent'];

/** Give the event a verdict; the engine keeps the most severe verdict among active hits. */
export interface VerdictEffect {
  readonly kind: 'verdict';
  readonly verdict: Verdict;
  /** Why, for the integrator (defaults to the rule's reason). */
  readonly reason: string;
}

/** Add a label to (or remove one from) the entity the event names under `entity`. */
export interface LabelEffect {
  readonly kind: 'label';
  /** Entity role in the event (`user`, `payment_account`, …). */
  readonly entity: string;
  readonly action: 'add' | 'remove';
  readonly label: string;
  /** For `add`: the label lapses this long after it is applied; absent = it does not lapse. */
  readonly expiresAfterMs?: number;
}

/** Add points to a typology score for the event's entities. */
export interface TypologyEffect {
  readonly kind: 'typology';
  readonly typology: string;
  /** Positive, finite. */
  readonly points: number;
  /**
   * The event role whose entity gets the points, when it is not the typology's own subject role
   * (a payee's money-mule score, added when the mule pays onwards as `payment_account`). The
   * entity types must agree. Built-in rules only.
   */
  readonly subject?: string;
}

/** Open a case on (or add this hit to the open case of) the entity under `subject`. */
export interface CaseEffect {
  readonly kind: 'case';
  /** Entity role in the event whose entity the case is about. */
  readonly subject: string;
  readonly priority: CasePriority;
}

/**
 * Ask the platform to act (end a stream, hold a payment…): the action is declared in the
 * policy's `actions.yaml` (src/actions); the engine commits it to the outbox with the event.
 */
export interface ActionEffect {
  readonly kind: 'action';
  /** The declared action's name. */
  readonly action: string;
}

/** What a rule asks the engine to do when it fires (and is active). */
export type RuleEffect = VerdictEffect | LabelEffect | TypologyEffect | CaseEffect | ActionEffect;

/**
 * Rule ids are lowercase words joined by single underscores, at most 64 characters. They are
 * storage keys (hits, shadow statistics and cases refer to them): never rename a released rule.
 */
export const ruleIdPattern = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

/** Longest accepted rule id. */
export const maximumRuleIdLength = 64;

/** True when `id` is a well-formed rule id. */
export function isValidRuleId(id: string): boolean {
  return id.length <= maximumRuleIdLength && ruleIdPattern.test(id);
}

const durationUnits: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Milliseconds in a label lifetime written as a positive whole number and a unit: `m` (minutes),
 * `h` (hours) or `d` (days), e.g. `30m`, `12h`, `7d`; undefined when `text` is not one.
 * At most 3650 days, so a typo cannot make a label outlive every retention clock.
 */
export function parseDuration(text: string): number | undefined {
  const match = /^([1-9][0-9]{0,6})([mhd])$/.exec(text);
  if (match === null) return undefined;
  const unit = durationUnits[match[2] ?? ''];
  if (unit === undefined) return undefined;
  const milliseconds = Number(match[1]) * unit;
  return milliseconds <= 3650 * 86_400_000 ? milliseconds : undefined;
}
