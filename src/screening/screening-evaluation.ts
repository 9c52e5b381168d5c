import type { ScreeningAlert } from './payment-screening.js';

/** One planted (or legitimate) account of a scenario's labels file. */
export interface LabelLine {
  readonly account: string;
  /** `offender`, `facilitator`, … or `legitimate`. */
  readonly kind: string;
  /** The typology the account was planted for; null for legitimate accounts. */
  readonly typology: string | null;
  /** For legitimate accounts: the behaviour that makes them look alike (`night_shift_family`…). */
  readonly persona?: string;
}

/** Precision, recall and alert rate of one typology. */
export interface TypologyFigures {
  readonly typology: string;
  /** Accounts planted for this typology. */
  readonly planted: number;
  /** Distinct subjects it alerted on. */
  readonly alerted: number;
  /** Alerted subjects planted for this typology. */
  readonly truePositives: number;
  /** Alerted subjects planted for another typology (bad, but not this pattern). */
  readonly otherPlanted: number;
  /** Alerted subjects that are legitimate. */
  readonly falsePositives: number;
  /** truePositives / alerted; null without alerts. */
  readonly precision: number | null;
  /** truePositives / planted; null when nothing was planted. */
  readonly recall: number | null;
  /** falsePositives / legitimate senders. */
  readonly alertRate: number;
}

/** Recall of one planted kind: the share of its accounts with at least one alert, any typology. */
export interface KindRecall {
  readonly kind: string;
  readonly planted: number;
  readonly alerted: number;
  readonly recall: number;
}

export interface ScreeningEvaluation {
  readonly typologies: readonly TypologyFigures[];
  readonly kinds: readonly KindRecall[];
  /** Legitimate sending accounts (the alert-rate denominator). */
  readonly legitimateSenders: number;
  /** Legitimate accounts with any alert. */
  readonly legitimateAlerted: number;
  /** legitimateAlerted / legitimateSenders. */
  readonly alertRate: number;
  /** Legitimate alerted accounts by persona (`unlabelled` when the labels give none). */
  readonly falsePositivesByPersona: Readonly<Record<string, number>>;
}

/**
 * Scores a screening against a scenario's labels. An account not labelled as planted is
 * legitimate. `legitimateSenders` is the number of legitimate sending accounts in the scenario
 * (from the payments, or the labels' legitimate lines).
 */
export function evaluateScreening(
  alerts: readonly ScreeningAlert[],
  labels: readonly LabelLine[],
  legitimateSenders: number,
): ScreeningEvaluation {
  const planted = new Map<string, LabelLine>();
  const personas = new Map<string, string>();
  for (const label of labels) {
    if (label.kind === 'legitimate' || label.typology === null) {
      if (label.persona !== undefined) personas.set(label.account, label.persona);
    } else {
      planted.set(label.account, label);
    }
  }
  const byTypology = new Map<string, Set<string>>();
  const alertedAccounts = new Set<string>();
  for (const alert of alerts) {
    const subjects = byTypology.get(alert.typology) ?? new Set<string>();
    subjects.add(alert.subject.id);
    byTypology.set(alert.typology, subjects);
    alertedAccounts.add(alert.subject.id);
  }
  const typologyNames = new Set([
    ...byTypology.keys(),
    ...[...planted.values()].map((label) => label.typology as string),
  ]);
  const typologies = [...typologyNames].sort().map((typology): TypologyFigures => {
    const subjects = byTypology.get(typology) ?? new Set<string>();
    const plantedCount = [...planted.values()].filter((label) => label.typology === typology).length;
    let truePositives = 0;
    let otherPlanted = 0;
    for (const subject of subjects) {
      const label = planted.get(subject);
      if (label === undefined) continue;
      if (label.typology === typology) truePositives += 1;
      else otherPlanted += 1;
    }
    const falsePositives = subjects.size - truePositives - otherPlanted;
    return {
      typology,
      planted: plantedCount,
      alerted: subjects.size,
      truePositives,
      otherPlanted,
      falsePositives,
      precision: subjects.size === 0 ? null : truePositives / subjects.size,
      recall: plantedCount === 0 ? null : truePositives / plantedCount,
      alertRate: legitimateSenders === 0 ? 0 : falsePositives / legitimateSenders,
    };
  });
  const kindNames = [...new Set([...planted.values()].map((label) => label.kind))].sort();
  const kinds = kindNames.map((kind): KindRecall => {
    const accounts = [...planted.values()].filter((label) => label.kind === kind);
    const alerted = accounts.filter((label) => alertedAccounts.has(label.account)).length;
    return { kind, planted: accounts.length, alerted, recall: accounts.length === 0 ? 0 : alerted / accounts.length };
  });
  const falsePositivesByPersona: Record<string, number> = {};
  let legitimateAlerted = 0;
  for (const account of alertedAccounts) {
    if (planted.has(account)) continue;
    legitimateAlerted += 1;
    const persona = personas.get(account) ?? 'unlabelled';
    falsePositivesByPersona[persona] = (falsePositivesByPersona[persona] ?? 0) + 1;
  }
  return {
    typologies,
    kinds,
    legitimateSenders,
    legitimateAlerted,
    alertRate: legitimateSenders === 0 ? 0 : legitimateAlerted / legitimateSenders,
    falsePositivesByPersona,
  };
}
