import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { EngineError } from '../core/index.js';
import { EventTypeRegistry } from './event-validation.js';

const payment = {
  id: 'evt-1',
  type: 'payment.sent',
  time: '2026-11-02T03:15:00+08:00',
  entities: { payment_account: 'acct-a', payee_account: 'acct-b' },
  data: { amount: 25, currency: 'USD', payer_country: 'GB', payee_country: 'PH' },
};

describe('EventTypeRegistry', () => {
  const registry = new EventTypeRegistry([
    {
      name: 'shop.order_placed',
      requiredRoles: ['user'],
      dataSchema: { type: 'object', required: ['total'], properties: { total: { type: 'number', minimum: 0 } } },
    },
  ]);

  test('accepts a valid built-in event and parses its time', () => {
    const result = registry.check(payment);
    assert.ok(result.ok);
    assert.equal(result.event.timeMs, Date.parse('2026-11-01T19:15:00Z'));
    assert.equal(registry.entityType('payment.sent', 'payee_account'), 'payment_account');
    assert.equal(registry.entityType('payment.sent', 'payment_account'), 'payment_account');
    assert.equal(registry.entityType('gift.sent', 'recipient'), 'user');
  });

  test('names the path of every bad field', () => {
    const result = registry.check({
      ...payment,
      entities: { payment_account: 'acct-a' },
      data: { amount: 'twenty', currency: 'usd' },
    });
    assert.ok(!result.ok);
    assert.deepEqual(result.problems.map((problem) => problem.path).sort(), [
      'data.amount',
      'data.currency',
      'entities.payee_account',
    ]);
  });

  test('envelope problems: missing id, bad time, unknown type, bad entity id', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...payment, id: undefined }, 'id'],
      [{ ...payment, time: 'yesterday' }, 'time'],
      [{ ...payment, type: 'payment.teleported' }, 'type'],
      [{ ...payment, entities: { payment_account: 'has space', payee_account: 'b' } }, 'entities.payment_account'],
    ];
    for (const [input, path] of cases) {
      const result = registry.check(input);
      assert.ok(!result.ok, path);
      assert.deepEqual(
        result.problems.map((problem) => problem.path),
        [path],
      );
    }
  });

  test('operator types are checked against their JSON Schema', () => {
    const base = { id: 'o1', type: 'shop.order_placed', time: '2026-11-02T10:00:00Z', entities: { user: 'u1' } };
    assert.ok(registry.check({ ...base, data: { total: 12.5 } }).ok);
    const bad = registry.check({ ...base, data: { total: -1 } });
    assert.ok(!bad.ok);
    assert.deepEqual(
      bad.problems.map((problem) => problem.path),
      ['data.total'],
    );
    const missing = registry.check({ ...base, data: {} });
    assert.ok(!missing.ok);
    assert.deepEqual(
      missing.problems.map((problem) => problem.path),
      ['data.total'],
    );
  });

  test('bad operator declarations are configuration errors', () => {
    assert.throws(() => new EventTypeRegistry([{ name: 'payment.sent', dataSchema: {} }]), EngineError);
    assert.throws(() => new EventTypeRegistry([{ name: 'NotDotted', dataSchema: {} }]), EngineError);
    assert.throws(() => new EventTypeRegistry([{ name: 'a.b', dataSchema: { type: 'nonsense' } }]), EngineError);
  });

  test('property: any input is either accepted or refused with at least one path, never thrown', () => {
    fc.assert(
      fc.property(fc.anything(), (input) => {
        const result = registry.check(input);
        if (!result.ok) assert.ok(result.problems.length > 0);
      }),
    );
  });

  test('an event type declares the kind of its case-timeline entry: media.matched is a match, the rest events', () => {
    const registry = new EventTypeRegistry([{ name: 'shop.order_placed', dataSchema: { type: 'object' } }]);
    assert.equal(registry.timelineKind('media.matched'), 'match');
    assert.equal(registry.timelineKind('payment.sent'), 'event');
    assert.equal(registry.timelineKind('shop.order_placed'), 'event');
    assert.equal(registry.timelineKind('no.such_type'), 'event');
  });
});
