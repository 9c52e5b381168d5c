import type { EngineEvent } from '../../events/index.js';

/**
 * The payer's UTC offset at a payment, in whole hours 0–23 (−5 h is 19), from the payer's local
 * hour and the UTC time; undefined when the payment has no local hour. A payment made at another
 * offset than the payer's domestic payments was made elsewhere: a card or in-person payment on a
 * trip, not a remittance sent from home. Half-hour offsets round down with the local hour.
 */
export function payerUtcOffset(event: EngineEvent): number | undefined {
  const local = event.data.local_hour;
  if (typeof local !== 'number') return undefined;
  const utcHour = Math.floor(event.timeMs / 3_600_000) % 24;
  return (((local - utcHour) % 24) + 24) % 24;
}
