import type { EngineEvent, LinkObservation } from '../events/index.js';

/** A link between two roles of an event: payer↔payee, host↔viewer, user↔device… */
interface LinkRule {
  readonly from: string;
  readonly to: string;
  readonly kind: string;
}

/**
 * The links events make. Every event links its `user` to its `device`, `ip` and
 * `payment_account`; payments link payer to payee; a viewer joining links host to viewer; gifts
 * and messages link sender to recipient. An event naming a payment `handle` (an account someone
 * was told to pay, keyed as the payee account of a payment to it) links it to the event's
 * `user`, `recipient` and `dyad`, so a later payment to the handle meets whoever named it.
 */
const linkRules: readonly LinkRule[] = [
  { from: 'user', to: 'device', kind: 'uses_device' },
  { from: 'user', to: 'ip', kind: 'uses_ip' },
  { from: 'user', to: 'payment_account', kind: 'owns_account' },
  { from: 'payment_account', to: 'payee_account', kind: 'pays' },
  { from: 'host', to: 'user', kind: 'hosts_viewer' },
  { from: 'user', to: 'recipient', kind: 'contacts' },
  { from: 'user', to: 'stream', kind: 'in_stream' },
  { from: 'user', to: 'handle', kind: 'names_handle' },
  { from: 'recipient', to: 'handle', kind: 'told_handle' },
  { from: 'dyad', to: 'handle', kind: 'names_handle' },
];

/**
 * One event's entities as the link graph meets them: their keys and, once `LinkGraph.missing`
 * looked them up, the neighbourhood of each that the graph held then (in step with `keys`).
 */
export interface EntitiesHeld {
  readonly keys: readonly string[];
  held?: (Neighbourhood | undefined)[];
}

/**
 * The (from, to, kind) links of one event, as entity keys, seen at the event's time: appended to
 * `into` (the writes of the event), so that each link is one object, the one stored, and added
 * to `graph`. `roles` and `keys` are the event's roles and their entity keys, in step
 * (`eventKeys`): the roles are looked for in that short list, the keys are the strings the
 * event's other steps use, and the neighbourhoods `missing` found for them (`held`) are not
 * looked up again.
 */
export function linksOf(
  event: EngineEvent,
  { roles, keys, held }: EntitiesHeld & { readonly roles: readonly string[] },
  into: LinkObservation[],
  graph: LinkGraph,
): void {
  for (const rule of linkRules) {
    const from = roles.indexOf(rule.from);
    if (from < 0) continue;
    const to = roles.indexOf(rule.to);
    if (to < 0) continue;
    const link = { from: keys[from] as string, to: keys[to] as string, kind: rule.kind, time: event.time };
    into.push(link);
    graph.add(link.from, link.to, link.time, held?.[from], held?.[to]);
  }
}

/** Neighbour `a` ranks above `b`: seen later, or (seen at the same time) the larger key. */
function ranksAbove(aSeen: string, aKey: string, bSeen: string, bKey: string): boolean {
  return aSeen > bSeen || (aSeen === bSeen && aKey > bKey);
}

/** What `LinkGraph.openNeighbours` asks of the engine's view of open cases (`OpenCases`). */
export interface OpenSubjects {
  /** Changes whenever the set of subjects changes. */
  readonly version: number;
  has(subject: string): boolean;
  /** The subjects added or removed since `version`, or `undefined` when not known (see `OpenCases.changedSince`). */
  changedSince?(version: number): readonly string[] | undefined;
}

/**
 * One entity's neighbours (neighbour → latest time seen; Map order is insertion order) and, kept
 * with them, which of them had an open case when last asked: valid while the view's version is
 * `openVersion` and no neighbour was added or dropped since (`-1`: to be worked out again).
 */
export interface Neighbourhood {
  readonly seen: Map<string, string>;
  /** The graph's count of entities set at the end of its Map when this one last was (`LinkGraph.#moved`). */
  placed: number;
  openVersion: number;
  open: readonly string[];
  /**
   * Once the neighbourhood is full: its neighbours from the lowest ranked up (`ranksAbove`), the
   * keys and their times in two lists, kept in step with `seen`, so that the neighbour a new one
   * replaces is the first, not found by scanning them all (a busy payee has more payers than
   * are kept, so nearly each new payer replaces one). `undefined` until first needed.
   */
  rankedKeys: string[] | undefined;
  rankedSeen: string[] | undefined;
}

const noNeighbours: readonly string[] = Object.freeze([]);

/** Options of a `LinkGraph`. */
export interface LinkGraphOptions {
  /** Neighbours kept per entity: the most recently seen (default 64). */
  readonly maxNeighbours?: number;
  /**
   * Entities kept in memory (default 200,000); beyond this the least recently used are dropped,
   * and reloaded from the store when needed. Recency is counted to within half of this: an
   * entity in use is moved to the most recent end only when more than half as many entities as
   * are kept were moved or added since it last was (see `LinkGraph.missing`).
   */
  readonly maxEntities?: number;
  /** True when the store holds no link the graph does not (a fresh or replayed log): nothing needs loading. */
  readonly complete?: boolean;
  /** The subjects with an open case that `openNeighbours` picks out (default: none). */
  readonly openCases?: OpenSubjects;
}

const noOpenCases: OpenSubjects = { version: 0, has: () => false };

/**
 * Who is linked to whom, one hop each way, so that an event on an entity can join the open case
 * of an entity linked to it. The graph is a cache of the stored links (`entity_links`): each
 * entity keeps its `maxNeighbours` most recently seen neighbours (ranked by the latest time any
 * link between them was seen, then by key), which is exactly what loading it from the store
 * gives, so an engine that restarted sees the same neighbours as one that ran through (the
 * timelines of a crash-and-restart run equal a single run's). Entities are loaded lazily, a run
 * of events at a time (`missing` then `load`, before the run is processed), and the least
 * recently used beyond `maxEntities` (to within half of it, see `missing`) are dropped after a
 * commit (`trim`), so memory stays bounded by `maxEntities × maxNeighbours` whatever the number
 * of entities. Which entities are dropped changes only what is loaded again, never what is seen.
 */
export class LinkGraph {
  /** Entity → its neighbourhood. Map order is least recently moved to the end first (`missing`). */
  readonly #neighbours = new Map<string, Neighbourhood>();
  readonly #maxNeighbours: number;
  readonly #maxEntities: number;
  readonly #open: OpenSubjects;
  #complete: boolean;
  /** How many times an entity was set at the end of `#neighbours` (added, loaded or moved). */
  #moved = 0;
  /** An entity in use moves to the end once more than this many were set there since it was (`missing`). */
  readonly #moveAfter: number;

  constructor(options: LinkGraphOptions = {}) {
    this.#maxNeighbours = options.maxNeighbours ?? 64;
    this.#maxEntities = options.maxEntities ?? 200_000;
    this.#moveAfter = Math.floor(this.#maxEntities / 2);
    this.#complete = options.complete ?? false;
    this.#open = options.openCases ?? noOpenCases;
  }

  /**
   * The entities of `events` that must be loaded from the store before use (marks the others as
   * used), each once. Each event's `held` is set to the neighbourhood of each of its keys that the
   * graph holds (`undefined` for the others), which `add` takes so as not to look them up again:
   * they stay the graph's until the next `load` or `trim`, which the engine calls only before
   * `missing` and after the run is committed. An entity held is moved to the end of the Map (the
   * most recently used) only when more than `maxEntities / 2` entities were set there since it
   * last was: until then fewer than half of those kept stand after it, so `trim` cannot drop it,
   * and a graph whose entities in use fit in half of it moves none (a Map delete and set per
   * entity of every event, on a Map of tens of thousands, was a good part of the graph's cost).
   */
  missing(events: readonly EntitiesHeld[]): string[] {
    const missing = new Set<string>();
    for (const event of events) {
      const held: (Neighbourhood | undefined)[] = [];
      for (const entity of event.keys) {
        const known = this.#neighbours.get(entity);
        held.push(known);
        if (known !== undefined) {
          if (this.#moved - known.placed > this.#moveAfter) {
            this.#neighbours.delete(entity);
            this.#place(entity, known);
          }
        } else if (!this.#complete) missing.add(entity);
      }
      event.held = held;
    }
    return [...missing];
  }

  /** Neighbours kept per entity: what to load of each from the store (`EngineStore.linkNeighbours`). */
  get maxNeighbours(): number {
    return this.#maxNeighbours;
  }

  /** Sets `hood` as `entity`'s at the end of the Map (the most recently used). */
  #place(entity: string, hood: Neighbourhood): void {
    hood.placed = ++this.#moved;
    this.#neighbours.set(entity, hood);
  }

  /** Sets an entity's neighbours as the store has them (any number; the top `maxNeighbours` are kept). */
  load(entity: string, neighbours: readonly { neighbour: string; lastSeen: string }[]): void {
    const ranked = [...neighbours]
      .sort((a, b) => (ranksAbove(a.lastSeen, a.neighbour, b.lastSeen, b.neighbour) ? -1 : 1))
      .slice(0, this.#maxNeighbours);
    this.#neighbours.delete(entity);
    this.#place(entity, neighbourhood(new Map(ranked.map((item) => [item.neighbour, item.lastSeen]))));
  }

  /**
   * Records a link seen at `time` (both ways). Both entities must have been loaded (`missing`);
   * `fromHeld` and `toHeld` are their neighbourhoods as `missing` noted them (`EntitiesHeld`), when
   * it did.
   */
  add(from: string, to: string, time: string, fromHeld?: Neighbourhood, toHeld?: Neighbourhood): void {
    this.#link(from, to, time, fromHeld);
    this.#link(to, from, time, toHeld);
  }

  /**
   * The entity's neighbours that have an open case (`openCases`), in the graph's order for the
   * entity (the order they were first kept in): the same as filtering its neighbours with
   * `openCases.has`, but worked out again only when the open set changed since the last call
   * (a neighbour kept or dropped meanwhile updates the list in place). Every event asks it for
   * each of its entities, and a busy payee has dozens of neighbours.
   */
  openNeighbours(entity: string): readonly string[] {
    const hood = this.#neighbours.get(entity);
    if (hood === undefined) return noNeighbours;
    const open = this.#open;
    if (hood.openVersion !== open.version) {
      if (!stillOpen(hood, open)) {
        const found: string[] = [];
        for (const neighbour of hood.seen.keys()) {
          if (open.has(neighbour)) found.push(neighbour);
        }
        hood.open = found.length === 0 ? noNeighbours : found;
      }
      hood.openVersion = open.version;
    }
    return hood.open;
  }

  /** Drops the entities beyond `maxEntities` least recently moved to the end (call when every link seen is stored). */
  trim(): void {
    let excess = this.#neighbours.size - this.#maxEntities;
    if (excess <= 0) return;
    this.#complete = false;
    for (const entity of this.#neighbours.keys()) {
      if (excess-- <= 0) break;
      this.#neighbours.delete(entity);
    }
  }

  #link(entity: string, neighbour: string, time: string, held: Neighbourhood | undefined): void {
    let hood = held ?? this.#neighbours.get(entity);
    if (hood === undefined) {
      // Not loaded: the store has this entity's older links; it is loaded (with this one) when needed.
      if (!this.#complete) return;
      hood = neighbourhood(new Map());
      this.#place(entity, hood);
    }
    const list = hood.seen;
    const seen = list.get(neighbour);
    if (seen !== undefined) {
      // A later time for a known neighbour keeps its place in the Map's order.
      if (time > seen) {
        list.set(neighbour, time);
        if (hood.rankedKeys !== undefined) reRank(hood, neighbour, seen, time);
      }
      return;
    }
    if (list.size < this.#maxNeighbours) {
      list.set(neighbour, time);
      this.#kept(hood, neighbour);
      return;
    }
    const { keys, times } = rankedOf(hood);
    const lowestKey = keys[0];
    const lowestSeen = times[0];
    if (lowestKey !== undefined && lowestSeen !== undefined && ranksAbove(time, neighbour, lowestSeen, lowestKey)) {
      keys.shift();
      times.shift();
      list.delete(lowestKey);
      this.#dropped(hood, lowestKey);
      list.set(neighbour, time);
      insertRanked(keys, times, neighbour, time);
      this.#kept(hood, neighbour);
    }
  }

  /** A neighbour just added at the end of the Map: it ends the open list too when it has an open case. */
  #kept(hood: Neighbourhood, neighbour: string): void {
    // A list of an earlier version cannot be brought up to date from the changes of the open set
    // alone once its neighbours changed too (`stillOpen`): it is worked out afresh next time.
    if (hood.openVersion !== this.#open.version) hood.openVersion = -1;
    else if (this.#open.has(neighbour)) hood.open = [...hood.open, neighbour];
  }

  /** A neighbour just dropped: it leaves the open list. */
  #dropped(hood: Neighbourhood, neighbour: string): void {
    if (hood.openVersion !== this.#open.version) hood.openVersion = -1;
    else if (hood.open.includes(neighbour)) hood.open = hood.open.filter((item) => item !== neighbour);
  }
}

/**
 * Whether a neighbourhood's open list, worked out at an earlier version of the open set, still
 * holds: none of the subjects changed since is among its neighbours. Each case opened changes
 * the set's version, and a busy payee has dozens of neighbours to ask about again; asking the
 * neighbourhood about the few subjects that changed is cheaper, and only when one of them is a
 * neighbour is the list worked out afresh (in the neighbourhood's order).
 */
function stillOpen(hood: Neighbourhood, open: OpenSubjects): boolean {
  if (hood.openVersion < 0) return false;
  const changed = open.changedSince?.(hood.openVersion);
  if (changed === undefined || changed.length > hood.seen.size) return false;
  for (const subject of changed) if (hood.seen.has(subject)) return false;
  return true;
}

function neighbourhood(seen: Map<string, string>): Neighbourhood {
  return { seen, placed: 0, openVersion: -1, open: noNeighbours, rankedKeys: undefined, rankedSeen: undefined };
}

/** The neighbourhood's neighbours from the lowest ranked up (built on first use, then kept in step). */
function rankedOf(hood: Neighbourhood): { keys: string[]; times: string[] } {
  if (hood.rankedKeys === undefined || hood.rankedSeen === undefined) {
    const order = [...hood.seen].sort(([aKey, aSeen], [bKey, bSeen]) =>
      ranksAbove(aSeen, aKey, bSeen, bKey) ? 1 : -1,
    );
    hood.rankedKeys = order.map(([key]) => key);
    hood.rankedSeen = order.map(([, seen]) => seen);
  }
  return { keys: hood.rankedKeys, times: hood.rankedSeen };
}

/** Inserts a neighbour into ranked lists at its place (usually the end: it was just seen). */
function insertRanked(keys: string[], times: string[], key: string, seen: string): void {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ranksAbove(seen, key, times[middle] as string, keys[middle] as string)) low = middle + 1;
    else high = middle;
  }
  if (low === keys.length) {
    keys.push(key);
    times.push(seen);
  } else {
    keys.splice(low, 0, key);
    times.splice(low, 0, seen);
  }
}

/** A ranked neighbour seen again later: moved from its place to its new one. */
function reRank(hood: Neighbourhood, key: string, before: string, after: string): void {
  const { keys, times } = rankedOf(hood);
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (ranksAbove(before, key, times[middle] as string, keys[middle] as string)) low = middle + 1;
    else high = middle;
  }
  if (keys[low] === key) {
    keys.splice(low, 1);
    times.splice(low, 1);
  }
  insertRanked(keys, times, key, after);
}
