/**
 * Review queues: ordered routing rules (first match wins, then a default queue) over case traits
 * (source, typology, priority, imminent harm), the queue order (imminent first, then hash
 * matches, then the rest; oldest first), exclusive timed claims, release and step away, depth
 * and oldest age. The module defines the queue records and the `QueueRepository` contract;
 * `storage/` implements it.
 */

export {
  compileRouting,
  conditionHolds,
  defaultQueuePolicy,
  findQueue,
  loadQueuePolicy,
  maxQueuesFileBytes,
  parseQueuePolicy,
  queuePredicate,
  queuesFileName,
  routeCase,
} from './queue-policy.js';
export type {
  CaseClaim,
  CompiledRouting,
  QueueCount,
  QueueDefinition,
  QueueItem,
  QueuePolicy,
  QueuePredicate,
  QueueRepository,
  RoutingRule,
  StoredQueueItem,
  TraitCondition,
} from './queue-records.js';
export {
  claimExpiryActor,
  defaultClaimTimeoutMs,
  maxQueuePage,
  type QueueAudit,
  type QueueDepth,
  QueueService,
  type QueueServiceOptions,
  type QueueSummary,
} from './queue-service.js';
