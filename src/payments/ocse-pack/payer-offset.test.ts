import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineEvent } from '../../events/index.js';
import { payerUtcOffset } from './payer-offset.js';

function event(time: string, localHour?: number): EngineEvent {
  const data: Record<string, unknown> = localHour === undefined ? {} : { local_hour: localHour };
  return { id: 'e', type: 'payment.sent', time, timeMs: Date.parse(time), entities: {}, data };
}

test("the payer's UTC offset in whole hours 0–23, from the local hour; unknown without one", () => {
  assert.equal(payerUtcOffset(event('2026-03-01T23:40:00+10:00', 23)), 10);
  assert.equal(payerUtcOffset(event('2026-03-01T02:10:00-05:00', 2)), 19, '−5 h wraps to 19');
  assert.equal(payerUtcOffset(event('2026-03-01T12:00:00Z', 12)), 0);
  assert.equal(payerUtcOffset(event('2026-03-01T12:00:00Z')), undefined);
});
