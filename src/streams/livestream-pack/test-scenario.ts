import { type EngineEvent, EventTypeRegistry, entityKey } from '../../events/index.js';
import { FeatureStore } from '../../features/index.js';
import type { RulePack } from '../../packs/index.js';
import type { RuleContext } from '../../rules/index.js';
import { livestreamPack } from './livestream-pack.js';

/** The start of every synthetic scenario: a fixed, arbitrary evening (UTC). */
export const scenarioStartMs = Date.parse('2026-03-02T20:00:00.000Z');

/** An event as it would be sent to the engine, `minute` minutes after `scenarioStartMs`. */
export interface ScenarioEvent {
  readonly type: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
  readonly minute: number;
}

/** A synthetic event at `minute` (fractions allowed) of the scenario. */
export function at(
  minute: number,
  type: string,
  entities: Record<string, string>,
  data: Record<string, unknown> = {},
): ScenarioEvent {
  return { type, entities, data, minute };
}

/**
 * Test support (not exported by the pack): plays synthetic events through the pack's real
 * features and returns the `RuleContext` of the last one as the engine builds it, so rule tests
 * exercise features and rules together. Every event is first validated against the built-in
 * event types, so a test also checks the pack's event contract is accepted by the schemas.
 *
 * Features are read like `processEvent` reads them: for the entity under the feature's
 * `readRole`, when that role's entity type (per the event type) is the feature's entity type.
 *
 * @throws Error when an event is refused by its schema, naming the bad fields.
 */
export function contextAfter(events: readonly ScenarioEvent[], pack: RulePack = livestreamPack): RuleContext {
  const registry = new EventTypeRegistry();
  const store = new FeatureStore(pack.features);
  let last: EngineEvent | undefined;
  events.forEach((input, index) => {
    const checked = registry.check({
      id: `scenario-${index}`,
      type: input.type,
      time: new Date(scenarioStartMs + input.minute * 60_000).toISOString(),
      entities: input.entities,
      data: input.data,
    });
    if (!checked.ok) {
      throw new Error(
        `scenario event ${index} (${input.type}) is invalid: ${checked.problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      );
    }
    store.apply(checked.event);
    last = checked.event;
  });
  if (last === undefined) throw new Error('a scenario needs at least one event');
  const event = last;
  const features: Record<string, number | null> = {};
  for (const spec of store.features) {
    const id = event.entities[spec.readRole];
    const readable =
      id !== undefined &&
      (spec.readRole === spec.entity || registry.entityType(event.type, spec.readRole) === spec.entityType);
    features[spec.name] = readable ? store.value(spec.name, entityKey(spec.entityType, id), event.timeMs) : null;
  }
  return { event, features };
}
