import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { OpenCases } from '../cases/index.js';
import { LinkGraph } from './entity-links.js';

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
        for (const item of steps) {
          if (item.kind === 'link') {
            if (item.from !== item.to)
              graph.add(item.from, item.to, `2026-01-01T00:${String(item.minute).padStart(2, '0')}:00Z`);
          } else openCases.set(item.subject, item.kind === 'open');
          const kept = entities.map((entity) => [...graph.openNeighbours(entity)]);
          // Opening and closing a subject no one links to changes the set's version twice:
          // every list is then worked out afresh from the neighbours.
          openCases.set('nobody', true);
          openCases.set('nobody', false);
          const afresh = entities.map((entity) => [...graph.openNeighbours(entity)]);
          assert.deepEqual(kept, afresh);
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
