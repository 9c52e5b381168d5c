/**
 * The feature store's routing, compiled once from the specs so `apply` does no lookups by name:
 * per event type, the roles it feeds and, per role, the features to update; per entity type, the
 * layout of an entity's state (which slot each feature occupies).
 */
import type { EngineEvent } from '../events/index.js';
import type { Aggregate, FeatureSpec } from './definitions.js';

/** Adds to a bucket: count (adding 1), sum and distinct (per-bucket counts of newest values). */
export const kindAdditive = 0;
/** Keeps the least value per bucket. */
export const kindMin = 1;
/** Keeps the greatest value per bucket. */
export const kindMax = 2;
/** Keeps the earliest event time (all time). */
export const kindFirstSeen = 3;
/** Keeps the latest event time (all time). */
export const kindLastSeen = 4;

/** How the store reads a feature's input from an event. */
export type InputMode = 'presence' | 'number' | 'distinct';

/** One feature as the store runs it. */
export interface CompiledFeature {
  readonly spec: FeatureSpec;
  readonly name: string;
  readonly aggregate: Aggregate;
  /** One of the `kind*` constants. */
  readonly kind: number;
  /** True for the bucketed aggregates; false for first_seen and last_seen. */
  readonly windowed: boolean;
  /** Index among the layout's windowed features (block handles) or all-time ones (times). */
  readonly slot: number;
  /** Index among the layout's distinct features; −1 for other aggregates. */
  readonly distinctSlot: number;
  /** Index of the feature's entity type in `FeaturePlan.layoutList`. */
  readonly layoutIndex: number;
  /** Bucket width in ms; 0 when not windowed. */
  readonly bucketMs: number;
  readonly input: InputMode;
  readonly path: readonly string[] | null;
  /** Computes the input in code (`FeatureDefinition.value`); wins over `path`. */
  readonly read: ((event: EngineEvent) => unknown) | null;
  readonly filter: ((event: EngineEvent) => boolean) | null;
}

/** The state layout of one entity type: every feature kept for it, in definition order. */
export interface EntityLayout {
  /** Position in `FeaturePlan.layoutList`: the store keeps one `EntityTable` per layout. */
  readonly index: number;
  readonly entityType: string;
  /** `entityType:`, the prefix of every key of this type. */
  readonly prefix: string;
  readonly features: readonly CompiledFeature[];
  readonly windowedSlots: number;
  readonly seenSlots: number;
  readonly distinctSlots: number;
}

/** The features one role of one event type feeds. */
export interface Route {
  readonly role: string;
  readonly layout: EntityLayout;
  readonly features: readonly CompiledFeature[];
}

const kinds: Readonly<Record<Aggregate, number>> = {
  count: kindAdditive,
  sum: kindAdditive,
  distinct: kindAdditive,
  min: kindMin,
  max: kindMax,
  first_seen: kindFirstSeen,
  last_seen: kindLastSeen,
};

/** The compiled routing of a validated feature set; see the module comment. */
export class FeaturePlan {
  readonly byName = new Map<string, CompiledFeature>();
  readonly layouts = new Map<string, EntityLayout>();
  /** The layouts in order of first appearance in the specs. */
  readonly layoutList: EntityLayout[] = [];
  /** Event type → the roles it feeds, each with its features. */
  readonly routes = new Map<string, readonly Route[]>();

  constructor(readonly specs: readonly FeatureSpec[]) {
    const byType = new Map<string, FeatureSpec[]>();
    for (const spec of specs) {
      const list = byType.get(spec.entityType) ?? [];
      list.push(spec);
      byType.set(spec.entityType, list);
    }
    for (const [entityType, typeSpecs] of byType) {
      const layout = compileLayout(this.layoutList.length, entityType, typeSpecs);
      this.layouts.set(entityType, layout);
      this.layoutList.push(layout);
      for (const feature of layout.features) this.byName.set(feature.name, feature);
    }
    const routes = new Map<string, Map<string, CompiledFeature[]>>();
    for (const spec of specs) {
      const feature = this.byName.get(spec.name) as CompiledFeature;
      for (const eventType of spec.eventTypes) {
        const roles = routes.get(eventType) ?? new Map<string, CompiledFeature[]>();
        routes.set(eventType, roles);
        const routeKey = `${spec.entity}\u0000${spec.entityType}`;
        const list = roles.get(routeKey) ?? [];
        list.push(feature);
        roles.set(routeKey, list);
      }
    }
    for (const [eventType, roles] of routes) {
      const list: Route[] = [];
      for (const features of roles.values()) {
        const first = features[0] as CompiledFeature;
        list.push({
          role: first.spec.entity,
          layout: this.layouts.get(first.spec.entityType) as EntityLayout,
          features,
        });
      }
      this.routes.set(eventType, list);
    }
  }
}

function compileLayout(index: number, entityType: string, specs: readonly FeatureSpec[]): EntityLayout {
  let windowedSlots = 0;
  let seenSlots = 0;
  let distinctSlots = 0;
  const features = specs.map((spec): CompiledFeature => {
    const windowed = spec.bucketMs !== null;
    const slot = windowed ? windowedSlots++ : seenSlots++;
    return {
      spec,
      name: spec.name,
      aggregate: spec.aggregate,
      kind: kinds[spec.aggregate],
      windowed,
      slot,
      distinctSlot: spec.aggregate === 'distinct' ? distinctSlots++ : -1,
      layoutIndex: index,
      bucketMs: spec.bucketMs ?? 0,
      input: inputMode(spec.aggregate),
      path: spec.fieldPath,
      read: spec.value ?? null,
      filter: spec.filter ?? null,
    };
  });
  return {
    index,
    entityType,
    prefix: `${entityType}:`,
    features,
    windowedSlots,
    seenSlots,
    distinctSlots,
  };
}

function inputMode(aggregate: Aggregate): InputMode {
  if (aggregate === 'distinct') return 'distinct';
  if (aggregate === 'sum' || aggregate === 'min' || aggregate === 'max') return 'number';
  return 'presence';
}
