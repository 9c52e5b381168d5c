import type { TypologyContribution } from './typology-contribution.js';
import type { TypologyDefinition } from './typology-definition.js';

/** One rule's contribution to a subject's typology score. */
export interface Contribution {
  readonly ruleId: string;
  readonly eventId: string;
  readonly points: number;
  readonly reason: string;
  readonly timeMs: number;
}

/** What adding a contribution did to the score. */
export interface ScoreChange {
  readonly typology: string;
  readonly subject: string;
  readonly score: number;
  /** The contributions inside the window, oldest first: the explanation of the score. */
  readonly contributions: readonly Contribution[];
  /** True when this contribution took the score across the alert threshold. */
  readonly alerted: boolean;
  /** True when it took the score across the case threshold. */
  readonly caseOpened: boolean;
}

/**
 * A subject whose score reached a typology's alert threshold at least once: what a batch
 * screening prints. `score` is the highest score reached; `reasons` explain that score (one per
 * contributing rule, most points first); the times span its contributions.
 */
export interface TypologyAlert {
  readonly typology: string;
  readonly subject: string;
  readonly score: number;
  readonly reasons: readonly string[];
  readonly firstSeenMs: number;
  readonly lastSeenMs: number;
}

/**
 * Typology scores per (typology, subject), kept in memory: the weighted rule points within the
 * typology's window, added up as the typology's `scoring` says, and 0 until every required rule
 * has contributed. A built-in rule may give negative points — a mitigation, such as regular
 * family support lowering a payer's score — which count like any other (its reason is among the
 * alert's reasons when the score still alerts); a score never goes below 0. A contribution from an event already counted is ignored, so replaying events
 * after a crash does not double points. Every subject that ever reached the alert threshold is
 * remembered (`alerts()`), with the explanation of its highest score.
 */
export class TypologyScores {
  readonly #definitions: Map<string, TypologyDefinition>;
  readonly #contributions = new Map<string, Contribution[]>();
  readonly #alerts = new Map<string, TypologyAlert>();
  /** When each (typology, subject) first got points: kept because `distinct_rules` drops old entries. */
  readonly #firstMs = new Map<string, number>();

  constructor(definitions: readonly TypologyDefinition[]) {
    this.#definitions = new Map(definitions.map((definition) => [definition.name, definition]));
  }

  definition(name: string): TypologyDefinition | undefined {
    return this.#definitions.get(name);
  }

  /** The longest window of any typology, in ms (0 without typologies). */
  longestWindowMs(): number {
    return Math.max(0, ...[...this.#definitions.values()].map((definition) => definition.windowMs));
  }

  names(): string[] {
    return [...this.#definitions.keys()];
  }

  /** Adds `points` (times the rule's weight) to `subject`'s score in `typology`. */
  add(typology: string, subject: string, contribution: Contribution): ScoreChange | undefined {
    const definition = this.#definitions.get(typology);
    if (definition === undefined) return undefined;
    const weight = definition.weights[contribution.ruleId] ?? 1;
    return this.#insert(definition, subject, { ...contribution, points: contribution.points * weight });
  }

  /**
   * Adds a contribution as the engine stored it (a `typology_contributions` row), its points
   * already weighted (`ScoreChange.contributions` holds them so, and the engine stores those): what
   * restarts and workers reading other workers' points use. `add` would weight them a second time.
   */
  restore(stored: TypologyContribution): ScoreChange | undefined {
    const definition = this.#definitions.get(stored.typology);
    if (definition === undefined) return undefined;
    return this.#insert(definition, stored.subject, {
      ruleId: stored.ruleId,
      eventId: stored.eventId,
      points: stored.points,
      reason: stored.reason,
      timeMs: Date.parse(stored.time),
    });
  }

  /** `add` and `restore`: `contribution`'s points are weighted already. */
  #insert(definition: TypologyDefinition, subject: string, contribution: Contribution): ScoreChange | undefined {
    const typology = definition.name;
    const key = `${typology}\u0000${subject}`;
    const windowStart = contribution.timeMs - definition.windowMs;
    const kept = (this.#contributions.get(key) ?? []).filter((entry) => entry.timeMs > windowStart);
    if (kept.some((entry) => entry.eventId === contribution.eventId && entry.ruleId === contribution.ruleId)) {
      return undefined;
    }
    if (!this.#firstMs.has(key)) this.#firstMs.set(key, contribution.timeMs);
    const before = scoreOf(definition, kept);
    kept.push(contribution);
    kept.sort((a, b) => a.timeMs - b.timeMs);
    const retained = definition.scoring === 'distinct_rules' ? dropDominated(kept) : kept;
    this.#contributions.set(key, retained);
    const score = scoreOf(definition, retained);
    if (score >= definition.alertThreshold) this.#remember(key, definition, subject, score, retained);
    return {
      typology,
      subject,
      score,
      contributions: retained,
      alerted: before < definition.alertThreshold && score >= definition.alertThreshold,
      caseOpened:
        definition.caseThreshold !== null && before < definition.caseThreshold && score >= definition.caseThreshold,
    };
  }

  /** The current score of `subject` in `typology` as of `atMs`. */
  score(typology: string, subject: string, atMs: number): number {
    const definition = this.#definitions.get(typology);
    if (definition === undefined) return 0;
    const entries = (this.#contributions.get(`${typology}\u0000${subject}`) ?? []).filter(
      (entry) => entry.timeMs > atMs - definition.windowMs && entry.timeMs <= atMs,
    );
    return scoreOf(definition, entries);
  }

  /**
   * The contributions kept for `subject` in `typology` (weighted, oldest first; those that fell out
   * of the window are dropped only when a later contribution arrives): the explanation of a score.
   */
  contributionsOf(typology: string, subject: string): readonly Contribution[] {
    return this.#contributions.get(`${typology}\u0000${subject}`) ?? [];
  }

  /** Every (typology, subject) that reached its alert threshold since this object was made. */
  alerts(): TypologyAlert[] {
    return [...this.#alerts.values()];
  }

  #remember(
    key: string,
    definition: TypologyDefinition,
    subject: string,
    score: number,
    contributions: readonly Contribution[],
  ): void {
    const previous = this.#alerts.get(key);
    if (previous !== undefined && previous.score >= score) {
      const last = contributions[contributions.length - 1];
      if (last !== undefined && last.timeMs > previous.lastSeenMs) {
        this.#alerts.set(key, { ...previous, lastSeenMs: last.timeMs });
      }
      return;
    }
    const best = new Map<string, Contribution>();
    for (const entry of contributions) {
      const current = best.get(entry.ruleId);
      if (current === undefined || outweighs(entry.points, current.points)) best.set(entry.ruleId, entry);
    }
    const reasons = [...best.values()].sort((a, b) => b.points - a.points).map((entry) => entry.reason);
    this.#alerts.set(key, {
      typology: definition.name,
      subject,
      score,
      reasons,
      firstSeenMs: previous?.firstSeenMs ?? this.#firstMs.get(key) ?? contributions[0]?.timeMs ?? 0,
      lastSeenMs: contributions[contributions.length - 1]?.timeMs ?? 0,
    });
  }
}

/** The score of contributions already inside the window, per the typology's scoring. */
function scoreOf(definition: TypologyDefinition, contributions: readonly Contribution[]): number {
  if (definition.requiredRules.length > 0) {
    for (const required of definition.requiredRules) {
      if (!contributions.some((entry) => entry.ruleId === required)) return 0;
    }
  }
  if (definition.scoring === 'sum')
    return Math.max(
      0,
      contributions.reduce((sum, entry) => sum + entry.points, 0),
    );
  const best = new Map<string, number>();
  for (const entry of contributions) {
    const current = best.get(entry.ruleId);
    if (current === undefined || outweighs(entry.points, current)) best.set(entry.ruleId, entry.points);
  }
  let total = 0;
  for (const points of best.values()) total += points;
  return Math.max(0, total);
}

/**
 * For `distinct_rules`, which of one rule's contributions counts: the largest, or for a
 * mitigating rule (negative points, e.g. "regular family support") the most negative — a rule's
 * points always have one sign, so this is "the strongest".
 */
function outweighs(points: number, than: number): boolean {
  return points < 0 ? points <= than : points >= than;
}

/**
 * For `distinct_rules`: drops each contribution that a later one of the same rule at least as
 * strong (`outweighs`) makes irrelevant (the later one outlives it in the window), so an account on
 * which a rule fires at every payment keeps one entry per rule, not one per payment.
 * `contributions` is sorted by time.
 */
function dropDominated(contributions: readonly Contribution[]): Contribution[] {
  const bestLater = new Map<string, number>();
  const kept: Contribution[] = [];
  for (let index = contributions.length - 1; index >= 0; index--) {
    const entry = contributions[index] as Contribution;
    const later = bestLater.get(entry.ruleId);
    if (later !== undefined && outweighs(later, entry.points)) continue;
    bestLater.set(entry.ruleId, entry.points);
    kept.push(entry);
  }
  return kept.reverse();
}
