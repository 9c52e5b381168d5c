import { EngineError } from '../../core/index.js';
import type { PayerModel, PayerModelInput } from './payer-model.js';
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
export function peerDistribution(model: Pick<ScoringModel, 'peers'>, feature: string, peerGroup: string | undefined) {
  if (peerGroup !== undefined && Object.hasOwn(model.peers.groups, peerGroup)) {
    const own = model.peers.groups[peerGroup];
    if (own !== undefined && Object.hasOwn(own, feature)) return { quantiles: own[feature] ?? [], group: peerGroup };
  }
  return { quantiles: model.peers.global[feature] ?? [] };
}

/** A feature's value the model reads, refused when it is not a finite number. */
function checked(features: Readonly<Record<string, number>>, feature: string): number {
  const value = features[feature] as number;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new EngineError('MODEL_INPUT_INVALID', `feature '${feature}' is not a finite number: ${String(value)}`);
  return value;
}

/** One input's standardised value for `value`, and the percentile it went through for a peer input. */
function standardised(model: ScoringModel, input: PayerModelInput, value: number, peerGroup: string | undefined) {
  if (input.kind === 'value') return { x: (value - input.mean) / input.scale };
  const distribution = peerDistribution(model, input.feature, peerGroup);
  const rank = percentileRank(distribution.quantiles, value);
  return { x: (rank - input.mean) / input.scale, rank, group: distribution.group };
}

/**
 * The uncalibrated score of one event without its reasons (what ranking an account's events
 * needs): the same sum, in the same order, as `scorePayer`'s `score`, so the two agree exactly.
 */
function scoreOnly(model: ScoringModel, features: Readonly<Record<string, number>>, peerGroup?: string): number {
  let score = model.intercept;
  for (const input of model.inputs) {
    if (!Object.hasOwn(features, input.feature)) continue;
    score += input.weight * standardised(model, input, checked(features, input.feature), peerGroup).x;
  }
  return score;
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
  const byFeature = new Map<
    string,
    { value: number; contribution: number; peerPercentile?: number; peerGroup?: string }
  >();
  for (const input of model.inputs) {
    if (!Object.hasOwn(features, input.feature)) continue;
    const value = checked(features, input.feature);
    const { x, rank, group } = standardised(model, input, value, peerGroup);
    const contribution = input.weight * x;
    score += contribution;
    const entry = byFeature.get(input.feature) ?? { value, contribution: 0 };
    entry.contribution += contribution;
    if (rank !== undefined) entry.peerPercentile = rank;
    if (group !== undefined) entry.peerGroup = group;
    byFeature.set(input.feature, entry);
  }
  const contributions = [...byFeature.entries()]
    .map(([feature, entry]) => ({ feature, ...entry }))
    .sort(
      (a, b) =>
        Math.abs(b.contribution) - Math.abs(a.contribution) ||
        (a.feature < b.feature ? -1 : a.feature > b.feature ? 1 : 0),
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
  let best: ScoredEvent | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const event of events) {
    const score = scoreOnly(model, event.features, event.peerGroup);
    if (best === undefined || score > bestScore) {
      best = event;
      bestScore = score;
    }
  }
  return best === undefined ? undefined : scorePayer(model, best.features, best.peerGroup);
}
