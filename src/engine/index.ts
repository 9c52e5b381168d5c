/**
 * The signals engine: events in, features, rules, labels, typologies, cases and verdicts out,
 * durable and exactly-once across crashes. The engine defines `EngineStore`, the contract of what
 * it stores, which `storage/` implements.
 */

export type { BusEvent, DeliveredOptions, DeliveredResult, EngineBus, PublishOptions } from './bus-delivery.js';
export type { PartitionClaim, PartitionLeases } from './bus-partitions.js';
export { type EngineConfig, type EngineConfigOptions, loadEngineConfig } from './engine-config.js';
export type { EngineLag, EngineObserver, IngestObservation, ProcessedEvent } from './engine-observer.js';
export {
  EngineService,
  type IngestSummary,
  type LabelChange,
  maxEventsPerIngest,
  type RuleDefinition,
  type RuleStats,
  type RulesReloadReport,
  rulePrecision,
  type SubjectTypology,
  summariseIngest,
} from './engine-service.js';
export type {
  CommittedOutcome,
  CommittedVerdict,
  DeadLetter,
  EngineBatch,
  EngineState,
  EngineStore,
  LabelRecord,
} from './engine-store.js';
export type { EngineHealth } from './event-drain.js';
export { compileEventFilter } from './event-filter.js';
export type {
  BatchFeatureHomes,
  FeatureValues,
  PartitionPeers,
  PeerAnswer,
  PeerEvent,
  PeerStateClaim,
} from './feature-homes.js';
export { type OpenEngineOptions, type OpenedEngine, openEngine } from './open-engine.js';
export type { EngineProblem, StoreRetryPolicy } from './processing-run.js';
export {
  answerRulesReload,
  type NodeRulesReload,
  nodeRulesReloadSchema,
  type ReloadableRules,
  type RulesReload,
  type RulesReloadAnswer,
  rulesReloadSchema,
} from './rules-reload.js';
export { type EngineOptions, type IngestResult, SignalsEngine } from './signals-engine.js';
export type { Verdict, VerdictKind } from './verdict.js';
