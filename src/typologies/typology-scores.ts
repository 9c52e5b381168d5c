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
 * Typology scores per (typology, subject), kept in memory: the sum of weighted rule points
 * within the typology's window. A contribution from an event already counted is ignored, so
 * replaying events after a crash does not double points.
 */
export class TypologyScores {
  readonly #definitions: Map<string, TypologyDefinition>;
  readonly #contributions = new Map<string, Contribution[]>();

  constructor(definitions: readonly TypologyDefinition[]) {
    this.#definitions = new Map(definitions.map((definition) => [definition.name, definition]));
  }

  definition(name: string): TypologyDefinition | undefined {
    return this.#definitions.get(name);
  }

  names(): string[] {
    return [...this.#definitions.keys()];
  }

  /** Adds `points` (times the rule's weight) to `subject`'s score in `typology`. */
  add(typology: string, subject: string, contribution: Contribution): ScoreChange | undefined {
    const definition = this.#definitions.get(typology);
    if (definition === undefined) return undefined;
    const key = `${typology}\u0000${subject}`;
    const windowStart = contribution.timeMs - definition.windowMs;
    const kept = (this.#contributions.get(key) ?? []).filter((entry) => entry.timeMs > windowStart);
    if (kept.some((entry) => entry.eventId === contribution.eventId && entry.ruleId === contribution.ruleId)) {
      return undefined;
    }
    const before = kept.reduce((sum, entry) => sum + entry.points, 0);
    const weighted = { ...contribution, points: contribution.points * (definition.weights[contribution.ruleId] ?? 1) };
    kept.push(weighted);
    kept.sort((a, b) => a.timeMs - b.timeMs);
    this.#contributions.set(key, kept);
    const score = before + weighted.points;
    return {
      typology,
      subject,
      score,
      contributions: kept,
      alerted: before < definition.alertThreshold && score >= definition.alertThreshold,
      caseOpened:
        definition.caseThreshold !== null && before < definition.caseThreshold && score >= definition.caseThreshold,
    };
  }

  /** The current score of `subject` in `typology` as of `atMs`. */
  score(typology: string, subject: string, atMs: number): number {
    const definition = this.#definitions.get(typology);
    if (definition === undefined) return 0;
    const entries = this.#contributions.get(`${typology}\u0000${subject}`) ?? [];
    return entries
      .filter((entry) => entry.timeMs > atMs - definition.windowMs && entry.timeMs <= atMs)
      .reduce((sum, entry) => sum + entry.points, 0);
  }
}
