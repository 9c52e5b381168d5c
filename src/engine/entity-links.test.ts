import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OpenCases } from '../cases/index.js';
import { type EntitiesHeld, LinkGraph } from './entity-links.js';

const entities = ['a', 'b', 'c', 'd', 'e', 'f'];
const step = fc.oneof(
  fc.record({
    kind: fc.constant('link' as const),
    from: fc.constantFrom(...entities),
    to: fc.constantFrom(...entities),
    minute: fc.integer({ min: 0, max: 20 }),
  }),
  fc.record({ kind: fc.constantFrom('open' as const, 'close' as const), subject: fc.constantFrom(...entities) }),
);

describe('LinkGraph.openNeighbours', () => {
  it('equals working the list out afresh after any links kept, dropped, opened and closed', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const openCases = new OpenCases();
        // Two neighbours at most, so that full neighbourhoods drop their lowest.
        const graph = new LinkGraph({ complete: true, maxNeighbours: 2, openCases });
        // The same links, with a view that cannot say what changed: it works each list out
        // afresh from the neighbours whenever the set's version changed.
        const plain = new LinkGraph({
          complete: true,
          maxNeighbours: 2,
          openCases: {
            get version() {
              return openCases.version;
            },
            has: (subject) => openCases.has(subject),
          },
        });
        for (const [index, item] of steps.entries()) {
          if (item.kind === 'link') {
            const time = `2026-01-01T00:${String(item.minute).padStart(2, '0')}:00Z`;
            if (item.from !== item.to) {
              graph.add(item.from, item.to, time);
              plain.add(item.from, item.to, time);
            }
          } else openCases.set(item.subject, item.kind === 'open');
          // Asked now and then only, so that lists fall several versions behind.
          if (index % 3 !== 2) continue;
          const kept = entities.map((entity) => [...graph.openNeighbours(entity)]);
          // Opening and closing a subject no one links to changes the set's version twice
          // without changing any list.
          openCases.set('nobody', true);
          openCases.set('nobody', false);
          const again = entities.map((entity) => [...graph.openNeighbours(entity)]);
          const afresh = entities.map((entity) => [...plain.openNeighbours(entity)]);
          assert.deepEqual(kept, afresh);
          assert.deepEqual(again, afresh);
          for (const list of afresh) for (const subject of list) assert.ok(openCases.has(subject));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('drops a neighbour with an open case when a later one takes its place, and keeps a new one', () => {
    const openCases = new OpenCases(['b', 'd']);
    const graph = new LinkGraph({ complete: true, maxNeighbours: 2, openCases });
    graph.add('a', 'b', '2026-01-01T00:01:00Z');
    assert.deepEqual(graph.openNeighbours('a'), ['b']);
    graph.add('a', 'c', '2026-01-01T00:02:00Z');
    graph.add('a', 'd', '2026-01-01T00:03:00Z');
    assert.deepEqual(graph.openNeighbours('a'), ['d']);
    openCases.set('c', true);
    assert.deepEqual(graph.openNeighbours('a'), ['c', 'd']);
  });

  it('gives nothing for an entity it does not hold, and nothing without a view of open cases', () => {
    const graph = new LinkGraph({ complete: true });
    graph.add('a', 'b', '2026-01-01T00:00:00Z');
    assert.deepEqual(graph.openNeighbours('z'), []);
    assert.deepEqual(graph.openNeighbours('a'), []);
  });
});

/**
 * The neighbourhood rule written plainly: a known neighbour takes a later time in its place; a
 * new one is added while there is room, else replaces the lowest ranked (found by scanning every
 * neighbour) when it ranks above it. The graph keeps its full neighbourhoods ranked instead of
 * scanning them; it must keep exactly these neighbours, in this order.
 */
function plainNeighbourhoods(links: readonly [string, string, string][], maxNeighbours: number) {
  const ranksAbove = (aSeen: string, aKey: string, bSeen: string, bKey: string) =>
    aSeen > bSeen || (aSeen === bSeen && aKey > bKey);
  const hoods = new Map<string, Map<string, string>>();
  const link = (entity: string, neighbour: string, time: string) => {
    const list = hoods.get(entity) ?? new Map<string, string>();
    hoods.set(entity, list);
    const seen = list.get(neighbour);
    if (seen !== undefined) {
      if (time > seen) list.set(neighbour, time);
      return;
    }
    if (list.size < maxNeighbours) {
      list.set(neighbour, time);
      return;
    }
    let lowest: [string, string] | undefined;
    for (const [key, keySeen] of list) {
      if (lowest === undefined || ranksAbove(lowest[1], lowest[0], keySeen, key)) lowest = [key, keySeen];
    }
    if (lowest !== undefined && ranksAbove(time, neighbour, lowest[1], lowest[0])) {
      list.delete(lowest[0]);
      list.set(neighbour, time);
    }
  };
  for (const [from, to, time] of links) {
    link(from, to, time);
    link(to, from, time);
  }
  return hoods;
}

describe('LinkGraph neighbourhoods', () => {
  it('keeps the same neighbours, in the same order, as scanning a full neighbourhood for its lowest', () => {
    const many = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const link = fc.tuple(
      fc.constantFrom(...many),
      fc.constantFrom(...many),
      // Few distinct times, out of order: ties broken by key, late links that rank below all.
      fc.integer({ min: 0, max: 12 }),
    );
    fc.assert(
      fc.property(fc.array(link, { maxLength: 150 }), fc.integer({ min: 1, max: 4 }), (raw, maxNeighbours) => {
        const links = raw
          .filter(([from, to]) => from !== to)
          .map(([from, to, minute]): [string, string, string] => [
            from,
            to,
            `2026-01-01T00:${String(minute).padStart(2, '0')}:00Z`,
          ]);
        // Every subject open, so that `openNeighbours` lists every neighbour kept, in the graph's order.
        const graph = new LinkGraph({ complete: true, maxNeighbours, openCases: { version: 1, has: () => true } });
        for (const [from, to, time] of links) graph.add(from, to, time);
        const expected = plainNeighbourhoods(links, maxNeighbours);
        for (const entity of many)
          assert.deepEqual(graph.openNeighbours(entity), [...(expected.get(entity)?.keys() ?? [])], entity);
      }),
      { numRuns: 500 },
    );
  });
});

describe('LinkGraph entities kept', () => {
  const seen = [{ neighbour: 'z', lastSeen: '2026-01-01T00:00:00Z' }];
  /** Which of `keys` the graph holds (`missing` marks them used, as the engine's drain does). */
  const held = (graph: LinkGraph, keys: string[]) => {
    const event: EntitiesHeld = { keys };
    const missing = graph.missing([event]);
    assert.deepEqual(
      event.held?.map((hood) => hood !== undefined),
      keys.map((key) => !missing.includes(key)),
      'missing notes the neighbourhood of each entity it holds, in step with the keys',
    );
    return keys.filter((key) => !missing.includes(key));
  };

  it('trims to maxEntities, dropping the entities moved to the end least recently', () => {
    const graph = new LinkGraph({ maxEntities: 4 });
    for (const entity of ['a', 'b', 'c', 'd']) graph.load(entity, seen);
    // Three set since `a` was: more than half of four, so using `a` moves it to the end.
    assert.deepEqual(held(graph, ['a']), ['a']);
    graph.load('e', seen);
    graph.load('f', seen);
    graph.trim();
    assert.deepEqual(held(graph, ['a', 'b', 'c', 'd', 'e', 'f']), ['a', 'd', 'e', 'f']);
  });

  it('keeps an entity used since fewer than half of maxEntities were set, without moving it', () => {
    const graph = new LinkGraph({ maxEntities: 4 });
    for (const entity of ['a', 'b', 'c', 'd']) graph.load(entity, seen);
    // Only `d` was set since `c` was: `c` is not moved, and is still among the last four after `e`.
    assert.deepEqual(held(graph, ['c']), ['c']);
    graph.load('e', seen);
    graph.trim();
    assert.deepEqual(held(graph, ['a', 'b', 'c', 'd', 'e']), ['b', 'c', 'd', 'e']);
  });
});
