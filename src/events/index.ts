/** Events: the envelope, the built-in and operator event types, validation. */
export { type EngineEvent, type EntityKey, entityKey, splitEntityKey } from './engine-event.js';
export { defaultEventLimits, type EventLimits } from './event-limits.js';
export { builtinEventTypes, type EventTypeDefinition, type TimelineEventKind } from './event-types.js';
export { type EventCheck, type EventProblem, EventTypeRegistry, type OperatorEventType } from './event-validation.js';
