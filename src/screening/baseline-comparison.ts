import type { ScreeningAlert } from './payment-screening.js';
import { evaluateScreening, type LabelLine, type ScreeningEvaluation } from './screening-evaluation.js';

/** One planted typology, Prevail beside the baseline. */
export interface BaselineComparisonRow {
  readonly typology: string;
  readonly planted: number;
  /** Share of the planted accounts Prevail alerted for this typology. */
  readonly prevailRecall: number;
  /** Share of the planted accounts with any Prevail alert (another typology counts). */
  readonly prevailAnyAlertRecall: number;
  /** Share of the planted accounts the baseline alerted (it has one kind of alert). */
  readonly baselineRecall: number;
}

/** The legitimate senders each screen alerted. */
export interface LegitimateAlertFigures {
  readonly alerted: number;
  /** alerted / legitimate senders. */
  readonly rate: number;
}

/** Prevail and a baseline on the same file and labels: the table every figure is shown in. */
export interface BaselineComparison {
  /** The baseline's name, e.g. `naive`. */
  readonly baseline: string;
  readonly rows: readonly BaselineComparisonRow[];
  readonly legitimateSenders: number;
  readonly prevail: LegitimateAlertFigures;
  readonly baselineLegitimate: LegitimateAlertFigures;
  /** The baseline's own evaluation (its false positives by persona…). */
  readonly baselineEvaluation: ScreeningEvaluation;
}

/**
 * Compares Prevail's alerts with a baseline's on the same labels: per planted typology, the
 * recall of each (Prevail's for the typology itself and with any alert; the baseline's with its
 * one alert kind), and the share of legitimate senders each alerted. `legitimateSenders` is the
 * alert-rate denominator, as in `evaluateScreening`.
 */
export function compareWithBaseline(
  baseline: string,
  prevailAlerts: readonly ScreeningAlert[],
  baselineAlerts: readonly ScreeningAlert[],
  labels: readonly LabelLine[],
  legitimateSenders: number,
): BaselineComparison {
  const prevail = evaluateScreening(prevailAlerts, labels, legitimateSenders);
  const baselineEvaluation = evaluateScreening(baselineAlerts, labels, legitimateSenders);
  const prevailAlerted = new Set(prevailAlerts.map((alert) => alert.subject.id));
  const baselineAlerted = new Set(baselineAlerts.map((alert) => alert.subject.id));
  const plantedBy = new Map<string, string[]>();
  for (const label of labels) {
    if (label.typology === null || label.kind === 'legitimate') continue;
    const accounts = plantedBy.get(label.typology) ?? [];
    accounts.push(label.account);
    plantedBy.set(label.typology, accounts);
  }
  const share = (accounts: readonly string[], alerted: ReadonlySet<string>) =>
    accounts.length === 0 ? 0 : accounts.filter((account) => alerted.has(account)).length / accounts.length;
  const rows = [...plantedBy.keys()].sort().map((typology): BaselineComparisonRow => {
    const accounts = plantedBy.get(typology) ?? [];
    return {
      typology,
      planted: accounts.length,
      prevailRecall: prevail.typologies.find((figures) => figures.typology === typology)?.recall ?? 0,
      prevailAnyAlertRecall: share(accounts, prevailAlerted),
      baselineRecall: share(accounts, baselineAlerted),
    };
  });
  return {
    baseline,
    rows,
    legitimateSenders,
    prevail: { alerted: prevail.legitimateAlerted, rate: prevail.alertRate },
    baselineLegitimate: { alerted: baselineEvaluation.legitimateAlerted, rate: baselineEvaluation.alertRate },
    baselineEvaluation,
  };
}
