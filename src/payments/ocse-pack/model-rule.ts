import { z } from 'zod';
import type { EngineEvent } from '../../events/index.js';
import { type BuiltinRule, defineBuiltinRule, type RuleContext } from '../../rules/index.js';
import { defineTypologies, type TypologyDefinition } from '../../typologies/index.js';
import { explainScore, type PayerModel, scorePayer } from '../learning/index.js';
import { modelScoresPayment, type PayerModelInputs } from './model-inputs.js';
import type { PaymentFacts } from './payment-facts.js';

/** The model rule's id and its typology's name (storage keys; never rename). */
export const payerModelRuleId = 'ocse_model_payer';
export const payerModelTypology = 'ocse_model_payer';

/** One payment's model inputs, as a training capture receives them. */
export interface CapturedModelInputs extends PayerModelInputs {
  /** The paying account (`payment_account` id). */
  readonly account: string;
  readonly eventId: string;
  readonly timeMs: number;
}

/** How the pack runs its payer model: the trained model, and/or a capture of its inputs. */
export interface PayerModelOptions {
  /** A trained model (`prevail payments train`); without one the rule never fires. */
  readonly model?: PayerModel;
  /** Called with the inputs of every payment the model scores (how `payments train` collects them). */
  readonly onInputs?: (captured: CapturedModelInputs) => void;
}

const pointsSchema = z.strictObject({ points: z.number().positive().max(1000) });

/**
 * The learned payer model as a built-in rule on `payment.sent`: on each cross-border payment to a
 * possible person it scores the payer from the pack's features and indicator hits
 * (`payerModelInputsFor`) and fires when the calibrated probability reaches the model's
 * threshold, giving its points to the `ocse_model_payer` typology. Its reason is the probability
 * and the top contributions, each with the payer's percentile in its peer group where the model
 * compares with one. Like every built-in rule it runs in shadow mode (hits recorded, no alert,
 * no case) until an operator promotes it in `builtin-rules.yaml` — the rule typologies keep
 * working beside it either way.
 */
export function payerModelRule(
  options: PayerModelOptions,
  inputs: (context: RuleContext) => PayerModelInputs,
  facts: (event: EngineEvent) => PaymentFacts,
): BuiltinRule {
  const { model, onInputs } = options;
  return defineBuiltinRule({
    id: payerModelRuleId,
    version: 1,
    description:
      'Learned payer model (logistic regression over the pack features and indicator hits, trained on case decisions)',
    events: ['payment.sent'],
    configSchema: pointsSchema,
    defaultConfig: { points: 100 },
    evaluate(context, config) {
      if (!modelScoresPayment(facts(context.event))) return { fired: false };
      const account = context.event.entities.payment_account;
      if (account === undefined) return { fired: false };
      const read = inputs(context);
      onInputs?.({ ...read, account, eventId: context.event.id, timeMs: context.event.timeMs });
      if (model === undefined) return { fired: false };
      const score = scorePayer(model, read.features, read.peerGroup);
      if (!score.alert) return { fired: false };
      return {
        fired: true,
        reason: explainScore(score, 3),
        effects: [{ kind: 'typology', typology: payerModelTypology, points: config.points }],
      };
    },
  });
}

/** The model's typology: one hit of the model rule alerts (its points are the threshold). */
export const payerModelTypologies: readonly TypologyDefinition[] = defineTypologies([
  {
    name: payerModelTypology,
    description: 'T1 payer by the learned model (shadow until promoted): calibrated probability ≥ threshold',
    subject: 'payment_account',
    window: '90d',
    alert_threshold: 100,
    case_threshold: 100,
    case_priority: 'high',
    scoring: 'distinct_rules',
    required_rules: [payerModelRuleId],
  },
]);
