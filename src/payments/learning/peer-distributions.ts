import { EngineError } from '../../core/index.js';
import type { PayerModelPeers } from './payer-model.js';
import { payerModelLimits } from './payer-model.js';
import { type WeightedValue, weightedQuantiles } from './peer-quantiles.js';
import type { AccountExamples } from './training-examples.js';

/** A sample being gathered: its values and the distinct accounts they came from. */
interface Gathering {
  readonly values: WeightedValue[];
  readonly accounts: Set<string>;
}

function gather(map: Map<string, Gathering>, key: string, account: string, values: readonly number[]): void {
  let entry = map.get(key);
  if (entry === undefined) {
    entry = { values: [], accounts: new Set() };
    map.set(key, entry);
  }
  entry.accounts.add(account);
  for (const value of values) entry.values.push({ value, weight: 1 / values.length });
}

/**
 * The peer distributions of a model: for each peer feature, its quantiles among cleared (label 0)
 * accounts overall and in each peer group with at least `minimumGroup` such accounts. An account
 * weighs 1 in each distribution it appears in, however many payments it made. Groups are stored
 * in name order, so the model's JSON does not depend on input order.
 * @throws EngineError MODEL_TRAINING_INSUFFICIENT when a peer feature has no value among cleared
 *   accounts; MODEL_INPUT_INVALID when more groups qualify than a model may hold.
 */
export function buildPeerDistributions(
  accounts: readonly AccountExamples[],
  peerFeatures: readonly string[],
  points: number,
  minimumGroup: number,
): PayerModelPeers {
  const global: Record<string, number[]> = {};
  const perGroup = new Map<string, Record<string, number[]>>();
  for (const feature of peerFeatures) {
    const all = new Map<string, Gathering>();
    const groups = new Map<string, Gathering>();
    for (const account of accounts) {
      if (account.label !== 0) continue;
      const everywhere: number[] = [];
      const inGroup = new Map<string, number[]>();
      for (const example of account.examples) {
        if (!Object.hasOwn(example.features, feature)) continue;
        const value = example.features[feature] as number;
        everywhere.push(value);
        if (example.peerGroup !== undefined) {
          const list = inGroup.get(example.peerGroup) ?? [];
          list.push(value);
          inGroup.set(example.peerGroup, list);
        }
      }
      if (everywhere.length > 0) gather(all, '', account.account, everywhere);
      for (const [group, values] of inGroup) gather(groups, group, account.account, values);
    }
    const overall = all.get('');
    if (overall === undefined)
      throw new EngineError(
        'MODEL_TRAINING_INSUFFICIENT',
        `peer feature '${feature}' has no value among cleared accounts`,
      );
    global[feature] = weightedQuantiles(overall.values, points);
    for (const [group, sample] of groups) {
      if (sample.accounts.size < minimumGroup) continue;
      const own = perGroup.get(group) ?? {};
      own[feature] = weightedQuantiles(sample.values, points);
      perGroup.set(group, own);
    }
  }
  if (perGroup.size > payerModelLimits.peerGroups)
    throw new EngineError(
      'MODEL_INPUT_INVALID',
      `${perGroup.size} peer groups qualify; a model holds at most ${payerModelLimits.peerGroups}`,
    );
  const groups = Object.fromEntries([...perGroup.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { points, minimumGroup, global, groups };
}
