import { ocseTypology, payerModelTypology } from '../payments/index.js';
import type { ScreeningAlert } from './payment-screening.js';
import type { LabelLine } from './screening-evaluation.js';

/** The typology the model stands beside: T1, the live-streamed abuse payer. */
const ruleTypology = ocseTypology.livestreamPayer;

/** One side of the comparison: T1 payers found and legitimate senders alerted. */
export interface ModelComparisonSide {
  /** Planted T1 payers alerted (by T1 for the rules, by the model's typology for the model). */
  readonly payersAlerted: number;
  readonly recall: number;
  /** Legitimate senders with an alert on this side (any rule typology for the rules). */
  readonly legitimateAlerted: number;
  readonly alertRate: number;
}

/**
 * The rule typologies and the learned payer model side by side on one screening (the model ran
 * in the same pass): what the rules give today, what the model gives, and what promoting the model
 * would give (rules or model). Legitimate senders are every paying account not planted.
 */
export interface ModelComparison {
  readonly plantedPayers: number;
  readonly legitimateSenders: number;
  readonly rules: ModelComparisonSide;
  readonly model: ModelComparisonSide;
  readonly rulesOrModel: ModelComparisonSide;
}

/** Compares the rules' T1 with the model's `ocse_model_payer` alerts on one screening's labels. */
export function compareModelWithRules(
  alerts: readonly ScreeningAlert[],
  labels: readonly LabelLine[],
  legitimateSenders: number,
): ModelComparison {
  const planted = new Set(labels.filter((label) => label.typology !== null).map((label) => label.account));
  const payers = new Set(labels.filter((label) => label.typology === ruleTypology).map((label) => label.account));
  const rulesT1 = new Set<string>();
  const rulesAny = new Set<string>();
  const model = new Set<string>();
  for (const alert of alerts) {
    if (alert.typology === payerModelTypology) model.add(alert.subject.id);
    else {
      rulesAny.add(alert.subject.id);
      if (alert.typology === ruleTypology) rulesT1.add(alert.subject.id);
    }
  }
  const side = (found: ReadonlySet<string>, alerting: ReadonlySet<string>): ModelComparisonSide => {
    let payersAlerted = 0;
    for (const payer of payers) if (found.has(payer)) payersAlerted++;
    let legitimateAlerted = 0;
    for (const account of alerting) if (!planted.has(account)) legitimateAlerted++;
    return {
      payersAlerted,
      recall: payers.size === 0 ? 0 : payersAlerted / payers.size,
      legitimateAlerted,
      alertRate: legitimateSenders === 0 ? 0 : legitimateAlerted / legitimateSenders,
    };
  };
  const either = new Set([...rulesT1, ...model]);
  return {
    plantedPayers: payers.size,
    legitimateSenders,
    rules: side(rulesT1, rulesAny),
    model: side(model, model),
    rulesOrModel: side(either, new Set([...rulesAny, ...model])),
  };
}
