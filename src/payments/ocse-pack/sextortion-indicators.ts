import { z } from 'zod';
import type { EngineEvent } from '../../events/index.js';
import type { BuiltinRule } from '../../rules/index.js';
import { defineIndicator } from './indicator-rule.js';
import { ocseFeature as f } from './ocse-features.js';
import { ocseTypology } from './ocse-typologies.js';
import type { PaymentFacts } from './payment-facts.js';

const points = z.number().positive().max(1000);
const count = z.number().int().min(1).max(10_000);
const dayMs = 86_400_000;

/**
 * Financially motivated sextortion, F16 (victim) and F17 (money mule), from
 * `ocse-financial-indicators.md` §3C. F16 asks for protective outreach, not only a report.
 */
export function sextortionIndicators(facts: (event: EngineEvent) => PaymentFacts): BuiltinRule[] {
  return [
    defineIndicator(
      {
        id: 'sextortion_f16_victim_payment_burst',
        version: 1,
        indicator: 'F16',
        description: 'A young payer suddenly sends several payments to a new payee, or abroad to new payees',
        sources: ['FinCEN-25', 'FATF-25'],
        configSchema: z.strictObject({
          payments_48h: count,
          new_payee_days: count,
          first_payment_below_usd: z.number().positive(),
          minimum_total_usd: z.number().nonnegative(),
          baseline_multiple: z.number().min(1),
          points,
        }),
        defaultConfig: {
          payments_48h: 3,
          new_payee_days: 14,
          first_payment_below_usd: 270,
          minimum_total_usd: 100,
          baseline_multiple: 3,
          points: 50,
        },
        check: ({ facts: value, feature, featureOrNull, context }, config) => {
          if (!value.youngVictimPayment) return undefined;
          const recent = (time: number | null) =>
            time !== null && time >= context.event.timeMs - config.new_payee_days * dayMs;
          const toThisPayee = feature(f.relationshipVictimCount48h);
          const abroad = feature(f.youngAbroadCount48h);
          const burstToNewPayee = toThisPayee >= config.payments_48h && recent(featureOrNull(f.relationshipFirstSeen));
          const burstAbroad =
            value.youngVictimPaymentAbroad && abroad >= config.payments_48h && recent(featureOrNull(f.payeeFirstSeen));
          if (!burstToNewPayee && !burstAbroad) return undefined;
          const smallest = featureOrNull(f.youngVictimMinUsd48h);
          if (smallest === null || smallest >= config.first_payment_below_usd) return undefined;
          const burstUsd = feature(f.youngVictimUsd48h);
          if (burstUsd < config.minimum_total_usd) return undefined;
          const weeklyBaseline = Math.max(0, feature(f.spendUsd90d) - burstUsd) / (90 / 7);
          if (burstUsd < config.baseline_multiple * weeklyBaseline) return undefined;
          const channel = value.channel ?? 'a channel the message does not state';
          const count = burstToNewPayee ? toThisPayee : abroad;
          const where = burstToNewPayee ? 'to a payee they had never paid before' : 'abroad to a new payee';
          return `payer aged ${value.payerAge} sent ${count} payments (USD ${burstUsd.toFixed(0)}) in 48 hours ${where} by ${channel}${value.night ? ', at night' : ''}`;
        },
        effects: (config) => [{ kind: 'typology', typology: ocseTypology.sextortionVictim, points: config.points }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'sextortion_f17_money_mule',
        version: 1,
        indicator: 'F17',
        description:
          'An account receives from many young payers and passes the money abroad or into crypto within 48 hours',
        sources: ['FinCEN-25'],
        configSchema: z.strictObject({ young_senders_7d: count, pass_through_share: z.number().min(0).max(1), points }),
        defaultConfig: { young_senders_7d: 5, pass_through_share: 0.8, points: 50 },
        check: ({ facts: value, feature }, config) => {
          if (!value.crossBorder && value.channel !== 'crypto') return undefined;
          const senders = feature(f.youngSenders7d);
          if (senders < config.young_senders_7d) return undefined;
          const received = feature(f.receivedUsd48h);
          const passed = feature(f.outflowAbroadUsd48h);
          if (received <= 0 || passed < config.pass_through_share * received) return undefined;
          return `received from ${senders} young payers in 7 days and passed USD ${passed.toFixed(0)} of USD ${received.toFixed(0)} abroad or into crypto within 48 hours`;
        },
        effects: (config) => [
          {
            kind: 'typology',
            typology: ocseTypology.sextortionMule,
            points: config.points,
            subject: 'payment_account',
          },
        ],
      },
      facts,
    ),
  ];
}
