import { EngineError } from '../core/index.js';
import {
  type CapturedModelInputs,
  ocseTypology,
  type PayerModel,
  type PaymentRecord,
  payerModelTypology,
  type TrainingExample,
  type TrainingOptions,
  trainPayerModel,
} from '../payments/index.js';
import { type ScreeningOptions, type ScreeningResult, screenPayments } from './payment-screening.js';
import type { LabelLine } from './screening-evaluation.js';

/** The typology the payer model learns: a confirmed payer of live-streamed abuse (T1). */
const targetTypology = ocseTypology.livestreamPayer;
/** Decided cases of these typologies are T1 payers when confirmed (the rules' T1 and the model's). */
const learnedTypologies: ReadonlySet<string> = new Set([targetTypology, payerModelTypology]);

/**
 * An analyst's decision on an account, as a labels line: `confirmed` (a true positive) or
 * `dismissed`. `prevail payments train` reads these beside a scenario's labels.
 */
export interface DecisionLine {
  readonly account: string;
  readonly decision: 'confirmed' | 'dismissed';
}

/**
 * The training label of each account from labels lines: a scenario's (`simulate payments`: its
 * T1 offenders are 1, its legitimate accounts 0, accounts planted for another typology — victims,
 * facilitators, travellers — are left out: they are neither what the model looks for nor
 * legitimate) or analysts' decisions (`prevail cases decisions`: `confirmed` 1 when the case's
 * typology is T1 or the model's, or not given; a confirmed case of another typology is left out;
 * `dismissed` 0). A later line for the same account wins.
 *
 * @throws EngineError REQUEST_INVALID naming the first line that is neither.
 */
export function trainingLabels(lines: readonly unknown[]): Map<string, 0 | 1> {
  const labels = new Map<string, 0 | 1>();
  lines.forEach((line, index) => {
    const value = line as Partial<LabelLine & DecisionLine> | null;
    if (typeof value !== 'object' || value === null || typeof value.account !== 'string' || value.account === '') {
      throw new EngineError('REQUEST_INVALID', `labels line ${index + 1}: expected {"account": "…", …}`);
    }
    if (value.decision === 'confirmed' || value.decision === 'dismissed') {
      // A confirmed case of another typology (a sextortion victim, a mule) is not a T1 payer.
      const other = typeof value.typology === 'string' && !learnedTypologies.has(value.typology);
      if (value.decision === 'dismissed') labels.set(value.account, 0);
      else if (!other) labels.set(value.account, 1);
    } else if (value.typology === null) {
      labels.set(value.account, 0);
    } else if (typeof value.typology === 'string') {
      if (value.typology === targetTypology) labels.set(value.account, 1);
    } else {
      throw new EngineError(
        'REQUEST_INVALID',
        `labels line ${index + 1}: expected a scenario label {account, kind, typology} or a decision {account, decision: "confirmed" | "dismissed"}`,
      );
    }
  });
  return labels;
}

/** A screening that also captured the payer model's inputs of every labelled account. */
export interface CapturedScreening {
  readonly screening: ScreeningResult;
  readonly examples: readonly TrainingExample[];
}

/**
 * Screens `batches` (as `screenPayments` does) and keeps, for every payment the payer model
 * scores whose payer has a label, its inputs as a training example: one pass gives the rules'
 * alerts and the model's training set, from the same engine state.
 */
export async function screenCapturingModelInputs(
  batches: AsyncIterable<readonly PaymentRecord[]> | Iterable<readonly PaymentRecord[]>,
  labels: ReadonlyMap<string, 0 | 1>,
  options: Omit<ScreeningOptions, 'payerModel'> = {},
): Promise<CapturedScreening> {
  const examples: TrainingExample[] = [];
  const onInputs = (captured: CapturedModelInputs) => {
    const label = labels.get(captured.account);
    if (label === undefined) return;
    examples.push({ account: captured.account, features: captured.features, label, peerGroup: captured.peerGroup });
  };
  const screening = await screenPayments(batches, { ...options, payerModel: { onInputs } });
  return { screening, examples };
}

/**
 * Trains the payer model on a labelled payments file: one screening capturing its inputs, then
 * `trainPayerModel`. Inputs constant over the file (an indicator that cannot fire on it, such as
 * F16 on a file without birth dates) are dropped and listed in the model's training summary,
 * not refused. The peer-group features compare a payer with senders of the same origin,
 * corridor and age band: frequency, payee count, night share and amount dispersion.
 */
export async function trainPayerModelOnPayments(
  batches: AsyncIterable<readonly PaymentRecord[]> | Iterable<readonly PaymentRecord[]>,
  labels: ReadonlyMap<string, 0 | 1>,
  options: Omit<ScreeningOptions, 'payerModel'> & { readonly training?: TrainingOptions } = {},
): Promise<{ readonly model: PayerModel; readonly examples: number; readonly screening: ScreeningResult }> {
  const { training, ...screening } = options;
  const captured = await screenCapturingModelInputs(batches, labels, screening);
  const model = trainPayerModelOn(captured.examples, training);
  return { model, examples: captured.examples.length, screening: captured.screening };
}

/**
 * `trainPayerModel` with the screening's defaults, for examples already captured (the eval
 * bench pools several files' captures): the default peer features, and inputs constant over the
 * examples dropped and listed rather than refused. `training` overrides either.
 */
export function trainPayerModelOn(examples: readonly TrainingExample[], training?: TrainingOptions): PayerModel {
  return trainPayerModel(examples, { peerFeatures: defaultPeerFeatures, dropConstantFeatures: true, ...training });
}

/** The inputs compared within the payer's peer group by default (the four). */
export const defaultPeerFeatures: readonly string[] = [
  'ocse_f01_count_30d',
  'ocse_f01_payees_90d',
  'share_night_90d',
  'amount_spread_90d',
];
