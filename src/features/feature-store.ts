/**
 * The feature store: every feature of every entity, kept incrementally in memory, so a rule
 * reads "payments from this account in 30 days" in O(buckets) instead of querying event history
 * per event (the per-rule history query is what makes Tazama's rules ≈ 6 ms each).
 *
 * Window semantics are in `window.ts`; in short, a window W is kept as 60 buckets of W / 60 and a
 * read at t aggregates the 61 buckets that overlap (t − W, t]. Reads are exact (equal to
 * `recomputeFeature` over the applied events) for any `atMs` at or after the newest event applied
 * to the entity: that is the engine's use, reading right after applying an event or later. For
 * an earlier `atMs`, buckets after it are left out but history already dropped is not restored.
 */
import { EngineError } from '../core/index.js';
import type { EngineEvent } from '../events/index.js';
import { CellArena } from './cell-arena.js';
import { defineFeatures, type FeatureDefinition, type FeatureSpec } from './definitions.js';
import { EntityTable } from './entity-table.js';
import { distinctKey, isPresent, numericInput, readPath } from './event-input.js';
import { type CompiledFeature, type EntityLayout, FeaturePlan, type Route } from './feature-plan.js';
import { type FeatureSnapshot, restoreTables, takeSnapshot } from './snapshot.js';

/**
 * Per-entity windowed features, updated one event at a time.
 *
 * Not thread-safe and not idempotent: ingestion de-duplicates events by id before `apply`.
 */
export class FeatureStore {
  private readonly plan: FeaturePlan;
  /** Per entity layout (`FeaturePlan.layoutList`): looked up by id, so no key is built per event. */
  private readonly tables: EntityTable[];
  /** `rolesFedBy`, per event type. */
  readonly #rolesFed = new Map<string, readonly (readonly [string, string])[]>();

  /**
   * A store for `definitions` (validated here; specs from `defineFeatures` pass as they are).
   *
   * @throws EngineError `CONFIG_INVALID` listing every problem in the definitions.
   */
  constructor(definitions: readonly FeatureDefinition[]) {
    this.plan = new FeaturePlan(defineFeatures(definitions));
    const arena = new CellArena();
    this.tables = this.plan.layoutList.map((layout) => new EntityTable(layout, arena));
  }

  /**
   * A store for `definitions` holding the state of `snapshot`: applying the events after the
   * snapshot's position then gives exactly the values applying every event gives. Features added
   * since start empty; features removed are dropped.
   *
   * @throws EngineError `CONFIG_INVALID` for bad definitions, a malformed snapshot, or a feature
   *   whose entity, events, aggregate, field, window or filter presence changed under its name.
   */
  static restore(definitions: readonly FeatureDefinition[], snapshot: FeatureSnapshot): FeatureStore {
    const store = new FeatureStore(definitions);
    restoreTables(store.plan, store.tables, snapshot);
    return store;
  }

  /** The validated features, in definition order. */
  get features(): readonly FeatureSpec[] {
    return this.plan.specs;
  }

  /**
   * The roles whose entity's features events of `eventType` may update, each with the entity type
   * the features are kept for (whether or not a feature's filter and field let a given event
   * count); empty for a type that feeds no feature. The same array for every call.
   */
  rolesFedBy(eventType: string): readonly (readonly [role: string, entityType: string])[] {
    let fed = this.#rolesFed.get(eventType);
    if (fed === undefined) {
      const routes = this.plan.routes.get(eventType) ?? [];
      fed = routes.map((route) => [route.role, route.layout.entityType] as const);
      this.#rolesFed.set(eventType, fed);
    }
    return fed;
  }

  /** Whether any feature is kept for entities of `entityType`. */
  keepsEntityType(entityType: string): boolean {
    return this.plan.layouts.has(entityType);
  }

  /** How many entities hold state (what `evictIdle` shrinks). */
  get entityCount(): number {
    let count = 0;
    for (const table of this.tables) count += table.size;
    return count;
  }

  /**
   * Updates every feature fed by the event's type whose role is in `event.entities` (with a
   * non-empty id), whose filter passes and whose field is present: a finite number for sum, min
   * and max (anything else is skipped), any value with JSON text for distinct. Windowed features
   * ignore an event more than 60 buckets older than the newest they hold for the entity (it can
   * never be read again); first_seen and last_seen take every event. An event whose `timeMs` is
   * not finite is ignored. A filter that throws aborts the call with the features before it
   * updated; filters must be total.
   *
   * `keep`, when given, limits the update to the entities it accepts (by entity type and id): a
   * partitioned worker keeps only the entities whose features live in its partition, and asks the
   * owners of the others (docs/scaling.md, "Features of every role").
   */
  apply(event: EngineEvent, keep?: (entityType: string, id: string) => boolean): void {
    const timeMs = event.timeMs;
    if (!Number.isFinite(timeMs)) return;
    const routes = this.plan.routes.get(event.type);
    if (routes === undefined) return;
    for (let r = 0; r < routes.length; r++) {
      const route = routes[r] as Route;
      const id = event.entities[route.role];
      if (typeof id !== 'string' || id === '') continue;
      if (keep !== undefined && !keep(route.layout.entityType, id)) continue;
      const table = this.tables[route.layout.index] as EntityTable;
      let row = -1;
      const features = route.features;
      for (let f = 0; f < features.length; f++) {
        const feature = features[f] as CompiledFeature;
        if (feature.filter !== null && !feature.filter(event)) continue;
        const raw =
          feature.read !== null ? feature.read(event) : feature.path === null ? true : readPath(event, feature.path);
        if (feature.input === 'number') {
          const value = numericInput(raw);
          if (value === undefined) continue;
          if (row < 0) row = table.rowFor(id);
          table.add(row, feature, timeMs, value);
        } else if (feature.input === 'distinct') {
          const key = distinctKey(raw);
          if (key === undefined) continue;
          if (row < 0) row = table.rowFor(id);
          table.addDistinct(row, feature, timeMs, key);
        } else {
          if (!isPresent(raw)) continue;
          if (row < 0) row = table.rowFor(id);
          if (feature.windowed) table.add(row, feature, timeMs, 1);
          else table.see(row, feature, timeMs);
        }
      }
    }
  }

  /**
   * The value of feature `name` for the entity `key` (an `entityKey(type, id)`) as of `atMs`
   * (see the module comment for which `atMs` are exact): count, sum and distinct give 0 with
   * nothing in the window, min and max `null`; first_seen and last_seen give Unix ms, or `null`
   * when never seen.
   *
   * @throws EngineError `CONFIG_INVALID` for an unknown feature, or a key of another entity type
   *   than the feature is kept for (a rule wired to the wrong entity).
   */
  value(name: string, key: string, atMs: number): number | null {
    const feature = this.plan.byName.get(name);
    if (feature === undefined) throw new EngineError('CONFIG_INVALID', `no feature is named "${name}"`);
    const layout = this.plan.layoutList[feature.layoutIndex] as EntityLayout;
    if (!key.startsWith(layout.prefix)) {
      throw new EngineError('CONFIG_INVALID', `feature "${name}" is kept per ${layout.entityType}, not for ${key}`);
    }
    const table = this.tables[layout.index] as EntityTable;
    const row = table.rowOf(key.slice(layout.prefix.length));
    return row < 0 ? emptyValue(feature) : table.read(row, feature, atMs);
  }

  /**
   * `value` for an entity given by its id alone (the feature knows its entity type): the
   * engine's per-event path, which builds no key strings.
   *
   * @throws EngineError `CONFIG_INVALID` for an unknown feature.
   */
  valueOfId(name: string, id: string, atMs: number): number | null {
    const feature = this.plan.byName.get(name);
    if (feature === undefined) throw new EngineError('CONFIG_INVALID', `no feature is named "${name}"`);
    const table = this.tables[feature.layoutIndex] as EntityTable;
    const row = table.rowOf(id);
    return row < 0 ? emptyValue(feature) : table.read(row, feature, atMs);
  }

  /**
   * Every feature kept for the entity type of `key`, by name, as of `atMs` (as `value` gives
   * them); an empty object for a type no feature is kept for.
   */
  valuesFor(key: string, atMs: number): Record<string, number | null> {
    const colon = key.indexOf(':');
    const layout = colon < 0 ? undefined : this.plan.layouts.get(key.slice(0, colon));
    const values: Record<string, number | null> = {};
    if (layout === undefined) return values;
    const table = this.tables[layout.index] as EntityTable;
    const row = table.rowOf(key.slice(layout.prefix.length));
    for (const feature of layout.features) {
      values[feature.name] = row < 0 ? emptyValue(feature) : table.read(row, feature, atMs);
    }
    return values;
  }

  /**
   * Forgets every entity with nothing left in any window at `nowMs` (no windowed feature holds a
   * bucket a read at `nowMs` or later aggregates) and returns how many. Their first_seen and
   * last_seen go with them: an evicted entity that returns is first seen again. Entities with
   * only all-time features are always idle. O(entities); call it periodically, not per event.
   */
  evictIdle(nowMs: number): number {
    let evicted = 0;
    for (const table of this.tables) evicted += table.evictIdle(nowMs);
    return evicted;
  }

  /**
   * The whole state as JSON-serialisable data with a version (see `snapshot.ts`); restore it
   * with `FeatureStore.restore`. O(state); the store must not be changed while it runs.
   */
  snapshot(): FeatureSnapshot {
    return takeSnapshot(this.plan, this.tables);
  }
}

/** The value of a feature for an entity with no state: 0 for count, sum and distinct, else `null`. */
function emptyValue(feature: CompiledFeature): number | null {
  return feature.aggregate === 'count' || feature.aggregate === 'sum' || feature.aggregate === 'distinct' ? 0 : null;
}
