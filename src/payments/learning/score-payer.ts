import { EngineError } from '../../core/index.js';
import type { PayerModel } from './payer-model.js';
import { percentileRank } from './peer-quantiles.js';
import { calibrate } from './platt-calibration.js';

/** One feature's share of a score, in log-odds of the uncalibrated score. */
export interface PayerContribution {
  readonly feature: string;
  /** The value scored. */
  readonly value: number;
  /** Its contribution: the value's input plus, for a peer feature, its percentile's input. */
  readonly contribution: number;
  /** For a peer feature: the value's percentile rank (0–1) among cleared payers of its peer group. */
  readonly peerPercentile?: number;
  /** The peer group whose distribution gave `peerPercentile`; absent when it was all payers'. */
  readonly peerGroup?: string;
}

/** A payer's score under a model. */
export interface PayerScore {
  /** The calibrated probability that the account is confirmed. */
  readonly probability: number;
  /** `probability >= model.threshold`. */
  readonly alert: boolean;
  /** The uncalibrated score (log-odds scale): the intercept plus every contribution. */
  readonly score: number;
  /** The features given, by |contribution|, largest first (then by name). */
  readonly contributions: readonly PayerContribution[];
}

/** What one payment event of an account carries for scoring. */
export interface ScoredEvent {
  readonly features: Readonly<Record<string, number>>;
  readonly peerGroup?: string;
}

/** What scoring reads of a model: all but its training summary. */
export type ScoringModel = Omit<PayerModel, 'training'>;

/** The quantiles a peer feature is read against: the group's own, else every cleared payer's. */
function peerDistribution(model: ScoringModel, feature: string, peerGroup: string | undefined) {
  if (peerGroup !== undefined && Object.hasOwn(model.peers.groups, peerGroup)) {
    const own = model.peers.groups[peerGroup];
    if (own !== undefined && Object.hasOwn(own, feature)) return { quantiles: own[feature] ?? [], group: peerGroup };
  }
  return { quantiles: model.peers.global[feature] ?? [] };
}

/**
 * Scores one payment event's features (a payer's state at that payment). A feature the model
 * reads that is absent from `features` is unknown and contributes 0 (it is taken at its training
 * mean): unknown is unknown, never evidence either way. Features the model does not read are
 * ignored. A peer feature is also read as its percentile rank within `peerGroup`'s distribution
 * (all cleared payers' when the group is absent or was too small in training).
 * @throws EngineError MODEL_INPUT_INVALID when a feature the model reads is not a finite number.
 */
export function scorePayer(
  model: ScoringModel,
  features: Readonly<Record<string, number>>,
  peerGroup?: string,
): PayerScore {
  let score = model.intercept;
  const byFeature = new Map<string, { value: number; contribution: number; peerPercentile?: number; peerGroup?: string }>();
  for (const input of model.inputs) {
    if (!Object.hasOwn(features, input.feature)) continue;
    const value = features[input.feature] as number;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new EngineError('MODEL_INPUT_INVALID', `feature '${input.feature}' is not a finite number: ${String(value)}`);
    const entry = byFeature.get(input.feature) ?? { value, contribution: 0 };
    let x = value;
    if (input.kind === 'peer') {
      const distribution = peerDistribution(model, input.feature, peerGroup);
      x = percentileRank(distribution.quantiles, value);
      entry.peerPercentile = x;
      if (distribution.group !== undefined) entry.peerGroup = distribution.group;
    }
    const contribution = (input.weight * (x - input.mean)) / input.scale;
    entry.contribution += contribution;
    score += contribution;
    byFeature.set(input.feature, entry);
  }
  const contributions = [...byFeature.entries()]
    .map(([feature, entry]) => ({ feature, ...entry }))
    .sort(
      (a, b) =>
        Math.abs(b.contribution) - Math.abs(a.contribution) || (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
    );
  const probability = calibrate(model.calibration, score);
  return { probability, alert: probability >= model.threshold, score, contributions };
}

/**
 * Scores an account from its payment events: the account's score is its highest-scoring event's
 * (the moment it looked most like a confirmed payer), whose contributions are its reasons.
 * Calibration is increasing, so this is also the event with the highest probability. Returns
 * undefined for no events.
 * @throws EngineError MODEL_INPUT_INVALID as `scorePayer`.
 */
export function scoreAccount(model: ScoringModel, events: readonly ScoredEvent[]): PayerScore | undefined {
  let best: PayerScore | undefined;
  for (const event of events) {
    const scored = scorePayer(model, event.features, event.peerGroup);
    if (best === undefined || scored.score > best.score) best = scored;
  }
  return best;
}
