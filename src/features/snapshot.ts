/**
 * Feature-store snapshots: the whole in-memory state as one JSON-serialisable object, so the
 * engine can persist it and, after a crash, restore it and replay the event log from the
 * snapshot's position. Restoring and then applying the remaining events gives exactly the values
 * applying every event gives: the snapshot holds every live bucket and distinct value as is.
 *
 * Each feature's declarative identity is stored too: restoring against a feature that kept its
 * name but changed its entity, events, aggregate, field or window would silently read state of
 * another meaning, so it is refused (give a changed feature a new name). Filters are functions
 * and cannot be compared; only whether there was one is checked.
 */
import { EngineError } from '../core/index.js';
import { validPairs } from './bucket-cells.js';
import type { Aggregate, FeatureSpec } from './definitions.js';
import { DistinctValues } from './distinct-values.js';
import type { EntityTable } from './entity-table.js';
import { distinctKeyOfText, textOfDistinctKey } from './event-input.js';
import type { CompiledFeature, FeaturePlan } from './feature-plan.js';

/** The snapshot format version `FeatureStore.snapshot` writes and `restore` reads. */
export const featureSnapshotVersion = 1;

/** A number in a snapshot: JSON has no ±Infinity or NaN (a sum can overflow), so they are named. */
export type SnapshotNumber = number | 'Infinity' | '-Infinity' | 'NaN';

/** A feature's declarative identity at snapshot time. */
export interface SnapshotFeature {
  readonly name: string;
  readonly entity: string;
  readonly entityType: string;
  readonly eventTypes: readonly string[];
  readonly aggregate: Aggregate;
  readonly field: string | null;
  readonly windowMs: number | null;
  readonly filtered: boolean;
}

/**
 * One feature of one entity: its bucket pairs `[bucket, value, …]` (ascending) and, for
 * distinct, each live value's JSON text with its newest bucket; or, for first_seen and
 * last_seen, the time.
 */
export type SnapshotState =
  | { readonly buckets: readonly SnapshotNumber[]; readonly values?: readonly (readonly [string, number])[] }
  | { readonly seenMs: number };

/** One entity: its key and the features that hold data for it, by name. */
export interface SnapshotEntity {
  readonly key: string;
  readonly features: Readonly<Record<string, SnapshotState>>;
}

/** The state of a `FeatureStore`; plain JSON (`JSON.stringify` / `JSON.parse` round-trip it). */
export interface FeatureSnapshot {
  readonly version: typeof featureSnapshotVersion;
  readonly features: readonly SnapshotFeature[];
  readonly entities: readonly SnapshotEntity[];
}

/** The snapshot of `tables` (one per layout of `plan`). */
export function takeSnapshot(plan: FeaturePlan, tables: readonly EntityTable[]): FeatureSnapshot {
  const out: SnapshotEntity[] = [];
  for (const table of tables) {
    for (const [id, row] of table.entries()) {
      const features = snapshotEntity(table, row);
      if (features !== undefined) out.push({ key: table.layout.prefix + id, features });
    }
  }
  return { version: featureSnapshotVersion, features: plan.specs.map(identity), entities: out };
}

function snapshotEntity(table: EntityTable, row: number): Record<string, SnapshotState> | undefined {
  const features: Record<string, SnapshotState> = {};
  let any = false;
  for (const feature of table.layout.features) {
    const snapshot = stateOf(table, row, feature);
    if (snapshot === undefined) continue;
    features[feature.name] = snapshot;
    any = true;
  }
  return any ? features : undefined;
}

function stateOf(table: EntityTable, row: number, feature: CompiledFeature): SnapshotState | undefined {
  if (!feature.windowed) {
    const seenMs = table.seenOf(row, feature);
    return Number.isNaN(seenMs) ? undefined : { seenMs };
  }
  const pairs = table.pairsOf(row, feature);
  if (pairs.length === 0) return undefined;
  const buckets = pairs.map(encodeNumber);
  const values = table.distinctOf(row, feature);
  if (values === undefined) return { buckets };
  const live = values.live(pairs[pairs.length - 2] as number);
  return { buckets, values: live.map(([key, bucket]) => [textOfDistinctKey(key), bucket]) };
}

/**
 * Fills `tables` (empty, one per layout of `plan`) with the entities in `snapshot`, for the
 * features of `plan`: states of features `plan` no longer has are dropped, features the snapshot
 * does not know start empty.
 *
 * @throws EngineError `CONFIG_INVALID` when the snapshot is not a version-1 feature snapshot, is
 *   malformed, or a feature changed meaning under the same name.
 */
export function restoreTables(plan: FeaturePlan, tables: readonly EntityTable[], snapshot: FeatureSnapshot): void {
  if (typeof snapshot !== 'object' || snapshot === null || snapshot.version !== featureSnapshotVersion) {
    throw invalid(`expected version ${featureSnapshotVersion}`);
  }
  if (!Array.isArray(snapshot.features) || !Array.isArray(snapshot.entities)) throw invalid('missing lists');
  for (const stored of snapshot.features as readonly SnapshotFeature[]) {
    const current = plan.byName.get(stored?.name);
    if (current === undefined) continue;
    if (JSON.stringify(identity(current.spec)) !== JSON.stringify(identityOrder(stored))) {
      throw new EngineError(
        'CONFIG_INVALID',
        `feature "${stored.name}" changed since the snapshot was taken; give the changed feature a new name`,
      );
    }
  }
  const known = new Set(snapshot.features.map((stored) => stored?.name));
  for (const entity of snapshot.entities as readonly SnapshotEntity[]) {
    const key = entity?.key;
    if (typeof key !== 'string' || key.indexOf(':') <= 0) throw invalid('an entity key is not type:id');
    const layout = plan.layouts.get(key.slice(0, key.indexOf(':')));
    const table = layout === undefined ? undefined : tables[layout.index];
    if (layout === undefined || table === undefined) continue;
    if (typeof entity.features !== 'object' || entity.features === null) throw invalid(`entity ${key} has no features`);
    let row = -1;
    for (const feature of layout.features) {
      if (!known.has(feature.name) || !Object.hasOwn(entity.features, feature.name)) continue;
      if (row < 0) row = table.rowFor(key.slice(layout.prefix.length));
      restoreFeature(table, row, feature, entity.features[feature.name], key);
    }
  }
}

function restoreFeature(table: EntityTable, row: number, feature: CompiledFeature, stored: unknown, key: string): void {
  const where = `feature "${feature.name}" of ${key}`;
  if (typeof stored !== 'object' || stored === null) throw invalid(`${where} is not an object`);
  const record = stored as Readonly<Record<string, unknown>>;
  if (!feature.windowed) {
    if (typeof record.seenMs !== 'number' || !Number.isFinite(record.seenMs)) throw invalid(`${where} has no seenMs`);
    table.restoreSeen(row, feature, record.seenMs);
    return;
  }
  const decoded = Array.isArray(record.buckets) ? record.buckets.map(decodeNumber) : [];
  const pairs = decoded.filter((value): value is number => value !== undefined);
  if (pairs.length !== decoded.length || !validPairs(pairs)) throw invalid(`${where} has malformed buckets`);
  if (feature.aggregate !== 'distinct') {
    table.restoreWindowed(row, feature, pairs);
    return;
  }
  const entries = record.values;
  const keyed = Array.isArray(entries) && distinctMatches(pairs, entries) ? keysOf(entries) : undefined;
  if (keyed === undefined) throw invalid(`${where} has malformed values`);
  table.restoreWindowed(row, feature, pairs, DistinctValues.from(keyed));
}

/** The entries with each JSON text turned into its `distinctKey`, or `undefined` if one is malformed. */
function keysOf(entries: readonly (readonly [string, number])[]): [string, number][] | undefined {
  const keyed: [string, number][] = [];
  for (const [text, bucket] of entries) {
    const key = distinctKeyOfText(text);
    if (key === undefined) return undefined;
    keyed.push([key, bucket]);
  }
  return keyed;
}

/** True when `entries` are `[text, bucket]` pairs whose per-bucket counts are the pairs' values. */
function distinctMatches(pairs: readonly number[], entries: readonly unknown[]): entries is [string, number][] {
  const counts = new Map<number, number>();
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') return false;
    const bucket: unknown = entry[1];
    if (typeof bucket !== 'number') return false;
    counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
  }
  let matched = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    const count = counts.get(pairs[i] as number) ?? 0;
    if (count !== pairs[i + 1]) return false;
    matched += count;
  }
  return matched === entries.length;
}

function identity(spec: FeatureSpec): SnapshotFeature {
  return {
    name: spec.name,
    entity: spec.entity,
    entityType: spec.entityType,
    eventTypes: [...spec.eventTypes],
    aggregate: spec.aggregate,
    field: spec.field ?? (spec.value !== undefined ? '(computed)' : null),
    windowMs: spec.windowMs,
    filtered: spec.filter !== undefined,
  };
}

/** `stored` with its keys in `identity`'s order, so the two compare by JSON text. */
function identityOrder(stored: SnapshotFeature): SnapshotFeature {
  const { name, entity, entityType, eventTypes, aggregate, field, windowMs, filtered } = stored;
  return { name, entity, entityType, eventTypes, aggregate, field, windowMs, filtered };
}

function encodeNumber(value: number): SnapshotNumber {
  if (Number.isFinite(value)) return value;
  return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

function decodeNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value === 'Infinity') return Number.POSITIVE_INFINITY;
  if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
  if (value === 'NaN') return Number.NaN;
  return undefined;
}

function invalid(detail: string): EngineError {
  return new EngineError('CONFIG_INVALID', `not a valid feature snapshot: ${detail}`);
}
