/**
 * Features of every role in partitioned mode (docs/scaling.md, "Features of every role").
 *
 * An entity's features live in one partition, its home: `PartitionPeers.homeOf` of its entity
 * key, the same function on every node. An event is logged and processed under the partition of
 * its first entity (a payment under its payer's), but it may name entities homed elsewhere (its
 * payee). For those, the worker asks the home partition's owner (`PartitionPeers.ask`, one call
 * per other partition and batch): the owner applies the events to the features of its entities,
 * once per event id, and answers their values as of each event; the asking worker's rules read
 * them from this batch's `ForeignFeatures`. The answer names the owner and the epoch of its
 * features, which the asking batch's commit checks and share-locks (`BatchFeatureHomes`): an owner
 * that rebuilt its features from the log meanwhile (a new owner, or one whose commit failed)
 * fails the batch, which is asked again. The commit records which other partitions each event
 * reached (`event_feature_homes`), so that a partition's rebuild replays those events too.
 */
import { EngineError } from '../core/index.js';
import { type EngineEvent, entityKey } from '../events/index.js';
import type { FeatureSpec } from '../features/index.js';
import type { ProcessorState } from './event-processor.js';
import { readableIn } from './rule-features.js';

/** Feature values of one entity as of an event, by feature name (`FeatureStore.valuesFor`). */
export type FeatureValues = Readonly<Record<string, number | null>>;

/** An event as workers hand it to each other: what features read of it. */
export type PeerEvent = Pick<EngineEvent, 'id' | 'type' | 'time' | 'timeMs' | 'entities' | 'data'>;

/** What the owner of a partition answers for events of another partition. */
export interface PeerAnswer {
  /** The worker holding the partition's lease (checked at the asking batch's commit). */
  readonly owner: string;
  /** The epoch of the partition's features: raised by every rebuild (checked at the commit). */
  readonly epoch: number;
  /** Per event asked about, in order: its entities homed in the partition, by entity key, with their values. */
  readonly values: readonly Readonly<Record<string, FeatureValues>>[];
}

/**
 * How a partitioned worker reaches the features of other partitions. The event bus provides it
 * (the engine knows no transport); the composition root hands it to the engine.
 */
export interface PartitionPeers {
  /** The partition home to an entity's features, from its entity key (`payment_account:acct-1`). */
  homeOf(entityKey: string): number;
  /**
   * Asks the owner of `partition` to apply `events` to the features of the entities homed there
   * (once per event id: asking again answers the same values) and to answer their values as of
   * each event.
   *
   * @throws EngineError `BUS_PEER_UNAVAILABLE` when no owner answers (none holds the partition,
   *   or it is rebuilding its features): the batch is tried again later.
   */
  ask(partition: number, events: readonly PeerEvent[]): Promise<PeerAnswer>;
}

/** A partition whose features a batch used: the owner and epoch that answered. */
export interface PeerStateClaim {
  readonly partition: number;
  readonly owner: string;
  readonly epoch: number;
}

/** What a batch's commit records and checks of other partitions (`EngineStore.commitDelivered`). */
export interface BatchFeatureHomes {
  /** Per event id: the other partitions home to some of its entities' features. */
  readonly homesOf: ReadonlyMap<string, readonly number[]>;
  /** Every answer the batch used: its owner must still hold the lease at that epoch. */
  readonly peers: readonly PeerStateClaim[];
}

/**
 * One partition's view of homes: which entities are its own, and the values other partitions
 * answered for this batch's events. Read by `processEvent` (which applies an event to its own
 * entities only) and by the rules' feature record.
 */
export class ForeignFeatures {
  readonly #partition: number;
  readonly #homeOf: (entityKey: string) => number;
  readonly #answers: ReadonlyMap<string, ReadonlyMap<string, FeatureValues>>;
  /** `FeatureStore.apply`'s filter: this partition's entities only. */
  readonly isOwn = (entityType: string, id: string): boolean =>
    this.#homeOf(entityKey(entityType, id)) === this.#partition;

  constructor(
    partition: number,
    homeOf: (entityKey: string) => number,
    answers: ReadonlyMap<string, ReadonlyMap<string, FeatureValues>> = new Map(),
  ) {
    this.#partition = partition;
    this.#homeOf = homeOf;
    this.#answers = answers;
  }

  /**
   * The value of feature `name` of an entity for event `eventId`, when the entity is homed in
   * another partition; `undefined` when it is this partition's own (read the local store).
   *
   * @throws EngineError `INTERNAL` when the entity is another partition's and no answer holds it.
   */
  valueOf(eventId: string, entityType: string, id: string, name: string): number | null | undefined {
    const key = entityKey(entityType, id);
    if (this.#homeOf(key) === this.#partition) return undefined;
    const value = this.#answers.get(eventId)?.get(key)?.[name];
    if (value === undefined)
      throw new EngineError('INTERNAL', `no partition answered feature ${name} of ${key} for event ${eventId}`);
    return value;
  }
}

/**
 * The entity keys of `event` that hold features, grouped by home partition: the entities the
 * event feeds (`FeatureStore.rolesFedBy`) and those its rules may read a feature of (each
 * feature's `readRole` where the event may read it, as the rules' record does), each listed once.
 */
export function featureHomesOf(
  state: ProcessorState,
  event: EngineEvent,
  homeOf: (entityKey: string) => number,
): Map<number, string[]> {
  const homes = new Map<number, string[]>();
  for (const [role, entityType] of rolesWithFeatures(state, event.type)) {
    const id = event.entities[role];
    if (typeof id !== 'string' || id === '') continue;
    const key = entityKey(entityType, id);
    const home = homeOf(key);
    const keys = homes.get(home);
    if (keys === undefined) homes.set(home, [key]);
    else if (!keys.includes(key)) keys.push(key);
  }
  return homes;
}

/**
 * Per engine, per event type: the (role, entity type) pairs `featureHomesOf` looks at. Keyed by
 * the specs list, which all of one engine's states share (their feature stores share the plan).
 */
const rolesByType = new WeakMap<readonly FeatureSpec[], Map<string, readonly (readonly [string, string])[]>>();

function rolesWithFeatures(state: ProcessorState, eventType: string): readonly (readonly [string, string])[] {
  let byType = rolesByType.get(state.featureSpecs);
  if (byType === undefined) {
    byType = new Map();
    rolesByType.set(state.featureSpecs, byType);
  }
  let roles = byType.get(eventType);
  if (roles === undefined) {
    const pairs = new Map<string, readonly [string, string]>();
    for (const [role, entityType] of state.features.rolesFedBy(eventType))
      pairs.set(`${role}\u0000${entityType}`, [role, entityType]);
    const readable = readableIn(state, eventType);
    state.featureSpecs.forEach((spec, index) => {
      if (readable[index] === true)
        pairs.set(`${spec.readRole}\u0000${spec.entityType}`, [spec.readRole, spec.entityType]);
    });
    roles = [...pairs.values()];
    byType.set(eventType, roles);
  }
  return roles;
}

/**
 * The owner's side of `PartitionPeers.ask`: applies each event to the features of the entities
 * homed in `partition` (`state` is that partition's) unless `answered` already holds it,
 * and answers their values as of the event. `answered` (per partition, cleared by every rebuild)
 * keeps at most `answeredCap` events, oldest dropped first: an event asked again after that many
 * others would be applied twice (a batch retried that late; docs/scaling.md).
 */
export function answerForPartition(
  partition: number,
  events: readonly EngineEvent[],
  context: {
    readonly state: ProcessorState;
    readonly homeOf: (entityKey: string) => number;
    readonly answered: Map<string, Readonly<Record<string, FeatureValues>>>;
    readonly answeredCap: number;
  },
): Readonly<Record<string, FeatureValues>>[] {
  const { state, homeOf, answered } = context;
  const features = state.features;
  const own = new ForeignFeatures(partition, homeOf);
  return events.map((event) => {
    const known = answered.get(event.id);
    if (known !== undefined) return known;
    features.apply(event, own.isOwn);
    const values: Record<string, FeatureValues> = {};
    for (const key of featureHomesOf(state, event, homeOf).get(partition) ?? [])
      values[key] = features.valuesFor(key, event.timeMs);
    answered.set(event.id, values);
    if (answered.size > context.answeredCap) {
      const oldest = answered.keys().next();
      if (oldest.done !== true) answered.delete(oldest.value);
    }
    return values;
  });
}

/**
 * Before a partitioned batch is committed: asks the owners of the other partitions home to the
 * batch's entities for their values (one call per partition, in parallel), for the events the log
 * does not hold yet (an event already logged was applied by its homes when it was committed: a
 * redelivery must not apply it twice). Resolves with the batch's `ForeignFeatures` and what its
 * commit must record and check.
 *
 * @throws EngineError `BUS_PEER_UNAVAILABLE` when an owner does not answer (`PartitionPeers.ask`),
 *   or answers values for another number of events than it was asked about.
 */
export async function askFeatureHomes(
  state: ProcessorState,
  partition: number,
  events: readonly EngineEvent[],
  peers: PartitionPeers,
  loggedIds: (ids: readonly string[]) => Promise<Set<string>>,
): Promise<{ foreign: ForeignFeatures; homes: BatchFeatureHomes }> {
  const asked = new Map<number, EngineEvent[]>();
  const homesOf = new Map<string, number[]>();
  const homeOf = (key: string): number => peers.homeOf(key);
  for (const event of events) {
    const others = [...featureHomesOf(state, event, homeOf).keys()].filter((home) => home !== partition);
    if (others.length === 0) continue;
    homesOf.set(event.id, others);
    for (const home of others) {
      const list = asked.get(home);
      if (list === undefined) asked.set(home, [event]);
      else list.push(event);
    }
  }
  if (asked.size === 0) return { foreign: new ForeignFeatures(partition, homeOf), homes: { homesOf, peers: [] } };
  const logged = await loggedIds([...homesOf.keys()]);
  const answers = new Map<string, Map<string, FeatureValues>>();
  const claims: PeerStateClaim[] = [];
  await Promise.all(
    [...asked].map(async ([home, list]) => {
      const fresh = list.filter((event) => !logged.has(event.id));
      if (fresh.length === 0) return;
      const answer = await peers.ask(home, fresh.map(peerEvent));
      if (answer.values.length !== fresh.length)
        throw new EngineError(
          'BUS_PEER_UNAVAILABLE',
          `bus partition ${home} answered ${answer.values.length} events of ${fresh.length}`,
        );
      claims.push({ partition: home, owner: answer.owner, epoch: answer.epoch });
      fresh.forEach((event, index) => {
        const byKey = answers.get(event.id) ?? new Map<string, FeatureValues>();
        answers.set(event.id, byKey);
        for (const [key, values] of Object.entries(answer.values[index] ?? {})) byKey.set(key, values);
      });
    }),
  );
  return { foreign: new ForeignFeatures(partition, homeOf, answers), homes: { homesOf, peers: claims } };
}

/** What of an event crosses to a peer: the fields features read. */
function peerEvent(event: EngineEvent): PeerEvent {
  return {
    id: event.id,
    type: event.type,
    time: event.time,
    timeMs: event.timeMs,
    entities: event.entities,
    data: event.data,
  };
}
