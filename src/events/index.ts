/**
 * Events: the envelope, the built-in and operator event types, validation; the event log and the
 * links events make between entities (contracts that `storage/` implements).
 */

export { type EngineEvent, type EntityKey, entityKey, splitEntityKey } from './engine-event.js';
export type { LinkNeighbour, LinkObservation, LinkRecord } from './entity-link.js';
export { defaultEventLimits, type EventLimits } from './event-limits.js';
export { type AppendOutcome, type EntityRef, type EventLogRepository, type LoggedEvent, withSeq } from './event-log.js';
export { builtinEventTypes, type EventTypeDefinition, type TimelineEventKind } from './event-types.js';
export { type EventCheck, type EventProblem, EventTypeRegistry, type OperatorEventType } from './event-validation.js';
