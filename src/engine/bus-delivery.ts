import type { AppendOutcome, EventProblem, LoggedEvent } from '../events/index.js';
import type { PartitionClaim } from './bus-partitions.js';
import type { EngineStore } from './engine-store.js';
import type { EventKeys, ProcessorState } from './event-processor.js';
import type { NodeRulesReload } from './rules-reload.js';
import type { Verdict } from './verdict.js';

/** An event as the engine hands it to a bus: validated, not yet in any log (no seq). */
export type BusEvent = Omit<LoggedEvent, 'seq'>;

/**
 * Multi-node ("bus") mode, handed to the engine by a composition root: the engine knows no
 * transport, only this. In bus mode the engine never reads the event log on its own (no feature
 * replay at open, no drain): events reach processing only through `processDelivered`, called by a
 * worker with what its bus delivered. Without `publish` the engine is a worker's; with it, an API
 * node's: `ingest` validates and hands accepted events to `publish` instead of the log.
 */
export interface EngineBus {
  /**
   * Makes events durable in the bus (an API node). Resolves once the bus acknowledged every one:
   * `stored: false` when the bus already held that event id (a duplicate it dropped), `seq` the
   * bus's position of the message. Rejects when the bus is unreachable: nothing is acknowledged.
   */
  readonly publish?: (events: readonly BusEvent[], options?: PublishOptions) => Promise<AppendOutcome[]>;
  /**
   * An API node that can wait for verdicts (`ingest` with `wait`): calls `onCommit` whenever a
   * worker says it committed (or found already logged) one of `ids` that were published with
   * `notify`, until the returned function is called. Notices may be lost (the engine reads the
   * store anyway, on a timer), never invented: the verdict itself is always read from the store.
   * Absent: `wait` gives no verdict.
   */
  readonly watchCommits?: (ids: readonly string[], onCommit: () => void) => () => void;
  /** How long `ingest` with `wait` waits for the workers' verdicts (default 10 s). */
  readonly verdictWaitMs?: number;
  /**
   * An API node: asks every other node on the bus (each worker, each other API node) to reload
   * its rules from its own policy directory, and resolves with the answers that came within the
   * bus's wait. A node that answers later, or is away, is not listed (it loads its rules when it
   * starts). Never rejects: an unreachable bus gives no answers. Absent: a reload reloads this
   * node only.
   */
  readonly reloadRulesElsewhere?: () => Promise<readonly NodeRulesReload[]>;
}

/** How an API node publishes. */
export interface PublishOptions {
  /**
   * Someone waits for these events' verdicts: the worker that processes one commits its verdict
   * with it (`EngineBatch.verdicts`) and tells this node (`EngineBus.watchCommits`).
   */
  readonly notify?: boolean;
}

/** What a worker is told with delivered events (`SignalsEngine.processDelivered`). */
export interface DeliveredOptions {
  /** Ids of delivered events someone waits for: their verdicts are committed with them. */
  readonly verdictsFor?: ReadonlySet<string>;
  /** Partitioned mode: the partition the events came from and this worker's lease on it (docs/scaling.md). */
  readonly claim?: PartitionClaim;
}

/** What `processDelivered` did with one delivered event. */
export type DeliveredResult =
  /** Logged and processed now: its effects were committed in the same transaction. */
  | { readonly status: 'processed'; readonly id: string; readonly seq: number; readonly verdict?: Verdict }
  /** The log already held it (a redelivery, or an event sent twice): nothing was done. */
  | { readonly status: 'duplicate'; readonly id: string }
  /** It breaks its type's schema or a limit: never logged. */
  | { readonly status: 'rejected'; readonly problems: readonly EventProblem[] };

/**
 * Before a worker processes delivered events (`eventKeys`: each event's `eventKeys`, in step with
 * `events`, which processing then takes too), reads again from the store what other workers and
 * people may have changed about their entities since this worker last looked:
 * - which of those entities have a case that is not closed (another worker may have opened one,
 *   a person closed one), so that an event joins its subject's case as it is now;
 * - which of their neighbours have one, over every worker's stored links
 *   (`EngineStore.openNeighbours`), so that an event joins the open case of an entity linked to
 *   it whichever worker saw the link or opened the case. Those links enter the graph with their
 *   latest time, ranked among the neighbours this worker holds; a neighbour the graph holds as
 *   open that the store no longer names has had its case closed;
 * - their labels (set or removed by other workers' rules and by people);
 * - the typology points other workers committed on them, so that a score sums every worker's.
 * The rest of the link graph is a cache of the stored links, loaded when an entity is first
 * needed (as the drain does) and then following this worker's events: a link with no open case
 * at either end joins nothing. What other workers' batches in flight will commit is not seen
 * (docs/scaling.md).
 */
export async function prepareDelivered(
  state: ProcessorState,
  store: EngineStore,
  events: readonly BusEvent[],
  eventKeys: readonly EventKeys[],
): Promise<void> {
  const keys = new Set<string>();
  for (const { keys: own } of eventKeys) for (const key of own) keys.add(key);
  const entities = [...keys];
  const links = state.links;
  // Per event, as the drain does: `missing` notes each event's neighbourhoods, which processing
  // (given the same `eventKeys`) then does not look up again; the entities not held are loaded.
  const missing = links.missing(eventKeys);
  if (missing.length > 0) {
    const found = await store.linkNeighbours(missing, links.maxNeighbours);
    for (const entity of missing) links.load(entity, found.get(entity) ?? []);
  }
  const open = new Set(await store.cases.openAmong(entities));
  for (const entity of entities) state.openCases.set(entity, open.has(entity));
  const openNeighbours = await store.openNeighbours(entities);
  const named = new Set<string>();
  for (const [entity, neighbours] of openNeighbours)
    for (const { neighbour, lastSeen } of neighbours) {
      links.add(entity, neighbour, lastSeen);
      state.openCases.set(neighbour, true);
      named.add(neighbour);
    }
  // A neighbour this graph holds as open that the store did not name has no open case now.
  for (const entity of entities)
    for (const neighbour of links.openNeighbours(entity))
      if (!named.has(neighbour) && !keys.has(neighbour)) state.openCases.set(neighbour, false);
  // Labels other workers' rules and people set or removed on these entities.
  state.labels.replace(entities, await store.labelsAmong(entities));
  // Other workers add to the same typology scores: their committed points on these subjects,
  // within the longest window before the batch's first event, join this worker's (each
  // contribution counts once: `TypologyScores` keeps one per event and rule).
  const windowMs = state.typologies.longestWindowMs();
  if (windowMs > 0 && events.length > 0) {
    const first = Math.min(...events.map((event) => event.timeMs));
    const since = Number.isFinite(first)
      ? new Date(Math.max(0, first - windowMs)).toISOString()
      : new Date(0).toISOString();
    for (const contribution of await store.contributionsAmong(entities, since)) state.typologies.restore(contribution);
  }
}
