import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { z } from 'zod';
import { builtinEventTypes, EventTypeRegistry } from './index.js';
import { quickDataChecks, quickPaymentData } from './quick-checks.js';

const paymentSchema = builtinEventTypes.find((type) => type.name === 'payment.sent')?.data;

/** A valid payment's data, as the simulator and the readers write it. */
const typical = {
  amount: 71.45,
  currency: 'GBP',
  payer_country: 'GB',
  payee_country: 'PH',
  local_hour: 23,
  payer_type: 'individual',
  payee_type: 'individual',
  payer_birth_date: '1978-06-25',
  payer_birth_country: 'GB',
  channel: 'mto_online',
  instruction_codes: ['HOLD'],
  crypto_risk_tags: ['mixer'],
  payer_name: 'Test Payer 1',
  remittance_info: 'gift',
};

/** Values that pass some fields and fail others, odd ones included. */
const oddValue = fc.oneof(
  fc.constantFrom(
    'GB',
    'gb',
    'USD',
    'HOLD',
    'HOLDX',
    'individual',
    'Individual',
    '1978-06-25',
    '2023-02-29',
    '2024-02-29',
    'DEUTDEFF',
    'DEUTDEFF500',
    '',
    'a'.repeat(51),
    'a'.repeat(201),
    null,
    undefined,
    0,
    -0,
    -1,
    23,
    24,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    [],
    ['HOLD'],
    ['x'.repeat(5)],
    [1],
    {},
  ),
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.integer({ min: -5, max: 30 }),
  fc.array(fc.string({ maxLength: 6 }), { maxLength: 3 }),
);

const fieldName = fc.constantFrom(
  ...Object.keys(typical),
  'purpose',
  'payer_agent_bic',
  'declared_relationship',
  'merchant_category',
  'extra',
  'z_other',
  'constructor',
);

/** A typical payment with some fields changed, removed or added, in a shuffled order. */
const paymentData = fc
  .tuple(fc.array(fc.tuple(fieldName, oddValue), { maxLength: 4 }), fc.array(fieldName, { maxLength: 2 }), fc.boolean())
  .map(([changes, removed, reversed]) => {
    const data: Record<string, unknown> = { ...typical };
    for (const [name, value] of changes) data[name] = value;
    for (const name of removed) delete data[name];
    return reversed ? Object.fromEntries(Object.entries(data).reverse()) : data;
  });

/** What a value shows of itself: its JSON with key order, and lists told from their copies' contents. */
function shown(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (item === undefined ? '(undefined)' : item));
}

describe('quick checks', () => {
  it('give exactly what the payment.sent data schema gives, or leave it to the schema', () => {
    assert.ok(paymentSchema !== undefined);
    let quick = 0;
    fc.assert(
      fc.property(paymentData, (data) => {
        const fast = quickPaymentData(data);
        const parsed = paymentSchema.safeParse(data);
        if (fast === undefined) return;
        quick++;
        assert.ok(parsed.success, `quick check passed what the schema refuses: ${shown(data)}`);
        assert.deepEqual(fast, parsed.data);
        assert.equal(shown(fast), shown(parsed.data));
        // Lists are copies, as the schema's are.
        for (const name of ['instruction_codes', 'crypto_risk_tags']) {
          if (Array.isArray(fast[name])) assert.notEqual(fast[name], data[name]);
        }
      }),
      { numRuns: 2000 },
    );
    assert.ok(quick > 100, `the quick check answered only ${quick} times`);
    assert.notEqual(quickPaymentData(typical), undefined);
  });

  it('leave the registry giving the same answer as the schemas alone', () => {
    const registry = new EventTypeRegistry();
    /** Mostly the valid value, sometimes one of the others. */
    const mostly = <T>(valid: T, ...others: T[]) =>
      fc.oneof({ arbitrary: fc.constant(valid), weight: 6 }, { arbitrary: fc.constantFrom(...others), weight: 1 });
    const event = fc.record({
      id: fc.oneof({ arbitrary: fc.constant('payment:1'), weight: 6 }, fc.string({ maxLength: 4 })),
      type: mostly('payment.sent', 'payment.Sent', 'account.created', 'nope'),
      time: mostly('2026-01-01T00:02:24+00:00', '2026-01-01', '2200-01-01T00:00:00Z', 'T', 'yesterday'),
      entities: mostly<Record<string, string>>(
        { payment_account: 'acct-1', payee_account: 'acct-2' },
        { payment_account: 'acct-1' },
        { payment_account: 'acct 1', payee_account: 'acct-2' },
        { Payer: 'acct-1', payee_account: 'acct-2' },
        { payment_account: ':x', payee_account: 'acct-2' },
      ),
      data: paymentData,
    });
    let accepted = 0;
    fc.assert(
      fc.property(event, (input) => {
        // An object whose prototype is not Object's never takes the quick path.
        const slow = registry.check(Object.assign(Object.create({ inherited: true }), input));
        const answer = registry.check(input);
        if (answer.ok) accepted++;
        assert.deepEqual(answer, slow);
        assert.equal(shown(answer), shown(slow));
      }),
      { numRuns: 1000 },
    );
    assert.ok(accepted > 50, `only ${accepted} generated events were valid`);
  });
});

/** A valid `data` of each type with a quick check, as integrations and the packs send them. */
const typicalData: Readonly<Record<string, Record<string, unknown>>> = {
  'account.created': { country: 'GB', age_assurance: 'adult', age_years: 34, age_source: 'assured' },
  'account.updated': { changed: ['age'], age_band: '13_15', verified_organisation: 'school' },
  'session.started': { kind: 'stream', visibility: 'private', viewer_count: 2, country: 'PH' },
  'session.ended': { duration_seconds: 312.5, peak_viewers: 3 },
  'stream.viewer_joined': { country: 'US' },
  'gift.sent': { amount: 12, currency: 'USD' },
  'message.sent': {
    text: 'synthetic',
    mutual_contacts: 0,
    relationship: 'none',
    local_hour: 22,
    has_attachment: false,
  },
  'chat.indicator': {
    family: 'secrecy',
    confidence: 0.8,
    language: 'en',
    message_id: 'm-1',
    span_hash: 'a'.repeat(64),
    lexicon: 'builtin',
    lexicon_version: 3,
    entry_id: 'secrecy-1',
  },
  'chat.handle': { kind: 'p2p_handle', message_id: 'm-1' },
  'report.filed': { category: 'spam', text: 'synthetic report' },
};

/** Values that pass some fields of these types and fail others, odd ones included. */
const oddTypeValue = fc.oneof(
  oddValue,
  fc.constantFrom(
    'stream',
    'call',
    'private',
    'followers',
    'adult',
    'minor',
    'under_13',
    'assured',
    'school',
    'family',
    'custom:grooming_x',
    'custom:',
    'b'.repeat(64),
    'B'.repeat(64),
    'p2p_handle',
    'a'.repeat(17),
    'a'.repeat(257),
    true,
    false,
    0.5,
    1,
    2,
    130,
    131,
    2 ** 53,
    1e300,
    -Number.MIN_VALUE,
    ['age', 'country'],
  ),
);

describe('quick checks of the other built-in types', () => {
  for (const [name, quick] of Object.entries(quickDataChecks)) {
    it(`give exactly what the ${name} data schema gives, or leave it to the schema`, () => {
      const schema = builtinEventTypes.find((type) => type.name === name)?.data as z.ZodObject | undefined;
      const typical = typicalData[name];
      assert.ok(schema !== undefined && typical !== undefined);
      const names = fc.constantFrom(...Object.keys(schema.shape), 'extra', 'constructor');
      const data = fc
        .tuple(
          fc.array(fc.tuple(names, oddTypeValue), { maxLength: 3 }),
          fc.array(names, { maxLength: 2 }),
          fc.boolean(),
        )
        .map(([changes, removed, reversed]) => {
          const value: Record<string, unknown> = { ...typical };
          for (const [field, item] of changes) value[field] = item;
          for (const field of removed) delete value[field];
          return reversed ? Object.fromEntries(Object.entries(value).reverse()) : value;
        });
      let answered = 0;
      fc.assert(
        fc.property(data, (value) => {
          const fast = quick(value);
          if (fast === undefined) return;
          answered++;
          const parsed = schema.safeParse(value);
          assert.ok(parsed.success, `quick check passed what the schema refuses: ${shown(value)}`);
          assert.equal(shown(fast), shown(parsed.data));
          // Lists are copies where the schema's are, the input's own where its are.
          for (const [field, item] of Object.entries(fast))
            assert.equal(item === value[field], parsed.data[field] === value[field], field);
        }),
        { numRuns: 600 },
      );
      assert.ok(answered > 30, `the quick check answered only ${answered} times`);
      assert.equal(shown(quick(typical)), shown(schema.parse(typical)));
    });
  }

  it('leave the registry giving the same answer as the schemas alone, for every type', () => {
    const registry = new EventTypeRegistry();
    let accepted = 0;
    const event = fc.record({
      id: fc.constantFrom('e-1', ''),
      type: fc.constantFrom(...Object.keys(quickDataChecks)),
      time: fc.constantFrom('2026-01-01T00:02:24+00:00', 'yesterday'),
      entities: fc.constantFrom<Record<string, string>>(
        { user: 'u-1', recipient: 'u-2', stream: 's-1', dyad: 'u-1|u-2', handle: 'p2p_handle:x' },
        { user: 'u-1' },
        { recipient: 'u-2', stream: 's-1' },
      ),
      data: fc.dictionary(fc.constantFrom('kind', 'visibility', 'amount', 'text', 'category', 'extra'), oddTypeValue, {
        maxKeys: 3,
      }),
    });
    fc.assert(
      fc.property(event, fc.boolean(), (input, typical) => {
        const value = typical ? { ...input, data: { ...typicalData[input.type], ...input.data } } : input;
        const slow = registry.check(Object.assign(Object.create({ inherited: true }), value));
        const answer = registry.check(value);
        if (answer.ok) accepted++;
        assert.equal(shown(answer), shown(slow));
      }),
      { numRuns: 1000 },
    );
    assert.ok(accepted > 50, `only ${accepted} generated events were valid`);
  });
});
