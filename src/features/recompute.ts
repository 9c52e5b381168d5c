/**
 * The reference: a feature's value recomputed from raw events, the slow way a rule engine without
 * a feature store would (one pass over the entity's history per read). Tests hold the
 * incremental store to it, and benchmarks use it as the baseline.
 */
import type { EngineEvent } from '../events/index.js';
import { defineFeatures, type FeatureDefinition } from './definitions.js';
import { distinctText, isPresent, numericInput, readPath } from './event-input.js';
import { bucketOf, oldestCountedBucket } from './window.js';

/**
 * The value of `definition` for entity `key` as of `atMs`, from `events` in the order they were
 * applied, with the store's bucket semantics: an event counts when its type feeds the feature,
 * its role's id gives `key`, its filter passes and its field is present (numeric for sum, min and
 * max; with JSON text for distinct), and, for windowed aggregates, its bucket floor(time / b) is
 * within floor(atMs / b) − 60 … floor(atMs / b), b = window / 60. Sums add in arrival order
 * within a bucket, then bucket totals in ascending bucket order, as the store does, so floats
 * agree bit for bit. The store equals this for every `atMs` at or after the entity's newest event.
 *
 * @throws EngineError `CONFIG_INVALID` when `definition` is invalid.
 */
export function recomputeFeature(
  definition: FeatureDefinition,
  events: Iterable<EngineEvent>,
  key: string,
  atMs: number,
): number | null {
  const [spec] = defineFeatures([definition]);
  if (spec === undefined) return null;
  const to = spec.bucketMs === null ? 0 : bucketOf(atMs, spec.bucketMs);
  const from = oldestCountedBucket(to);
  const bucketSums = new Map<number, number>();
  const texts = new Set<string>();
  let count = 0;
  let result: number | null = null;
  for (const event of events) {
    if (!spec.eventTypes.includes(event.type) || !Number.isFinite(event.timeMs)) continue;
    const id = Object.hasOwn(event.entities, spec.entity) ? event.entities[spec.entity] : undefined;
    if (typeof id !== 'string' || id === '' || `${spec.entityType}:${id}` !== key) continue;
    if (spec.filter !== undefined && !spec.filter(event)) continue;
    const raw =
      spec.value !== undefined ? spec.value(event) : spec.fieldPath === null ? true : readPath(event, spec.fieldPath);
    if (spec.aggregate === 'first_seen' || spec.aggregate === 'last_seen') {
      if (!isPresent(raw)) continue;
      const earlier = spec.aggregate === 'first_seen';
      if (result === null || (earlier ? event.timeMs < result : event.timeMs > result)) result = event.timeMs;
      continue;
    }
    const bucket = bucketOf(event.timeMs, spec.bucketMs ?? 1);
    if (bucket < from || bucket > to) continue;
    if (spec.aggregate === 'count') {
      if (isPresent(raw)) count++;
    } else if (spec.aggregate === 'distinct') {
      const text = distinctText(raw);
      if (text !== undefined) texts.add(text);
    } else {
      const value = numericInput(raw);
      if (value === undefined) continue;
      if (spec.aggregate === 'sum') bucketSums.set(bucket, (bucketSums.get(bucket) ?? 0) + value);
      else if (result === null) result = value;
      else result = spec.aggregate === 'min' ? Math.min(result, value) : Math.max(result, value);
    }
  }
  if (spec.aggregate === 'count') return count;
  if (spec.aggregate === 'distinct') return texts.size;
  if (spec.aggregate === 'sum') {
    let total = 0;
    for (const bucket of [...bucketSums.keys()].sort((a, b) => a - b)) total += bucketSums.get(bucket) ?? 0;
    return total;
  }
  return result;
}
