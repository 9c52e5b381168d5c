import type { z } from 'zod';
import type { EngineEvent } from '../../events/index.js';
import {
  type BuiltinRule,
  defineBuiltinRule,
  featureValue,
  type RuleContext,
  type RuleEffect,
} from '../../rules/index.js';
import type { PaymentFacts } from './payment-facts.js';

/** What an indicator's check sees: the rule context, the event's payment facts, a feature reader. */
export interface IndicatorInput {
  readonly context: RuleContext;
  readonly facts: PaymentFacts;
  /** A feature's value for this event, 0 when absent (count, sum, distinct) — see `featureOrNull`. */
  feature(name: string): number;
  /** A feature's value, or null when not available (min, max, first_seen). */
  featureOrNull(name: string): number | null;
}

/** One OCSE indicator: a built-in rule whose reason always cites its indicator and sources. */
export interface IndicatorSpec<Schema extends z.ZodType> {
  readonly id: string;
  readonly version: number;
  /** The note's indicator key, e.g. `F02`. */
  readonly indicator: string;
  readonly description: string;
  /** Keys of the source table in docs/packs/ocse-payments.md, e.g. `FINTRAC-20`. */
  readonly sources: readonly string[];
  readonly configSchema: Schema;
  readonly defaultConfig: z.input<Schema>;
  /** The reason when the indicator holds for this event, else undefined. */
  check(input: IndicatorInput, config: z.output<Schema>): string | undefined;
  /** The effects of a hit: typology points (and labels). */
  effects(config: z.output<Schema>, input: IndicatorInput): RuleEffect[];
}

/**
 * Defines an indicator rule on `payment.sent`. The reason reads
 * `<finding> [F02; FINTRAC-20, AUSTRAC-CS]`, so every hit names the guidance it comes from.
 */
export function defineIndicator<Schema extends z.ZodType>(
  spec: IndicatorSpec<Schema>,
  facts: (event: EngineEvent) => PaymentFacts,
): BuiltinRule {
  const citation = `[${spec.indicator}; ${spec.sources.join(', ')}]`;
  return defineBuiltinRule({
    id: spec.id,
    version: spec.version,
    description: `${spec.indicator}: ${spec.description}`,
    events: ['payment.sent'],
    configSchema: spec.configSchema,
    defaultConfig: spec.defaultConfig,
    evaluate(context, config) {
      const input: IndicatorInput = {
        context,
        facts: facts(context.event),
        feature: (name) => featureValue(context, name) ?? 0,
        featureOrNull: (name) => featureValue(context, name) ?? null,
      };
      const finding = spec.check(input, config);
      if (finding === undefined) return { fired: false };
      const reason = `${finding} ${citation}`;
      return { fired: true, reason, effects: spec.effects(config, input) };
    },
  });
}
