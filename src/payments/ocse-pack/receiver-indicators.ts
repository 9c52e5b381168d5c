import { z } from 'zod';
import type { EngineEvent } from '../../events/index.js';
import type { BuiltinRule } from '../../rules/index.js';
import { defineIndicator } from './indicator-rule.js';
import { ocseFeature as f } from './ocse-features.js';
import { ocseTypology } from './ocse-typologies.js';
import type { PaymentFacts } from './payment-facts.js';

const points = z.number().positive().max(1000);
const count = z.number().int().min(1).max(10_000);
const share = z.number().min(0).max(1);
const dayMs = 86_400_000;

/** Labels the network indicators set and read (storage keys). */
export const ocseLabel = {
  /** Set by an analyst (or a filed report) on a payer confirmed or reported for OCSE. */
  confirmedPayer: 'ocse_confirmed_payer',
  /** A payee paid by a confirmed payer: its other payers are raised (F14). */
  networkPayee: 'ocse_network_payee',
  /** A payer who paid a receiver of a confirmed payer (set when the confirmation is made). */
  networkCoPayer: 'ocse_network_co_payer',
  /** A payee that meets F13 (fan-in): its payers get the F13-membership booster. */
  fanInPayee: 'ocse_fan_in_payee',
  /** A payer whose own payments show the T1 core (frequent, unexplained corridor payments). */
  suspectedPayer: 'ocse_suspected_payer',
} as const;

/**
 * The receiver-side and network indicators F13–F15 (`ocse-financial-indicators.md` §3B). They
 * score the payee account (T2 `ocse_facilitator`) and raise its payers (T1 boosters).
 */
export function receiverIndicators(facts: (event: EngineEvent) => PaymentFacts): BuiltinRule[] {
  const t1 = ocseTypology.livestreamPayer;
  const t2 = ocseTypology.facilitator;
  return [
    defineIndicator(
      {
        id: 'ocse_f13_many_unrelated_senders',
        version: 1,
        indicator: 'F13',
        description:
          'A possible private person receives small payments from many senders abroad, not known to be related',
        sources: ['AUSTRAC-CS', 'EUROPOL', 'AMLC', 'EGMONT-20'],
        configSchema: z.strictObject({
          senders_90d: count,
          sender_countries_90d: count,
          mean_usd_at_most: z.number().positive(),
          unrelated_share: share,
          label_days: count,
          points,
          payer_points: points,
        }),
        defaultConfig: {
          senders_90d: 5,
          sender_countries_90d: 2,
          mean_usd_at_most: 150,
          unrelated_share: 0.8,
          label_days: 180,
          points: 30,
          payer_points: 10,
        },
        check: ({ facts: value, feature }, config) => {
          if (!value.smallToPersonAbroad) return undefined;
          const senders = feature(f.payeeSmallSenders90d);
          if (senders < config.senders_90d) return undefined;
          const countries = feature(f.payeeSenderCountries90d);
          const unrelated = feature(f.payeeUnrelatedSenders90d);
          const known = feature(f.payeeKnownLinkSenders90d);
          const mean = feature(f.payeeSmallUsd90d) / Math.max(1, feature(f.payeeSmallCount90d));
          if (countries < config.sender_countries_90d || mean > config.mean_usd_at_most) return undefined;
          // The share is over the senders whose link is known: an undeclared link is unknown, not
          // "unrelated". When no sender's link is known the test cannot be made and is left out.
          if (known > 0 && unrelated / known < config.unrelated_share) return undefined;
          const links =
            known === 0
              ? 'no sender states a relationship'
              : `${unrelated} of ${known} senders with a known link declare no family link`;
          return `receiver got small payments from ${senders} senders in ${countries} countries in 90 days (mean USD ${mean.toFixed(0)}, ${links})`;
        },
        effects: (config, { facts: value }) => [
          { kind: 'typology', typology: t2, points: config.points },
          {
            kind: 'label',
            entity: 'payee_account',
            action: 'add',
            label: ocseLabel.fanInPayee,
            expiresAfterMs: config.label_days * dayMs,
          },
          ...(value.f01 ? [{ kind: 'typology' as const, typology: t1, points: config.payer_points }] : []),
        ],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f13_fan_in_payee_payment',
        version: 1,
        indicator: 'F13 membership',
        description: 'A corridor payment to a receiver that meets F13',
        sources: ['AUSTRAC-CS', 'EUROPOL'],
        configSchema: z.strictObject({ points }),
        defaultConfig: { points: 10 },
        check: ({ facts: value, context }) =>
          value.f01 && (context.labels?.payee_account ?? []).includes(ocseLabel.fanInPayee)
            ? 'paid a receiver who gets small payments from many unrelated senders abroad'
            : undefined,
        effects: (config) => [{ kind: 'typology', typology: t1, points: config.points }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f14_confirmed_payer_payee',
        version: 1,
        indicator: 'F14',
        description: 'A payee of a confirmed or reported payer: its other payers are raised for 180 days',
        sources: ['AUSTRAC-25'],
        configSchema: z.strictObject({ label_days: count, points }),
        defaultConfig: { label_days: 180, points: 20 },
        check: ({ context }) =>
          (context.labels?.payment_account ?? []).includes(ocseLabel.confirmedPayer)
            ? 'paid by a payer confirmed or reported for OCSE'
            : undefined,
        effects: (config) => [
          { kind: 'typology', typology: t2, points: config.points },
          {
            kind: 'label',
            entity: 'payee_account',
            action: 'add',
            label: ocseLabel.networkPayee,
            expiresAfterMs: config.label_days * dayMs,
          },
        ],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f14_shared_payee_network',
        version: 1,
        indicator: 'F14',
        description: 'Pays a receiver that a confirmed or reported payer also paid',
        sources: ['AUSTRAC-25'],
        configSchema: z.strictObject({ points }),
        defaultConfig: { points: 15 },
        check: ({ context }) =>
          (context.labels?.payee_account ?? []).includes(ocseLabel.networkPayee) ||
          (context.labels?.payment_account ?? []).includes(ocseLabel.networkCoPayer)
            ? 'shares a receiver with a payer confirmed or reported for OCSE'
            : undefined,
        effects: (config) => [{ kind: 'typology', typology: t1, points: config.points }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f14_suspected_payer',
        version: 1,
        indicator: 'F14',
        description:
          "Marks a payer whose corridor payments show the T1 core, so its receivers' other indicators are read in that light",
        sources: ['AUSTRAC-25', 'FINTRAC-20'],
        configSchema: z.strictObject({ count_30d: count, unrelated_share_90d: share, label_days: count }),
        defaultConfig: { count_30d: 4, unrelated_share_90d: 0.5, label_days: 90 },
        check: ({ facts: value, feature, context }, config) => {
          if (!value.f01 || !value.unrelated) return undefined;
          if ((context.labels?.payment_account ?? []).includes(ocseLabel.suspectedPayer)) return undefined;
          const recent = feature(f.f01Count30d);
          const total = feature(f.f01Count90d);
          if (recent < config.count_30d || feature(f.f01Unrelated90d) / total < config.unrelated_share_90d)
            return undefined;
          return `${recent} unexplained small corridor payments in 30 days`;
        },
        effects: (config) => [
          {
            kind: 'label',
            entity: 'payment_account',
            action: 'add',
            label: ocseLabel.suspectedPayer,
            expiresAfterMs: config.label_days * dayMs,
          },
        ],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f14_suspected_payer_payee',
        version: 1,
        indicator: 'F14',
        description: 'A receiver paid by a payer whose corridor payments show the T1 core',
        sources: ['AUSTRAC-25', 'EUROPOL'],
        configSchema: z.strictObject({ points }),
        defaultConfig: { points: 20 },
        check: ({ facts: value, context }) =>
          value.f01 && (context.labels?.payment_account ?? []).includes(ocseLabel.suspectedPayer)
            ? 'paid by a payer with frequent, unexplained small corridor payments'
            : undefined,
        effects: (config) => [{ kind: 'typology', typology: t2, points: config.points }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f15_receiver_cash_out',
        version: 1,
        indicator: 'F15',
        description: 'A receiver cashes out most of what came in within 24 hours',
        sources: ['AMLC', 'IJM-SoH'],
        configSchema: z.strictObject({ cash_out_share: share, minimum_received_usd: z.number().positive(), points }),
        defaultConfig: { cash_out_share: 0.8, minimum_received_usd: 100, points: 20 },
        check: ({ facts: value, feature }, config) => {
          if (!value.cashOut) return undefined;
          const received = feature(f.receivedUsd24h);
          const cashedOut = feature(f.cashOutUsd24h);
          if (received < config.minimum_received_usd || cashedOut < config.cash_out_share * received) return undefined;
          return `cashed out USD ${cashedOut.toFixed(0)} of USD ${received.toFixed(0)} received in 24 hours`;
        },
        effects: (config) => [{ kind: 'typology', typology: t2, points: config.points, subject: 'payment_account' }],
      },
      facts,
    ),
    defineIndicator(
      {
        id: 'ocse_f15_shared_pickup_document',
        version: 1,
        indicator: 'F15',
        description: 'One cash pick-up identity document collects for several beneficiary names',
        sources: ['AMLC'],
        configSchema: z.strictObject({ names_90d: count, points }),
        defaultConfig: { names_90d: 3, points: 20 },
        check: ({ feature, context }, config) => {
          if (context.event.entities.payee_document === undefined) return undefined;
          const names = feature(f.documentNames90d);
          return names >= config.names_90d
            ? `one pick-up document collected for ${names} beneficiary names in 90 days`
            : undefined;
        },
        effects: (config) => [{ kind: 'typology', typology: t2, points: config.points }],
      },
      facts,
    ),
  ];
}
