import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CaseRecord } from './case-records.js';
import {
  CaseChanges,
  casePriorities,
  checkCaseChange,
  higherPriority,
  isPurgeable,
  OpenCases,
  prioritiesBelow,
  priorityRank,
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
