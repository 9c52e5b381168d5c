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
      const input = inputFor(context, facts);
      const finding = spec.check(input, config);
      if (finding === undefined) return { fired: false };
      const reason = `${finding} ${citation}`;
      return { fired: true, reason, effects: spec.effects(config, input) };
    },
  });
}

/** The input the indicators were last given, with the context and facts reader it was made for. */
let lastInput: { context: RuleContext; facts: (event: EngineEvent) => PaymentFacts; input: IndicatorInput } | undefined;

/**
 * The indicators' input for `context`: one object (and its two feature readers) per event, shared
 * by every indicator of the pack, where each of the thirty-odd indicators run on a payment made
 * its own three. The rules of one event run one after the other on the same context object, so
 * the input made for it last is reused while the context (and the facts reader) is the same; it
 * is read-only, so sharing it changes nothing an indicator sees.
 */
function inputFor(context: RuleContext, facts: (event: EngineEvent) => PaymentFacts): IndicatorInput {
  if (lastInput !== undefined && lastInput.context === context && lastInput.facts === facts) return lastInput.input;
  const input: IndicatorInput = {
    context,
    facts: facts(context.event),
    feature: (name) => featureValue(context, name) ?? 0,
    featureOrNull: (name) => featureValue(context, name) ?? null,
  };
  lastInput = { context, facts, input };
  return input;
}
