import type { PaymentRecord } from '../../payments/index.js';
import { hourMs } from '../clock.js';
import type { PaymentDraft } from '../payment-draft.js';
import type { Random } from '../random.js';
import { toUsd } from '../world.js';

/** A payment a reactor will make at `at`; its content is decided only then (`resolve`). */
export interface Consequence {
  readonly at: number;
  resolve(): PaymentDraft | undefined;
}

/**
 * An account that reacts to money arriving: the merge calls `onInflow` with every payment it
 * emits to that account, in time order, and schedules the consequences it returns (always later
 * than the inflow, so the output stays sorted).
 */
export interface Reactor {
  onInflow(record: PaymentRecord, at: number): readonly Consequence[];
}

/** How a pass-through account moves money on. */
export interface PassThroughPlan {
  /** Hours between the first unforwarded inflow and the payment that forwards it. */
  readonly delayHours: readonly [number, number];
  /** Share of the collected USD forwarded. */
  readonly share: readonly [number, number];
  /** The forwarding payment of `usd` US dollars worth (out of `collectedUsd` received) at `at`. */
  payout(random: Random, usd: number, collectedUsd: number, at: number): PaymentDraft;
}

/**
 * A reactor that collects inflows and, `delayHours` after the first one not yet forwarded, pays
 * out `share` of everything collected since — a facilitator's quick cash-out (F15, ≥ 80% within
 * 24 h) or a mule's forwarding (F17, ≥ 80% within 48 h). Every inflow is forwarded within the
 * maximum delay, because the forwarding payment always includes all inflows received before it.
 */
export function passThroughReactor(plan: PassThroughPlan, random: Random): Reactor {
  let pendingUsd = 0;
  let scheduled = false;
  return {
    onInflow(record, at) {
      pendingUsd += toUsd(record.amount, record.currency);
      if (scheduled) return [];
      scheduled = true;
      const payoutAt = Math.floor((at + random.between(plan.delayHours[0], plan.delayHours[1]) * hourMs) / 1000) * 1000;
      return [
        {
          at: payoutAt,
          resolve: () => {
            const collectedUsd = pendingUsd;
            pendingUsd = 0;
            scheduled = false;
            return plan.payout(
              random,
              collectedUsd * random.between(plan.share[0], plan.share[1]),
              collectedUsd,
              payoutAt,
            );
          },
        },
      ];
    },
  };
}
