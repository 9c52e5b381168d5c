import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventTypeRegistry } from '../events/index.js';
import type { EventDeriver, RulePack } from '../packs/index.js';
import { deriveFrom, derivers } from './event-derivation.js';

const registry = new EventTypeRegistry();
const source = {
  id: 'src-1',
  type: 'report.filed',
  time: '2026-03-02T10:00:00.000Z',
  timeMs: Date.parse('2026-03-02T10:00:00.000Z'),
  entities: { user: 'u-1' },
  data: { category: 'spam' },
};
const derivedReport = (id: string, user = 'u-2') => ({
  id,
  type: 'report.filed',
  time: source.time,
  entities: { user },
  data: { category: 'derived' },
});

function pack(name: string, deriveEvents?: EventDeriver): RulePack {
  return {
    name,
    version: 1,
    description: name,
    features: [],
    rules: [],
    typologies: [],
    labels: [],
    ...(deriveEvents === undefined ? {} : { deriveEvents }),
  };
}

test('derived events are validated and kept in order; added roles never replace a role the event names', () => {
  const packs = derivers([
    pack('none'),
    pack('a', (event, context) => ({
      addEntities: { user: 'replaced?', reporter: 'u-9' },
      events: [derivedReport(context.idFor('r0')), derivedReport(context.idFor('r1'), event.entities.user)],
    })),
  ]);
  assert.deepEqual(
    packs.map((item) => item.pack),
    ['a'],
  );
  const batch = deriveFrom(source, packs, registry);
  assert.deepEqual(batch.failures, []);
  assert.deepEqual(batch.source.entities, { user: 'u-1', reporter: 'u-9' });
  assert.deepEqual(
    batch.derived.map((event) => [event.id, event.timeMs]),
    [
      ['src-1#r0', source.timeMs],
      ['src-1#r1', source.timeMs],
    ],
  );
});

test('a throwing, foreign-id, oversized or refused derivation is dropped whole and coded; other packs go on', () => {
  const cases: [string, EventDeriver, RegExp][] = [
    [
      'throws',
      () => {
        throw new Error('synthetic');
      },
      /synthetic/,
    ],
    ['foreign', () => ({ events: [derivedReport('other-1')] }), /does not start with src-1#/],
    [
      'many',
      (_, context) => ({ events: Array.from({ length: 65 }, (__, index) => derivedReport(context.idFor(`${index}`))) }),
      /65 events, at most 64/,
    ],
    [
      'refused',
      (_, context) => ({ events: [{ ...derivedReport(context.idFor('x')), data: { category: 5 } }] }),
      /refused: data\.category/,
    ],
    [
      'twice',
      (_, context) => ({ events: [derivedReport(context.idFor('x')), derivedReport(context.idFor('x'))] }),
      /twice/,
    ],
    ['role', () => ({ addEntities: { 'Bad Role': 'x' } }), /added roles refused/],
  ];
  for (const [name, derive, message] of cases) {
    const good = pack('good', (_, context) => ({ events: [derivedReport(context.idFor('ok'))] }));
    const batch = deriveFrom(source, derivers([pack(name, derive), good]), registry);
    assert.equal(batch.failures.length, 1, name);
    assert.equal(batch.failures[0]?.error.code, 'EVENT_DERIVATION_FAILED', name);
    assert.match(batch.failures[0]?.error.message ?? '', message, name);
    assert.deepEqual(batch.source, source, `${name}: the source is logged as sent`);
    assert.deepEqual(
      batch.derived.map((event) => event.id),
      ['src-1#ok'],
      `${name}: the other pack's events are kept`,
    );
  }
});
