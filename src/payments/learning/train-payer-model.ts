import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import { fitLogistic } from './logistic-regression.js';
import {
  featureNamePattern,
  type PayerModel,
  type PayerModelInput,
  type PayerModelPeers,
  payerModelFormat,
  payerModelLimits,
  payerModelVersion,
} from './payer-model.js';
import { buildPeerDistributions } from './peer-distributions.js';
import { defaultQuantilePoints, percentileRank } from './peer-quantiles.js';
import { calibrate, fitPlatt } from './platt-calibration.js';
import { peerDistribution, scoreAccount } from './score-payer.js';
import { type AccountExamples, groupByAccount, type TrainingExample } from './training-examples.js';

/** How to train; every field has a default. */
export interface TrainingOptions {
  /** L2 penalty on the standardised weights (default 1; each account weighs 1). */
  readonly l2?: number;
  /** Most Newton steps (default 100; the fit usually converges in under 15). */
  readonly iterations?: number;
  /** Largest share of cleared (label 0) training accounts allowed to alert (default 0.0025). */
  readonly targetAlertRate?: number;
  /** Features also given as their percentile rank within the payer's peer group (`name@peer`). */
  readonly peerFeatures?: readonly string[];
  /** Peer groups with fewer cleared accounts than this use every cleared account's distribution (default 30). */
  readonly minimumPeerGroup?: number;
  /** Leave out features with one value throughout (listed in `training.droppedFeatures`) instead of refusing. */
  readonly dropConstantFeatures?: boolean;
  /** The training time recorded in the model (default now); fix it for a reproducible file. */
  readonly trainedAt?: Date;
}

/** The fewest accounts of each label training accepts. */
export const minimumTrainingAccounts = { positives: 5, negatives: 50 } as const;

const optionsSchema = z.strictObject({
  l2: z.number().positive().max(1e6).default(1),
  iterations: z.number().int().min(1).max(1000).default(100),
  targetAlertRate: z.number().gt(0).max(0.5).default(0.0025),
  peerFeatures: z
    .array(z.string().max(payerModelLimits.nameLength).regex(featureNamePattern, 'expected a feature name'))
    .max(payerModelLimits.inputs)
    .default([]),
  minimumPeerGroup: z.number().int().min(2).max(1_000_000).default(30),
  dropConstantFeatures: z.boolean().default(false),
  trainedAt: z.date().optional(),
});

/** The next double above a non-negative `value`. */
function nextUp(value: number): number {
  const bits = new BigInt64Array(Float64Array.of(value).buffer);
  bits[0] = (bits[0] as bigint) + 1n;
  return new Float64Array(bits.buffer)[0] as number;
}

/** Halfway between two probabilities `low < high`, or `high` when no double lies between them. */
function between(low: number, high: number): number {
  const middle = (low + high) / 2;
  return middle > low ? middle : high;
}

/**
 * The threshold: first the lowest at which at most `allowed` cleared accounts alert (above the
 * probability of the first cleared account that must stay below it), which alerts the most
 * confirmed accounts the target allows; then raised to just below the least likely of those
 * confirmed accounts, so no cleared account alerts that does not buy recall (on separable data,
 * none does). Each cut is halfway between neighbouring probabilities, so a threshold read back
 * from JSON alerts the same accounts, with a margin for unseen ones.
 */
function chooseThreshold(probabilities: readonly number[], labels: readonly (0 | 1)[], allowed: number): number {
  const cleared = probabilities.filter((_, index) => labels[index] === 0).sort((a, b) => b - a);
  const boundary = cleared[allowed] as number;
  let above = Number.POSITIVE_INFINITY;
  for (const probability of probabilities) if (probability > boundary && probability < above) above = probability;
  if (above === Number.POSITIVE_INFINITY) return Math.min(1, nextUp(boundary));
  const lowest = between(boundary, above);
  let weakest = Number.POSITIVE_INFINITY; // the least likely confirmed account the lowest threshold alerts
  probabilities.forEach((probability, index) => {
    if (labels[index] === 1 && probability >= lowest && probability < weakest) weakest = probability;
  });
  if (weakest === Number.POSITIVE_INFINITY) return lowest;
  let below = boundary; // the most likely account under the weakest alerted confirmed one
  for (const probability of probabilities) if (probability < weakest && probability > below) below = probability;
  return between(below, weakest);
}

/** The raw value of one input for one example, or undefined when its feature is unknown there. */
function inputValue(
  input: Pick<PayerModelInput, 'feature' | 'kind'>,
  example: TrainingExample,
  peers: PayerModelPeers,
): number | undefined {
  if (!Object.hasOwn(example.features, input.feature)) return undefined;
  const value = example.features[input.feature] as number;
  if (input.kind === 'value') return value;
  return percentileRank(peerDistribution({ peers }, input.feature, example.peerGroup).quantiles, value);
}

interface Standardised {
  readonly inputs: Omit<PayerModelInput, 'weight'>[];
  readonly dropped: string[];
}

/**
 * Each input's weighted mean and standard deviation over the examples where it is known (each
 * account weighing 1). A feature whose value, or peer percentile, never varies is refused, or
 * dropped with `dropConstantFeatures`.
 */
function standardise(
  accounts: readonly AccountExamples[],
  features: readonly string[],
  peerFeatures: ReadonlySet<string>,
  peers: PayerModelPeers,
  dropConstant: boolean,
): Standardised {
  const inputs: Omit<PayerModelInput, 'weight'>[] = [];
  const dropped: string[] = [];
  for (const feature of features) {
    const kinds: ('value' | 'peer')[] = peerFeatures.has(feature) ? ['value', 'peer'] : ['value'];
    const moments = kinds.map((kind) => {
      let total = 0;
      let sum = 0;
      let squares = 0;
      for (const account of accounts) {
        const weight = 1 / account.examples.length;
        for (const example of account.examples) {
          const x = inputValue({ feature, kind }, example, peers);
          if (x === undefined) continue;
          total += weight;
          sum += weight * x;
        }
      }
      const mean = sum / total;
      for (const account of accounts) {
        const weight = 1 / account.examples.length;
        for (const example of account.examples) {
          const x = inputValue({ feature, kind }, example, peers);
          if (x !== undefined) squares += weight * (x - mean) ** 2;
        }
      }
      return { kind, mean, scale: Math.sqrt(squares / total) };
    });
    const constant = moments.find((moment) => !(moment.scale > 1e-12 * Math.max(1, Math.abs(moment.mean))));
    if (constant !== undefined) {
      const name = constant.kind === 'peer' ? `${feature}@peer` : feature;
      if (!dropConstant)
        throw new EngineError(
          'MODEL_TRAINING_INSUFFICIENT',
          `feature '${name}' has one value (${constant.mean}) in every example that has it: it cannot be learnt from (leave it out, or pass dropConstantFeatures)`,
        );
      dropped.push(feature);
      continue;
    }
    for (const moment of moments)
      inputs.push({ name: moment.kind === 'peer' ? `${feature}@peer` : feature, feature, ...moment });
  }
  return { inputs, dropped };
}

function insufficient(message: string): never {
  throw new EngineError('MODEL_TRAINING_INSUFFICIENT', message);
}

/**
 * Trains a payer model from labelled payment events: L2-regularised logistic regression over the
 * standardised features (plus each peer feature's percentile rank within the payer's peer group),
 * every account weighing 1 in total so that an offender with 40 payments counts once; an account's
 * score is its highest event score; Platt scaling fitted on those account scores makes
 * `probability` an account-level calibrated probability; the threshold alerts at most
 * `targetAlertRate` of the cleared training accounts and, within that, as many confirmed ones as
 * possible (see `chooseThreshold`). Deterministic: the same examples and options (with
 * `trainedAt`) give the same model, byte for byte once serialised, whatever the interleaving of
 * accounts in `examples`.
 *
 * A feature absent from an example is unknown there: it takes the training mean and so adds
 * nothing to that example's score. Unknown is not evidence either way.
 * @throws EngineError MODEL_TRAINING_INSUFFICIENT with fewer than 5 confirmed or 50 cleared
 *   accounts, a constant feature, or a fit that does not rank confirmed accounts higher;
 *   MODEL_INPUT_INVALID for a malformed example (naming it and the feature); CONFIG_INVALID for
 *   bad options, or a peer feature no example has.
 */
export function trainPayerModel(examples: readonly TrainingExample[], options: TrainingOptions = {}): PayerModel {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success)
    throw new EngineError(
      'CONFIG_INVALID',
      `the training options are invalid: ${describeIssues(parsedOptions.error.issues, '(options)')}`,
    );
  const settings = parsedOptions.data;
  const accounts = groupByAccount(examples);
  const positives = accounts.filter((account) => account.label === 1).length;
  const negatives = accounts.length - positives;
  if (positives < minimumTrainingAccounts.positives || negatives < minimumTrainingAccounts.negatives)
    insufficient(
      `training needs at least ${minimumTrainingAccounts.positives} confirmed and ${minimumTrainingAccounts.negatives} cleared accounts, got ${positives} and ${negatives}`,
    );

  const featureSet = new Set<string>();
  for (const example of examples) for (const name of Object.keys(example.features)) featureSet.add(name);
  const features = [...featureSet].sort();
  const peerFeatures = [...new Set(settings.peerFeatures)].sort();
  for (const feature of peerFeatures)
    if (!featureSet.has(feature))
      throw new EngineError('CONFIG_INVALID', `peer feature '${feature}' is in no training example`);
  if (features.length + peerFeatures.length > payerModelLimits.inputs)
    throw new EngineError(
      'MODEL_INPUT_INVALID',
      `${features.length} features and ${peerFeatures.length} peer features: a model holds at most ${payerModelLimits.inputs} inputs`,
    );

  const allPeers = buildPeerDistributions(accounts, peerFeatures, defaultQuantilePoints, settings.minimumPeerGroup);
  const standardised = standardise(accounts, features, new Set(peerFeatures), allPeers, settings.dropConstantFeatures);
  if (standardised.inputs.length === 0) insufficient('every feature is constant: there is nothing to learn from');
  const kept = new Set(standardised.inputs.filter((input) => input.kind === 'peer').map((input) => input.feature));
  const peers: PayerModelPeers = {
    ...allPeers,
    global: Object.fromEntries(Object.entries(allPeers.global).filter(([feature]) => kept.has(feature))),
    groups: Object.fromEntries(
      Object.entries(allPeers.groups)
        .map(([group, own]) => [
          group,
          Object.fromEntries(Object.entries(own).filter(([feature]) => kept.has(feature))),
        ])
        .filter(([, own]) => Object.keys(own as object).length > 0),
    ),
  };

  const rows: Float64Array[] = [];
  const labels: (0 | 1)[] = [];
  const sampleWeights: number[] = [];
  for (const account of accounts) {
    for (const example of account.examples) {
      const row = new Float64Array(standardised.inputs.length);
      standardised.inputs.forEach((input, column) => {
        const x = inputValue(input, example, peers);
        row[column] = x === undefined ? 0 : (x - input.mean) / input.scale;
      });
      rows.push(row);
      labels.push(account.label);
      sampleWeights.push(1 / account.examples.length);
    }
  }
  const fit = fitLogistic({
    rows,
    columns: standardised.inputs.length,
    labels,
    sampleWeights,
    l2: settings.l2,
    maxIterations: settings.iterations,
    startIntercept: Math.log(positives / negatives),
  });
  const inputs: PayerModelInput[] = standardised.inputs.map((input, column) => ({
    ...input,
    weight: fit.weights[column] ?? 0,
  }));

  const draft = {
    format: payerModelFormat,
    version: payerModelVersion,
    inputs,
    intercept: fit.intercept,
    calibration: { slope: 1, intercept: 0 },
    threshold: 1,
    peers,
  } as const;
  const accountLabels = accounts.map((account) => account.label);
  const accountScores = accounts.map((account) => scoreAccount(draft, account.examples)?.score ?? 0);
  const calibration = fitPlatt(accountScores, accountLabels);
  if (!(calibration.slope > 0 && Number.isFinite(calibration.intercept)))
    insufficient('the fitted model does not rank confirmed accounts above cleared ones: nothing to calibrate');
  const probabilities = accountScores.map((score) => calibrate(calibration, score));
  const allowed = Math.floor(settings.targetAlertRate * negatives + 1e-9);
  const threshold = chooseThreshold(probabilities, accountLabels, allowed);
  const alertedPositives = probabilities.filter((p, index) => p >= threshold && accountLabels[index] === 1).length;
  const alertedNegatives = probabilities.filter((p, index) => p >= threshold && accountLabels[index] === 0).length;

  return {
    ...draft,
    calibration,
    threshold,
    training: {
      trainedAt: (settings.trainedAt ?? new Date()).toISOString(),
      examples: examples.length,
      accounts: accounts.length,
      positives,
      negatives,
      features: features.filter((feature) => !standardised.dropped.includes(feature)),
      peerFeatures: [...kept],
      droppedFeatures: standardised.dropped,
      l2: settings.l2,
      iterations: fit.iterations,
      converged: fit.converged,
      targetAlertRate: settings.targetAlertRate,
      alertedPositives,
      alertedNegatives,
      recall: alertedPositives / positives,
      alertRate: alertedNegatives / negatives,
    },
  };
}
