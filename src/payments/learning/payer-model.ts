import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';

/** The `format` every payer model file carries. */
export const payerModelFormat = 'prevail-payer-model';
/** The model file version this code reads and writes; bumped when the meaning of a field changes. */
export const payerModelVersion = 1;

/**
 * Bounds on a model (and so on training): far above what the OCSE pack's features need, low
 * enough that a hostile model file cannot make scoring slow or memory-hungry.
 */
export const payerModelLimits = {
  /** Inputs (features and their peer percentiles). */
  inputs: 512,
  /** Characters in a feature or peer-group name. */
  nameLength: 120,
  /** Peer groups with their own distributions. */
  peerGroups: 10_000,
  /** Quantiles per stored distribution. */
  quantilePoints: 101,
} as const;

/** Feature names: printable, no whitespace, no `@` (reserved for the `@peer` inputs). */
export const featureNamePattern = /^[^\s@\p{C}]+$/u;
/** Peer-group names: printable (spaces allowed), e.g. `GB>PH:adult`. */
export const peerGroupPattern = /^[^\p{C}]+$/u;

/**
 * One input of the linear model: a feature's standardised value (`kind: 'value'`, named as the
 * feature) or its percentile rank within the payer's peer group (`kind: 'peer'`, named
 * `${feature}@peer`). Its contribution to the score is `weight × (x − mean) / scale`; an
 * unknown value is taken as `mean`, so it contributes 0.
 */
export interface PayerModelInput {
  readonly name: string;
  readonly feature: string;
  readonly kind: 'value' | 'peer';
  readonly mean: number;
  readonly scale: number;
  readonly weight: number;
}

/**
 * Peer distributions: per peer feature, `points` quantiles of its value among cleared (label 0)
 * training accounts, overall (`global`) and per peer group that had at least `minimumGroup` such
 * accounts (`groups[group][feature]`). A group or feature absent here is read against `global`.
 */
export interface PayerModelPeers {
  readonly points: number;
  readonly minimumGroup: number;
  readonly global: Readonly<Record<string, readonly number[]>>;
  readonly groups: Readonly<Record<string, Readonly<Record<string, readonly number[]>>>>;
}

/** What training saw and what the threshold does on the training accounts. */
export interface PayerModelTraining {
  /** ISO 8601 time of training. */
  readonly trainedAt: string;
  readonly examples: number;
  readonly accounts: number;
  /** Confirmed (label 1) and cleared (label 0) accounts. */
  readonly positives: number;
  readonly negatives: number;
  /** The raw features, sorted; peer features also have an `@peer` input. */
  readonly features: readonly string[];
  readonly peerFeatures: readonly string[];
  /** Features left out because they had one value throughout (`dropConstantFeatures`). */
  readonly droppedFeatures: readonly string[];
  readonly l2: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly targetAlertRate: number;
  /** Training accounts at or above the threshold. */
  readonly alertedPositives: number;
  readonly alertedNegatives: number;
  /** alertedPositives / positives and alertedNegatives / negatives. */
  readonly recall: number;
  readonly alertRate: number;
}

/**
 * A trained payer model: plain JSON (write it with `JSON.stringify`, read it back with
 * `parsePayerModel`). The score of one payment event is `intercept + Σ contributions`; an
 * account's score is the largest over its events, and `probability = σ(calibration.slope ×
 * score + calibration.intercept)` is the calibrated probability that the account is confirmed.
 * The account alerts when `probability ≥ threshold`.
 */
export interface PayerModel {
  readonly format: typeof payerModelFormat;
  readonly version: typeof payerModelVersion;
  readonly inputs: readonly PayerModelInput[];
  readonly intercept: number;
  readonly calibration: { readonly slope: number; readonly intercept: number };
  readonly threshold: number;
  readonly peers: PayerModelPeers;
  readonly training: PayerModelTraining;
}

const featureName = z.string().max(payerModelLimits.nameLength).regex(featureNamePattern, 'expected a feature name');
const groupName = z.string().max(payerModelLimits.nameLength).regex(peerGroupPattern, 'expected a peer-group name');
const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(1);
const quantiles = z
  .array(z.number())
  .min(2)
  .max(payerModelLimits.quantilePoints)
  .refine((values) => values.every((value, index) => index === 0 || value >= (values[index - 1] as number)), {
    message: 'quantiles must not decrease',
  });

const inputSchema = z.strictObject({
  name: z.string().max(payerModelLimits.nameLength + 5),
  feature: featureName,
  kind: z.enum(['value', 'peer']),
  mean: z.number(),
  scale: z.number().positive(),
  weight: z.number(),
});

const payerModelSchema = z
  .strictObject({
    format: z.literal(payerModelFormat),
    version: z.literal(payerModelVersion),
    inputs: z.array(inputSchema).max(payerModelLimits.inputs),
    intercept: z.number(),
    calibration: z.strictObject({ slope: z.number().positive(), intercept: z.number() }),
    threshold: rate,
    peers: z.strictObject({
      points: z.number().int().min(2).max(payerModelLimits.quantilePoints),
      minimumGroup: z.number().int().min(1),
      global: z.record(featureName, quantiles),
      groups: z.record(groupName, z.record(featureName, quantiles)),
    }),
    training: z.strictObject({
      trainedAt: z.iso.datetime(),
      examples: count,
      accounts: count,
      positives: count,
      negatives: count,
      features: z.array(featureName).max(payerModelLimits.inputs),
      peerFeatures: z.array(featureName).max(payerModelLimits.inputs),
      droppedFeatures: z.array(featureName).max(payerModelLimits.inputs),
      l2: z.number().nonnegative(),
      iterations: count,
      converged: z.boolean(),
      targetAlertRate: rate,
      alertedPositives: count,
      alertedNegatives: count,
      recall: rate,
      alertRate: rate,
    }),
  })
  .superRefine((model, context) => {
    const issue = (path: PropertyKey[], message: string) => context.addIssue({ code: 'custom', path, message });
    const names = new Set<string>();
    model.inputs.forEach((input, index) => {
      const expected = input.kind === 'peer' ? `${input.feature}@peer` : input.feature;
      if (input.name !== expected) issue(['inputs', index, 'name'], `expected '${expected}'`);
      if (names.has(input.name)) issue(['inputs', index, 'name'], `'${input.name}' appears twice`);
      names.add(input.name);
      if (input.kind === 'peer' && model.peers.global[input.feature] === undefined)
        issue(['peers', 'global'], `no distribution for peer input '${input.name}'`);
    });
    const peerInputs = new Set(model.inputs.filter((input) => input.kind === 'peer').map((input) => input.feature));
    const points = model.peers.points;
    for (const [feature, values] of Object.entries(model.peers.global)) {
      if (!peerInputs.has(feature)) issue(['peers', 'global', feature], 'no peer input reads this distribution');
      if (values.length !== points)
        issue(['peers', 'global', feature], `expected ${points} quantiles, got ${values.length}`);
    }
    const groups = Object.entries(model.peers.groups);
    if (groups.length > payerModelLimits.peerGroups)
      issue(['peers', 'groups'], `at most ${payerModelLimits.peerGroups} peer groups, got ${groups.length}`);
    for (const [group, features] of groups.slice(0, payerModelLimits.peerGroups)) {
      for (const [feature, values] of Object.entries(features)) {
        if (!peerInputs.has(feature))
          issue(['peers', 'groups', group, feature], 'no peer input reads this distribution');
        if (values.length !== points)
          issue(['peers', 'groups', group, feature], `expected ${points} quantiles, got ${values.length}`);
      }
    }
  });

/**
 * Reads a payer model from parsed JSON, refusing anything this version did not write: another
 * format or version, a number that is not finite, a missing or extra field, inputs that do not
 * match their peer distributions, quantile lists of the wrong length or decreasing, names that
 * are overlong or hold control characters, more inputs or groups than `payerModelLimits`. Read a
 * file with its size and depth bounded first (`parseJsonWithin`); nothing here walks deeper than
 * the model's own shape.
 * @throws EngineError CONFIG_INVALID naming the path of each problem, e.g. `inputs.3.scale: …`.
 */
export function parsePayerModel(json: unknown): PayerModel {
  const parsed = payerModelSchema.safeParse(json);
  if (!parsed.success) {
    // A hostile file's keys can be megabytes long, and zod quotes unknown keys: each path segment
    // and each message is cut short.
    const short = (text: string, length: number) => (text.length > length ? `${text.slice(0, length)}…` : text);
    const issues = parsed.error.issues.slice(0, 10).map((issue) => ({
      message: short(issue.message, 160),
      path: issue.path.map((segment) => short(String(segment), 40)),
    }));
    throw new EngineError('CONFIG_INVALID', `the payer model is invalid: ${describeIssues(issues, '(model)')}`);
  }
  const model: PayerModel = parsed.data;
  return model;
}
