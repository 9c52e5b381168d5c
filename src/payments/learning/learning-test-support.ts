import type { TrainingExample } from './training-examples.js';

/** Test support for the learning tests (not part of the module): seeded synthetic payers. */

/** mulberry32: a tiny seeded generator, floats in [0, 1), the same on every run. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller). */
function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

export interface SyntheticOptions {
  readonly seed: number;
  readonly negatives: number;
  readonly positives: number;
  /** How far apart the two populations sit, in standard deviations of the cleared one. */
  readonly separation: number;
  /** Examples per account: 1 … this many (offenders get up to twice as many). */
  readonly maxEvents?: number;
  /** Share of examples where `amount_cv` is unknown. */
  readonly missingShare?: number;
}

const groups = ['GB>PH:adult', 'US>PH:adult', 'AU>PH:adult'] as const;

/**
 * Synthetic payers in three peer groups: `night_share` and `payees_90d` are higher for confirmed
 * payers by `separation` standard deviations, `amount_cv` a little, `noise` not at all. Plainly
 * fake accounts (`neg-7`, `pos-3`).
 */
export function syntheticExamples(options: SyntheticOptions): TrainingExample[] {
  const next = seeded(options.seed);
  const examples: TrainingExample[] = [];
  const maxEvents = options.maxEvents ?? 8;
  const add = (account: string, label: 0 | 1) => {
    const shift = label === 1 ? options.separation : 0;
    const night = 0.25 + 0.1 * (normal(next) + shift);
    const payees = 2 + 1 * (normal(next) + shift);
    const dispersion = 0.3 + 0.1 * (normal(next) + shift / 3);
    const peerGroup = groups[Math.floor(next() * groups.length)] as string;
    const events = 1 + Math.floor(next() * maxEvents * (label === 1 ? 2 : 1));
    for (let event = 0; event < events; event++) {
      const features: Record<string, number> = {
        night_share: clamp01(night + 0.03 * normal(next)),
        payees_90d: Math.max(0, Math.round(payees + 0.3 * normal(next))),
        noise: normal(next),
      };
      if (next() >= (options.missingShare ?? 0.2)) features.amount_cv = Math.max(0, dispersion + 0.02 * normal(next));
      examples.push({ account, features, label, peerGroup });
    }
  };
  for (let index = 0; index < options.negatives; index++) add(`neg-${index}`, 0);
  for (let index = 0; index < options.positives; index++) add(`pos-${index}`, 1);
  return examples;
}
