/**
 * The synthetic (benign) events of the crash test, the same for the run that is killed and for
 * its control run: mostly payments from 100 accounts to 37 payees, every tenth event links a user
 * to an account, and every thousandth is a media match that opens a case on a user, so that
 * cases, labels, links and linked activity in timelines all depend on processing order.
 */
import { syntheticEvent } from '../../support/engine-harness.js';

export const crashBase = Date.parse('2026-11-01T00:00:00Z');

/** Whether event `i` is a payment (the features and the payment rule count only these). */
export function isPayment(i: number): boolean {
  return i % 10 !== 5;
}

export function crashEvent(i: number) {
  const time = new Date(crashBase + i * 1000).toISOString();
  if (i % 1000 === 5)
    return syntheticEvent(
      'media.matched',
      { user: `u-${Math.floor(i / 1000) % 40}` },
      { matches: [{ bank: 'CRASH_TEST', contentId: 1, signalType: 'pdq', distance: 0 }] },
      time,
      `crash-${i}`,
    );
  if (i % 10 === 5)
    return syntheticEvent(
      'account.updated',
      { user: `u-${i % 40}`, payment_account: `acct-${i % 100}` },
      {},
      time,
      `crash-${i}`,
    );
  return syntheticEvent(
    'payment.sent',
    { payment_account: `acct-${i % 100}`, payee_account: `payee-${i % 37}` },
    { amount: 1 + (i % 50), currency: 'USD', payee_country: i % 3 === 0 ? 'PH' : 'GB' },
    time,
    `crash-${i}`,
  );
}

/** Events `start` to `end` (exclusive). */
export function crashEvents(start: number, end: number) {
  const events = [];
  for (let i = start; i < end; i++) events.push(crashEvent(i));
  return events;
}
