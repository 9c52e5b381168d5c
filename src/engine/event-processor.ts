import type { ActionPlanner, NewOutboxAction } from '../actions/index.js';
import { CaseChanges, type CaseUpdate, type OpenCases } from '../cases/index.js';
import { EngineError } from '../core/index.js';
import {
  type EngineEvent,
  type EventTypeRegistry,
  entityKey,
  type LinkObservation,
  type LoggedEvent,
} from '../events/index.js';
import type { FeatureSpec, FeatureStore } from '../features/index.js';
import type { RuleContext, RuleHit, RuleHitRecord, RuleSet } from '../rules/index.js';
import type { TypologyContribution, TypologyScores } from '../typologies/index.js';
import type { LabelRecord } from './engine-store.js';
import { type EntitiesHeld, type LinkGraph, linksOf } from './entity-links.js';
import type { ForeignFeatures } from './feature-homes.js';
import { applyHit, type EventContext, type TimelineEntry } from './hit-effects.js';
import type { LabelCache } from './label-cache.js';
import { ruleFeatures } from './rule-features.js';
import { hitSummaries, type Verdict } from './verdict.js';

/** The writes processing a run of events produced, committed with the watermark. */
export interface PendingWrites {
  hits: RuleHitRecord[];
  labelsAdded: LabelRecord[];
  labelsRemoved: { entity: string; label: string }[];
  links: LinkObservation[];
  contributions: TypologyContribution[];
  cases: CaseUpdate[];
  /** Outbox rows of the actions active hits and typology alerts asked for. */
  actions: NewOutboxAction[];
}

export function emptyWrites(): PendingWrites {
  return { hits: [], labelsAdded: [], labelsRemoved: [], links: [], contributions: [], cases: [], actions: [] };
}

/** The in-memory state and policy one event is processed against. */
export interface ProcessorState {
  readonly registry: EventTypeRegistry;
  readonly features: FeatureStore;
  readonly featureSpecs: readonly FeatureSpec[];
  readonly rules: () => RuleSet;
  readonly typologies: TypologyScores;
  readonly labels: LabelCache;
  readonly links: LinkGraph;
  /** Subjects (entity keys) that have a case that is not closed (kept equal to the store). */
  readonly openCases: OpenCases;
  /** Turns action effects and typology alerts into outbox rows (absent: the policy declares no action). */
  readonly actions?: ActionPlanner;
  /**
   * Partitioned mode with features of every role: which entities are this partition's, and what
   * other partitions answered for the batch's events (absent: every entity's features are local).
   */
  readonly foreign?: ForeignFeatures;
}

/**
 * Processes one event: updates its features, runs the rules on it with its features and labels,
 * applies the active hits' effects in memory (`applyHit`), joins the event to the open cases it
 * touches, records its links, and returns the verdict and the writes to commit. Deterministic for
 * a given state, which is what makes replay after a crash exact: each step runs in this order,
 * hits in the rule set's order, effects in each hit's order. `keys` are the event's `eventKeys`
 * when the caller built them (the drain, which looked the run's links up with them).
 */
export function processEvent(
  state: ProcessorState,
  logged: LoggedEvent,
  writes: PendingWrites,
  keys?: EventKeys,
): Verdict {
  if (logged.unreadable !== undefined) throw new EngineError('EVENT_UNREADABLE', logged.unreadable);
  const event: EngineEvent = logged;
  const own = keys ?? eventKeys(state.registry, event);
  const keyOf = entityKeysOf(state, event, own);
  state.features.apply(event, state.foreign?.isOwn);
  const evaluation = state.rules().evaluate(ruleInput(state, event, own));
  const context: EventContext = {
    state,
    logged,
    event,
    keyOf,
    writes,
    // What this event does to cases: the cases module's rule (only a case effect opens a case).
    cases: new CaseChanges(state.openCases),
    outcome: { verdict: 'allow', score: 0, reasons: [] },
    eventEntry: timelineEntryOnce(state, event),
    hitEntries: [],
  };
  // Mitigations (hits giving negative typology points) first, so a score that crosses a
  // threshold on this event is judged with them in, whatever the rules' order.
  for (const hit of evaluation.hits) if (mitigates(hit)) applyHit(context, hit);
  for (const hit of evaluation.hits) if (!mitigates(hit)) applyHit(context, hit);
  joinOpenCases(context, own);
  recordLinks(context, own);
  writes.cases.push(...context.cases.updates(event.time));
  const { verdict, score, reasons } = context.outcome;
  return { eventId: event.id, verdict, score, reasons, hits: hitSummaries(evaluation.hits) };
}

/** Whether a hit lowers a typology score (a mitigation such as regular family support). */
function mitigates(hit: RuleHit): boolean {
  return hit.effects.some((effect) => effect.kind === 'typology' && effect.points < 0);
}

/**
 * The entity keys of an event's own roles (`entityKey` of each role's entity type and id), in two
 * lists in step, and the link graph's neighbourhoods of them once it looked them up (`held`).
 */
export interface EventKeys extends EntitiesHeld {
  readonly roles: string[];
  readonly keys: string[];
}

/**
 * Every role of the event with its entity key (`EventKeys`), in the order of its `entities`: what
 * the drain builds once per event to load the run's link neighbourhoods and then hands to
 * `processEvent`, so that each key is one string, built, flattened and hashed once.
 */
export function eventKeys(registry: EventTypeRegistry, event: EngineEvent): EventKeys {
  const roles = Object.keys(event.entities);
  const keys: string[] = [];
  for (const role of roles) keys.push(entityKey(registry.entityType(event.type, role), event.entities[role] as string));
  return { roles, keys };
}

/**
 * The entity key of a role's id in this event (`entityKey` of the role's entity type). The key of
 * each of the event's own entities is built once and then the same string, because every step of
 * `processEvent` looks the same entities up (labels, links, cases): one string is flattened and
 * hashed once, where a new one per lookup was built, flattened and hashed again each time. `known`
 * holds them all (`eventKeys`, the same strings the drain looked the links up with).
 */
function entityKeysOf(
  state: ProcessorState,
  event: EngineEvent,
  known: EventKeys,
): (role: string, id: string) => string {
  // An event names a handful of roles: two short lists searched in order cost less to make and
  // to read than a Map per event. `known` holds every role of the event, so a role naming the
  // event's own id is always among them.
  const { roles, keys } = known;
  return (role, id) =>
    event.entities[role] === id
      ? (keys[roles.indexOf(role)] as string)
      : entityKey(state.registry.entityType(event.type, role), id);
}

/**
 * What the rules see of an event: the event, its features (`ruleFeatures`: every feature, by
 * name, worked out when first read) and each role's labels at the event's time.
 */
function ruleInput(state: ProcessorState, event: EngineEvent, { roles, keys }: EventKeys): RuleContext {
  const labels: Record<string, string[]> = {};
  for (let index = 0; index < roles.length; index++)
    labels[roles[index] as string] = state.labels.labelsOf(keys[index] as string, event.timeMs);
  return { event, features: ruleFeatures(state, event), labels };
}

/**
 * The event's own timeline entry, built on first use and then the same object: its kind is what
 * its event type declares (`EventTypeRegistry.timelineKind`: `match` for media matches). It names
 * the event (`event`), so storage keeps a reference to the logged event, not a copy of it.
 */
function timelineEntryOnce(state: ProcessorState, event: EngineEvent): () => TimelineEntry {
  let entry: TimelineEntry | undefined;
  return () => {
    entry ??= {
      kind: state.registry.timelineKind(event.type),
      ref: `event:${event.id}`,
      time: event.time,
      summary: `${event.type} ${Object.entries(event.entities)
        .map(([role, id]) => `${role}=${id}`)
        .join(' ')}`,
      detail: { id: event.id, type: event.type, entities: event.entities, data: event.data },
      event: { id: event.id, type: event.type },
    };
    return entry;
  };
}

/**
 * Every event on an entity with an open case, or linked to one, joins its timeline, with its
 * active hits (a payment to a handle named in a chat brings its indicator hits to the chat's case).
 */
function joinOpenCases(context: EventContext, { keys }: EventKeys): void {
  const { state, cases } = context;
  if (state.openCases.size === 0) return;
  let entries: TimelineEntry[] | undefined;
  const joining = () => {
    entries ??= [context.eventEntry(), ...context.hitEntries];
    return entries;
  };
  for (const entity of keys) {
    if (cases.hasCase(entity)) cases.join(entity, joining());
    for (const neighbour of state.links.openNeighbours(entity)) {
      cases.join(neighbour, joining());
    }
  }
}

/** The entity links the event shows, added to the graph and to the writes. */
function recordLinks(context: EventContext, keys: EventKeys): void {
  linksOf(context.event, keys, context.writes.links, context.state.links);
}
