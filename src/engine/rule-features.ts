import type { EngineEvent } from '../events/index.js';
import type { FeatureSpec } from '../features/index.js';
import { type FeatureRecord, type FeatureRecordType, type FeatureSource, featureRecordType } from '../rules/index.js';
import type { ProcessorState } from './event-processor.js';

/**
 * What the rules see of an event's features: every feature of the policy, by name, each `null`
 * when the event has no entity it may read it for (no such role, or one of another entity type)
 * and otherwise its value for that entity at the event's time. The record is lazy
 * (`featureRecordType`): a value is worked out when a rule first reads it, so an event costs the
 * features its rules read, not every feature kept for its entities (dozens per payment, a third
 * of the engine's time when they were all computed up front). Rules run right after the event is
 * applied and change no feature, so a value read lazily is the value an eager read gave.
 */
export function ruleFeatures(state: ProcessorState, event: EngineEvent): FeatureRecord {
  const type = recordTypeOf(state);
  return new type(new EventFeatures(state, event, readableIn(state, event.type)));
}

/** The values of one event's lazy feature record. */
class EventFeatures implements FeatureSource {
  constructor(
    private readonly state: ProcessorState,
    private readonly event: EngineEvent,
    private readonly readable: readonly boolean[],
  ) {}

  valueAt(index: number): number | null {
    const spec = this.state.featureSpecs[index] as FeatureSpec;
    const id = this.event.entities[spec.readRole];
    if (id === undefined || this.readable[index] !== true) return null;
    // Partitioned: an entity homed in another partition is read from that partition's answer.
    const foreign = this.state.foreign?.valueOf(this.event.id, spec.entityType, id, spec.name);
    if (foreign !== undefined) return foreign;
    return this.state.features.valueOfId(spec.name, id, this.event.timeMs);
  }
}

/**
 * Per engine: the lazy record type over its features, in `featureSpecs` order. Keyed by the specs
 * list, which every state of one engine shares (a partition's, a batch's with its `foreign`).
 */
const recordTypes = new WeakMap<readonly FeatureSpec[], FeatureRecordType>();

function recordTypeOf(state: ProcessorState): FeatureRecordType {
  let type = recordTypes.get(state.featureSpecs);
  if (type === undefined) {
    type = featureRecordType(state.featureSpecs.map((spec) => spec.name));
    recordTypes.set(state.featureSpecs, type);
  }
  return type;
}

/**
 * Per engine, per event type: whether each feature (in `featureSpecs` order) may read its role in
 * events of that type, i.e. the role is the feature's own or is declared of the feature's entity
 * type. It depends on the engine's registry and features alone (both fixed for its life, and
 * shared by all its states: keyed by the specs list), so it is worked out once per event type.
 */
const readableFeatures = new WeakMap<readonly FeatureSpec[], Map<string, readonly boolean[]>>();

export function readableIn(state: ProcessorState, eventType: string): readonly boolean[] {
  let byType = readableFeatures.get(state.featureSpecs);
  if (byType === undefined) {
    byType = new Map();
    readableFeatures.set(state.featureSpecs, byType);
  }
  let readable = byType.get(eventType);
  if (readable === undefined) {
    readable = state.featureSpecs.map(
      (spec) =>
        spec.readRole === spec.entity || state.registry.entityType(eventType, spec.readRole) === spec.entityType,
    );
    byType.set(eventType, readable);
  }
  return readable;
}
