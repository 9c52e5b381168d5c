import type { EngineEvent } from '../events/index.js';

/**
 * One media match as rules see it: the fields of a `media.matched` event's `data.matches` items
 * (a subset of the matcher's `Match`).
 */
export interface RuleMatch {
  readonly bank: string;
  readonly contentId: number;
  readonly signalType: string;
  readonly distance: number;
}

/**
 * Everything a rule may read about one event, assembled by the engine before rules run. Both
 * operator (CEL) and built-in (TypeScript) rules receive it; nothing in it is mutated.
 *
 * In CEL it appears as the variables `event`, `entities` (= `event.entities`), `features`,
 * `labels` and `matches`; see `docs/rules.md` for their types and number conversion.
 *
 * @example
 * const context: RuleContext = {
 *   event: { id: 'e1', type: 'session.started', time: '2026-01-01T00:00:00Z', timeMs: 1767225600000,
 *            entities: { user: 'u1', stream: 's1' }, data: { visibility: 'private', viewer_count: 1 } },
 *   features: { payments_to_host_30m: 2 },
 *   labels: { user: ['stream_watch'] },
 * };
 */
export interface RuleContext {
  readonly event: EngineEvent;
  /**
   * Feature name → value. `null` or absent means "not available" (not computed for this event):
   * in CEL the feature is then absent, so `has(features.x)` is false and reading it is an error.
   * The engine hands a lazy record (`featureRecordType`): read it by name while the rule runs;
   * its names are not own properties, so enumerating it (`Object.keys`) finds none.
   */
  readonly features?: Readonly<Record<string, number | null | undefined>>;
  /** Entity role → names of the labels currently on that role's entity. */
  readonly labels?: Readonly<Record<string, readonly string[]>>;
  /** Media matches; absent = `event.data.matches` when it is a list, else none. */
  readonly matches?: readonly RuleMatch[];
}

/** The matches of a context: explicit ones, else `event.data.matches` when it is a list, else none. */
export function contextMatches(context: RuleContext): readonly unknown[] {
  if (context.matches !== undefined) return context.matches;
  const fromData = context.event.data.matches;
  return Array.isArray(fromData) ? fromData : [];
}

/**
 * A feature's value for the event as a finite number, or undefined when it is not available
 * (absent, `null`, or not a finite number): the one way built-in rules read `context.features`.
 */
export function featureValue(context: RuleContext, name: string): number | undefined {
  const value = context.features?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
