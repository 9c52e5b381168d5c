/**
 * Features: per-entity windowed aggregates of events ("payments sent to high-risk countries by
 * this account in 30 days", "distinct viewers of this host in 24 h", "first seen"), validated
 * from configuration and kept incrementally in memory for rules to read on the per-event path.
 */
export {
  type Aggregate,
  aggregates,
  defineFeatures,
  type FeatureDefinition,
  type FeatureProblem,
  type FeatureSpec,
  validateFeatureDefinitions,
} from './definitions.js';
export { FeatureStore } from './feature-store.js';
export { recomputeFeature } from './recompute.js';
export {
  type FeatureSnapshot,
  featureSnapshotVersion,
  type SnapshotEntity,
  type SnapshotFeature,
  type SnapshotNumber,
  type SnapshotState,
} from './snapshot.js';
export { bucketOf, bucketsPerWindow, bucketWidthMs, maxWindowMs, minWindowMs, parseWindow } from './window.js';
