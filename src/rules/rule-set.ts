import type { BuiltinRuleInstance } from './builtin-rule.js';
import type { CelActivation, RuleEnvironment } from './cel-environment.js';
import { BudgetExceeded } from './evaluation-meter.js';
import type { OperatorRule } from './operator-rule.js';
import type { RuleContext } from './rule-context.js';
import type { RuleEffect, RuleMode } from './rule-model.js';
import { thresholdCondition } from './threshold-condition.js';

/** A rule that fired on an event. Shadow hits are reported like active ones; the engine records them and applies no effect. */
export interface RuleHit {
  readonly ruleId: string;
  readonly origin: 'operator' | 'builtin';
  readonly mode: RuleMode;
  readonly reason: string;
  readonly effects: readonly RuleEffect[];
}

/** A rule that failed on an event (a missing field, a type mismatch in real data); it counts as not fired. */
export interface RuleRunError {
  readonly ruleId: string;
  readonly message: string;
}

/**
 * A rule the rule set stopped running: one evaluation went over the cost budget (`RuleLimits`),
 * which would have blocked the engine. It stays disabled in this rule set; a reload builds a
 * new set in which it runs again (fix the rule, or the data, first).
 */
export interface DisabledRule {
  readonly ruleId: string;
  /** What went over budget, e.g. "over the evaluation budget: it spent more than 1000000 cost units". */
  readonly reason: string;
  /** The event whose evaluation went over budget. */
  readonly eventId: string;
  /** When it was disabled (ISO-8601, wall clock). */
  readonly disabledAt: string;
}

/** The outcome of running a rule set on one event. */
export interface RuleEvaluation {
  readonly hits: readonly RuleHit[];
  /** Rules that failed on this event, those disabled by it included. */
  readonly errors: readonly RuleRunError[];
  /** Present when this event made rules go over the cost budget: they are now disabled. */
  readonly disabled?: readonly DisabledRule[];
}

/** The outcome of one rule on one event: fired or not, with what it would do. */
export interface RuleOutcome {
  readonly fired: boolean;
  readonly reason: string;
  readonly effects: readonly RuleEffect[];
}

/**
 * One runnable rule of a rule set, operator or built-in. `test` runs it alone and throws on a
 * run-time error: it exists for tooling (rule playgrounds, tests); the engine calls
 * `RuleSet.evaluate`, which never throws.
 */
export interface CompiledRule {
  readonly id: string;
  readonly origin: 'operator' | 'builtin';
  readonly mode: RuleMode;
  readonly description: string;
  readonly events: readonly string[];
  test(context: RuleContext): RuleOutcome;
}

interface Runner {
  readonly rule: CompiledRule;
  /** Undefined = not fired. Throws on a run-time error. */
  run(context: RuleContext, activation: () => CelActivation): RuleOutcome | undefined;
}

const emptyEvaluation: RuleEvaluation = Object.freeze({ hits: Object.freeze([]), errors: Object.freeze([]) });

function errorMessage(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const summary = (error as { summary?: unknown }).summary;
    if (typeof summary === 'string') return summary;
    if (error instanceof Error) return error.message;
  }
  return String(error);
}

/** The CEL type name of a run-time value, for "returned X, not a bool". */
function celTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'bigint':
      return 'an int';
    case 'number':
      return 'a double';
    case 'string':
      return 'a string';
    case 'object':
      return 'a map';
    default:
      return typeof value;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

function operatorRunner(rule: OperatorRule, environment: RuleEnvironment): Runner {
  const effects = deepFreeze([...rule.effects]);
  const outcome: RuleOutcome = Object.freeze({ fired: true, reason: rule.reason, effects });
  // A feature against a threshold is answered without CEL when it can be (`threshold-condition.ts`).
  const threshold = thresholdCondition(rule.when, environment);
  const run = (context: RuleContext, activation: () => CelActivation): RuleOutcome | undefined => {
    if (threshold !== undefined) {
      const fired = threshold(context);
      if (fired === true) return outcome;
      if (fired === false) return undefined;
    }
    // The condition and the activation go to the meter as they are: no closure per rule per event.
    const result = environment.metered(rule.condition, activation());
    if (!result.ok) throw result.exceeded;
    const value = result.value;
    if (value === true) return outcome;
    if (value === false) return undefined;
    throw new Error(`'when' returned ${celTypeOf(value)}, not a bool`);
  };
  return { rule: describeRule(rule, run, rule.description, environment), run };
}

function builtinRunner(instance: BuiltinRuleInstance, environment: RuleEnvironment): Runner {
  const { rule: builtin, mode } = instance;
  const run = (context: RuleContext): RuleOutcome | undefined => {
    const result = builtin.evaluate(context);
    if (result.fired !== true) return undefined;
    return { fired: true, reason: result.reason ?? builtin.description, effects: result.effects ?? [] };
  };
  const rule = { ...builtin, origin: 'builtin' as const, mode };
  return { rule: describeRule(rule, run, builtin.description, environment), run };
}

const notFired: RuleOutcome = Object.freeze({ fired: false, reason: '', effects: Object.freeze([]) });

function describeRule(
  rule: Pick<CompiledRule, 'id' | 'origin' | 'mode' | 'events'>,
  run: Runner['run'],
  description: string,
  environment: RuleEnvironment,
): CompiledRule {
  return {
    id: rule.id,
    origin: rule.origin,
    mode: rule.mode,
    description,
    events: rule.events,
    test(context: RuleContext): RuleOutcome {
      let activation: CelActivation | undefined;
      return run(context, () => (activation ??= environment.activation(context))) ?? notFired;
    },
  };
}

/**
 * A validated, compiled, immutable set of rules, indexed by event type. Built by
 * `buildRuleSet`; swapped whole by `RuleSetLoader`, so an event is always evaluated against one
 * consistent set.
 *
 * Rules run in id order. `evaluate` never throws: a rule that fails on an event is reported in
 * `errors` and counts as not fired, because one bad field on one event must not stop the engine.
 * An operator rule whose evaluation goes over the cost budget is stopped there and disabled for
 * the life of this set (`disabled`), so the other rules go on and no event can block the engine.
 */
export class RuleSet {
  readonly #byEventType: ReadonlyMap<string, readonly Runner[]>;
  readonly #environment: RuleEnvironment;
  readonly #disabled = new Map<string, DisabledRule>();
  /** Every rule, in id order. */
  readonly rules: readonly CompiledRule[];

  /**
   * Indexes already validated rules by event type. Use `buildRuleSet` (or `RuleSetLoader`):
   * operator rules are only valid when they come out of validation in the same environment.
   */
  constructor(
    environment: RuleEnvironment,
    operatorRules: readonly OperatorRule[],
    builtins: readonly BuiltinRuleInstance[],
  ) {
    this.#environment = environment;
    const runners = [
      ...operatorRules.map((rule) => operatorRunner(rule, environment)),
      ...builtins.map((instance) => builtinRunner(instance, environment)),
    ].sort((left, right) => (left.rule.id < right.rule.id ? -1 : left.rule.id > right.rule.id ? 1 : 0));
    const byEventType = new Map<string, Runner[]>();
    for (const runner of runners) {
      for (const type of runner.rule.events) {
        const list = byEventType.get(type);
        if (list === undefined) byEventType.set(type, [runner]);
        else list.push(runner);
      }
    }
    this.#byEventType = byEventType;
    this.rules = Object.freeze(runners.map((runner) => runner.rule));
  }

  /** The rules disabled for going over the cost budget, in the order they were disabled. */
  get disabled(): readonly DisabledRule[] {
    return [...this.#disabled.values()];
  }

  /** The rules that run on events of `eventType`, in id order. */
  rulesFor(eventType: string): readonly CompiledRule[] {
    return (this.#byEventType.get(eventType) ?? []).map((runner) => runner.rule);
  }

  /**
   * Runs every rule whose `events` include the event's type and returns the hits (shadow and
   * active alike) and the run-time errors. The CEL activation is built once, lazily, and shared.
   */
  evaluate(context: RuleContext): RuleEvaluation {
    const runners = this.#byEventType.get(context.event.type);
    if (runners === undefined) return emptyEvaluation;
    let activation: CelActivation | undefined;
    const activate = (): CelActivation => (activation ??= this.#environment.activation(context));
    const hits: RuleHit[] = [];
    let errors: RuleRunError[] | undefined;
    let disabled: DisabledRule[] | undefined;
    // Run-time errors keep only their message, and capturing a stack through the CEL evaluator
    // costs about ten times the evaluation itself: a rule reading an optional field that is
    // often absent would otherwise dominate the engine's time. Evaluation is synchronous, so
    // the limit is restored before any other code runs.
    const stackTraceLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      for (const { rule, run } of runners) {
        if (this.#disabled.has(rule.id)) continue;
        try {
          const outcome = run(context, activate);
          if (outcome !== undefined) {
            hits.push({
              ruleId: rule.id,
              origin: rule.origin,
              mode: rule.mode,
              reason: outcome.reason,
              effects: outcome.effects,
            });
          }
        } catch (error) {
          errors ??= [];
          errors.push({ ruleId: rule.id, message: errorMessage(error) });
          if (error instanceof BudgetExceeded) {
            const record: DisabledRule = {
              ruleId: rule.id,
              reason: error.message,
              eventId: context.event.id,
              disabledAt: new Date().toISOString(),
            };
            this.#disabled.set(rule.id, record);
            disabled ??= [];
            disabled.push(record);
          }
        }
      }
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
    }
    const evaluation = { hits, errors: errors ?? [] };
    return disabled === undefined ? evaluation : { ...evaluation, disabled };
  }
}
