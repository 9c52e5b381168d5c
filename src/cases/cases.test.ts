import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CaseRecord } from './case-records.js';
import {
  CaseChanges,
  casePriorities,
  caseTraits,
  checkCaseChange,
  higherPriority,
  imminentHarmLabel,
  isPurgeable,
  OpenCases,
  prioritiesBelow,
  priorityRank,
  sourcesBelow,
} from './index.js';

const entry = (ref: string) => ({
  kind: 'event' as const,
  ref,
  time: '2026-11-01T00:00:00Z',
  summary: ref,
  detail: null,
});

const record = (overrides: Partial<CaseRecord> = {}): CaseRecord => ({
  id: 1,
  subject: 'user:u',
  status: 'open',
  priority: 'low',
  assignee: null,
  decision: null,
  openedAt: '2026-11-01T00:00:00Z',
  updatedAt: '2026-11-01T00:00:00Z',
  closedAt: null,
  retainUntil: null,
  legalHold: null,
  source: 'other',
  typology: null,
  imminent: false,
  ...overrides,
});

describe('cases: the join-or-open rule', () => {
  test('ordinary activity only joins a case that is not closed; only a case effect opens one', () => {
    const view = new OpenCases(['user:open']);
    const changes = new CaseChanges(view);
    changes.join('user:open', [entry('a')]);
    changes.join('user:closed', [entry('b')]);
    changes.open('user:new', 'high', [entry('c')]);
    assert.deepEqual(
      changes.updates('2026-11-01T00:00:00Z').map((update) => [update.subject, update.open, update.entries.length]),
      [
        ['user:open', false, 1],
        ['user:new', true, 1],
      ],
    );
    assert.ok(view.has('user:new'), 'an opened case enters the view');
    view.set('user:new', false);
    assert.ok(!view.has('user:new'), 'a closed case leaves it');
  });

  test('the priority ranking is one: an open keeps the highest priority and replaces only lower ones', () => {
    const changes = new CaseChanges(new OpenCases(['user:u']));
    changes.join('user:u', [entry('a'), entry('a')]);
    changes.open('user:u', 'medium', [entry('b')]);
    changes.open('user:u', 'urgent', [entry('c')]);
    changes.open('user:u', 'low', [entry('d')]);
    const [update] = changes.updates('2026-11-01T00:00:00Z');
    assert.equal(update?.priority, 'urgent');
    assert.deepEqual(update?.raiseFrom, ['low', 'medium', 'high']);
    assert.deepEqual(
      update?.entries.map((item) => item.ref),
      ['a', 'b', 'c', 'd'],
      'entries deduplicated by ref',
    );
    assert.deepEqual(casePriorities.map(priorityRank), [1, 2, 3, 4]);
    assert.equal(higherPriority('high', 'medium'), 'high');
    assert.deepEqual(prioritiesBelow('low'), []);
  });
});

describe('cases: lifecycle and retention', () => {
  test('a case moves open → in review → decided → closed; closed is final; decided needs a decision', () => {
    checkCaseChange(record(), { status: 'in_review' }, false);
    checkCaseChange(record({ status: 'in_review' }), { status: 'decided', decision: 'confirmed' }, false);
    checkCaseChange(record({ status: 'decided', decision: 'confirmed' }), { status: 'closed' }, false);
    assert.throws(() => checkCaseChange(record(), { status: 'decided' }, false), { code: 'CASE_TRANSITION_INVALID' });
    assert.throws(() => checkCaseChange(record({ status: 'reported' }), { status: 'open' }, false), {
      code: 'CASE_TRANSITION_INVALID',
    });
    assert.throws(() => checkCaseChange(record({ status: 'closed' }), { status: 'open' }, false), {
      code: 'CASE_TRANSITION_INVALID',
    });
    checkCaseChange(record({ status: 'closed' }), {}, true);
  });

  test('only a closed, unheld case past its retention instant is purgeable', () => {
    const now = Date.parse('2030-01-01T00:00:00Z');
    const past = '2029-01-01T00:00:00.000Z';
    assert.equal(isPurgeable(record({ status: 'closed', retainUntil: past }), now), true);
    assert.equal(isPurgeable(record({ status: 'reported', retainUntil: past }), now), false);
    assert.equal(isPurgeable(record({ status: 'closed', retainUntil: '+010000-01-01T00:00:00.000Z' }), now), false);
    assert.equal(
      isPurgeable(record({ status: 'closed', retainUntil: past, legalHold: { at: past, reason: 'order' } }), now),
      false,
    );
  });
});

describe('cases: traits from what the engine adds', () => {
  const at = '2026-11-01T00:00:00Z';
  const event = (type: string, data: Record<string, unknown> = {}, kind: 'event' | 'match' = 'event') => ({
    kind,
    ref: `event:${type}:${JSON.stringify(data)}`,
    time: at,
    summary: type,
    detail: { id: 'e', type, entities: {}, data },
  });

  test('a bank match wins over everything; a stream frame is `stream`; payments and chat by event type', () => {
    assert.deepEqual(caseTraits([]), { source: 'other', typology: null, imminent: false });
    assert.equal(caseTraits([event('session.started')]).source, 'other');
    assert.equal(caseTraits([event('message.sent'), event('session.started')]).source, 'chat');
    assert.equal(caseTraits([event('message.sent'), event('payment.sent')]).source, 'payments');
    assert.equal(
      caseTraits([event('payment.sent'), event('media.matched', { source: 'stream' }, 'match')]).source,
      'stream',
    );
    assert.equal(
      caseTraits([
        event('media.matched', { source: 'stream' }, 'match'),
        event('media.matched', { source: 'api' }, 'match'),
      ]).source,
      'hash_match',
    );
    assert.deepEqual(sourcesBelow('payments'), ['other', 'chat']);
    assert.deepEqual(sourcesBelow('other'), []);
  });

  test('the typology that reached its case threshold names the case; points alone do not', () => {
    const hit = (typology: string) => ({
      kind: 'rule_hit' as const,
      ref: `hit:${typology}`,
      time: at,
      summary: 'hit',
      detail: { ruleId: 'r', effects: [{ kind: 'typology', typology, points: 10 }] },
    });
    const reached = {
      kind: 'rule_hit' as const,
      ref: 'typology:t_b',
      time: at,
      summary: 'x',
      detail: { typology: 't_b' },
    };
    assert.equal(caseTraits([hit('t_a')]).typology, null);
    assert.equal(caseTraits([hit('t_a'), reached]).typology, 't_b');
  });

  test('imminent harm: the imminent_harm label added, or an event flagged; hostile details are ignored', () => {
    const label = (action: string) => ({
      kind: 'label' as const,
      ref: `label:${action}`,
      time: at,
      summary: 'label',
      detail: { kind: 'label', entity: 'user', action, label: imminentHarmLabel },
    });
    assert.equal(caseTraits([label('add')]).imminent, true);
    assert.equal(caseTraits([label('remove')]).imminent, false);
    const hitAdding = (action: string) => ({
      kind: 'rule_hit' as const,
      ref: `hit:${action}`,
      time: at,
      summary: 'hit',
      detail: { ruleId: 'r', effects: [{ kind: 'label', entity: 'user', action, label: imminentHarmLabel }] },
    });
    assert.equal(caseTraits([hitAdding('add')]).imminent, true, 'the hit that adds the label, opening the case');
    assert.equal(caseTraits([hitAdding('remove')]).imminent, false);
    assert.equal(caseTraits([event('report.filed', { imminent_harm: true })]).imminent, true);
    assert.equal(caseTraits([event('report.filed', { imminent_harm: 'yes' })]).imminent, false);
    const hostile = [null, 7, 'text', [], { type: 42 }, { data: [] }, { effects: 'x' }, { typology: 5 }];
    for (const detail of hostile) {
      for (const kind of ['event', 'match', 'rule_hit', 'label'] as const) {
        const traits = caseTraits([{ kind, ref: 'r', time: at, summary: 's', detail }]);
        assert.equal(traits.typology, null);
        assert.equal(traits.imminent, false);
      }
    }
  });

  test('the updates carry the traits of their entries and the sources they replace', () => {
    const changes = new CaseChanges(new OpenCases());
    changes.open('user:u', 'high', [event('payment.sent')]);
    const [update] = changes.updates(at);
    assert.deepEqual(update?.traits, {
      source: 'payments',
      sourceReplaces: ['other', 'chat'],
      typology: null,
      imminent: false,
    });
  });
});
