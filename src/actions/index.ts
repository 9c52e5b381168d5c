/**
 * Actions: what Prevail tells a platform to do when it detects something (end a stream, hold a
 * payment, restrict an account, warn a user, notify a reviewer). Declared in the policy's
 * `actions.yaml`, triggered by rule effects, typology alerts and review decisions, committed in a
 * transactional outbox with the batch (or decision) that caused them, delivered as signed
 * webhooks (HMAC-SHA256 or Ed25519), published on NATS JetStream, or read as server-sent events.
 * See docs/actions.md.
 */

export {
  type ActionDeclaration,
  type ActionEndpoint,
  type ActionKind,
  type ActionMode,
  type ActionPolicy,
  builtinActionKinds,
  emptyActionPolicy,
  type PayloadTemplate,
} from './action-model.js';
export { type ActionPlanner, actionIdempotencyKey, createActionPlanner, deliveryBody } from './action-planner.js';
export { actionsFileName, loadActionPolicy, parseActionPolicy } from './action-policy.js';
export { type CaseAction, type CaseActionAttempt, caseActions } from './case-actions.js';
export { type BreakerState, CircuitBreaker } from './circuit-breaker.js';
export { NatsActionPublisher, natsSubject, type PublishResult } from './nats-publisher.js';
export {
  type ActionAudit,
  type AttemptReport,
  type DispatchRound,
  OutboxDispatcher,
  type OutboxDispatcherOptions,
} from './outbox-dispatcher.js';
export type {
  ActionTrigger,
  AttemptOutcome,
  DeliveryAttempt,
  NewOutboxAction,
  OutboxAction,
  OutboxRepository,
  OutboxStatus,
} from './outbox-record.js';
export { placeholderNames } from './payload-template.js';
export { defaultRetryPolicy, nextAttemptMs, type RetryPolicy } from './retry-schedule.js';
export {
  defaultToleranceSeconds,
  type SignatureCheck,
  signatureHeader,
  signWebhook,
  signWebhookEd25519,
  verifyWebhook,
  verifyWebhookEd25519,
} from './webhook-signature.js';
