import { defineTypologies, type TypologyDefinition } from '../../typologies/index.js';

/** The typology names (storage keys), from the note's section 4 (T1–T6). */
export const ocseTypology = {
  livestreamPayer: 'ocse_livestream_payer',
  facilitator: 'ocse_facilitator',
  travelToOffend: 'ocse_travel_to_offend',
  cryptoPurchase: 'ocse_crypto_purchase',
  sextortionVictim: 'sextortion_victim',
  sextortionMule: 'sextortion_mule',
} as const;

/**
 * T1–T6 as engine typologies. Each counts every indicator once (`distinct_rules`) within its
 * window and scores 0 until its required indicators have all fired, so no single indicator
 * alerts on its own where the note says so. Points are in the rules' configurations; the
 * thresholds below are the note's combinations expressed in those points:
 *
 * - T1 payer: F01 (10) + F02 (15) + F03 (15, declared or inferred from behaviour) required = 40;
 *   each booster 10 (F14 15, FIU keyword 20); M01 regular support −20; alert at 60 = the core and
 *   two boosters, the note's combination. Before M01 the pack alerted at 70, because at 60 people
 *   supporting a partner abroad with round "gift" payments alerted on 0.36–0.50 % of legitimate
 *   senders; regular support now lowers them instead (seeds 1–3 of `payments-eval`, every
 *   profile: 0–0.37 % of legitimate senders alerted by any typology).
 * - T2 facilitator: F13 (30) required; F15 or F14 (20) → alert at 50.
 * - T3 travel: F09 (40), which itself requires earlier F01 payments to the same corridor.
 * - T4 crypto: direct exposure (60) alerts alone; indirect (30) needs F08/F11 boosters.
 * - T5 sextortion victim: F16 (50) alerts; a protective workflow, not a report.
 * - T6 mule: F17 (50) alerts.
 *
 * An operator overrides any of them by declaring a typology of the same name in its policy.
 */
export const ocseTypologies: readonly TypologyDefinition[] = defineTypologies([
  {
    name: ocseTypology.livestreamPayer,
    description:
      'T1 live-streamed abuse, payer side: F01 ∧ F02 ∧ F03 (declared or inferred) and two boosters, less regular support',
    subject: 'payment_account',
    window: '90d',
    alert_threshold: 60,
    case_threshold: 90,
    case_priority: 'high',
    scoring: 'distinct_rules',
    required_rules: [
      'ocse_f01_small_corridor_payment',
      'ocse_f02_frequent_small_payments',
      'ocse_f03_no_apparent_link',
    ],
  },
  {
    name: ocseTypology.facilitator,
    description: 'T2 facilitator, receiver side: F13 fan-in with F15 receiver behaviour or F14 network',
    subject: 'payee_account',
    window: '90d',
    alert_threshold: 50,
    case_threshold: 70,
    case_priority: 'high',
    scoring: 'distinct_rules',
    required_rules: ['ocse_f13_many_unrelated_senders'],
  },
  {
    name: ocseTypology.travelToOffend,
    description: 'T3 travel to offend: F09 after F01 payments to the same corridor',
    subject: 'payment_account',
    window: '365d',
    alert_threshold: 40,
    case_threshold: 60,
    case_priority: 'high',
    scoring: 'distinct_rules',
    required_rules: ['ocse_f09_travel_pattern'],
  },
  {
    name: ocseTypology.cryptoPurchase,
    description: 'T4 crypto purchase of abuse material: direct exposure alone, indirect with boosters',
    subject: 'payment_account',
    window: '90d',
    alert_threshold: 60,
    case_threshold: 60,
    case_priority: 'urgent',
    scoring: 'distinct_rules',
    required_rules: ['ocse_f12_crypto_exposure'],
  },
  {
    name: ocseTypology.sextortionVictim,
    description: 'T5 sextortion victim: a payment burst to a new payee abroad (protective workflow)',
    subject: 'payment_account',
    window: '30d',
    alert_threshold: 50,
    case_threshold: 50,
    case_priority: 'urgent',
    scoring: 'distinct_rules',
    required_rules: ['sextortion_f16_victim_payment_burst'],
  },
  {
    name: ocseTypology.sextortionMule,
    description: 'T6 sextortion money mule: many young senders, money passed on within 48 hours',
    subject: 'payee_account',
    window: '30d',
    alert_threshold: 50,
    case_threshold: 70,
    case_priority: 'high',
    scoring: 'distinct_rules',
    required_rules: ['sextortion_f17_money_mule'],
  },
]);
