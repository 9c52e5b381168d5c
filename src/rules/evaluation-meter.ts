import type { Environment } from '@marcbachmann/cel-js';

/** Thrown (and recorded) when one evaluation spends more than its budget. */
export class BudgetExceeded extends Error {
  override readonly name = 'BudgetExceeded';
}

/** The budget of one evaluation: cost units and a wall-clock deadline. */
export interface EvaluationBudget {
  readonly maxCost: number;
  readonly maxEvaluationMs: number;
}

/** What `EvaluationMeter.run` reports about one evaluation. */
export type MeteredResult =
  | { readonly ok: true; readonly value: unknown; readonly cost: number }
  | { readonly ok: false; readonly exceeded: BudgetExceeded; readonly cost: number };

interface CelEvaluator {
  run(node: unknown, context: unknown): unknown;
}

/** How many steps pass between two looks at the clock: reading it costs more than a step. */
const clockInterval = 1024;

/**
 * Counts the work of CEL evaluations in one environment and stops an evaluation that goes over
 * its budget. cel-js 8 has parse-time limits only (AST nodes, depth, literal sizes), nothing at
 * run time, so the meter wraps the environment's evaluator: every node evaluation (a
 * comprehension calls it once per element) costs 1, plus one per ten characters or elements of
 * the string or list it produces, and every 1,024 steps the clock is read. Over budget, every
 * later step throws at once, so even loops that swallow errors (`all`, `exists`) unwind in a
 * few steps, and the evaluation's outcome is the budget error whatever the expression returned.
 *
 * Evaluation is synchronous and single-threaded, so one meter per environment holds the state
 * of the evaluation running now.
 */
export class EvaluationMeter {
  #remaining = Number.POSITIVE_INFINITY;
  #spent = 0;
  #deadline = Number.POSITIVE_INFINITY;
  #untilClock = clockInterval;
  #exceeded: BudgetExceeded | undefined;
  #budget: EvaluationBudget | undefined;

  /**
   * Installs the meter on `environment`'s evaluator (found by evaluating `true` once).
   * @throws Error when the evaluator does not have the shape cel-js 8 has: a CEL upgrade must
   * not silently leave rules unbounded.
   */
  constructor(environment: Environment) {
    const parsed = environment.parse('true');
    parsed.check();
    let evaluator: CelEvaluator | undefined;
    const root = parsed.ast as unknown as { evaluate: (evaluator: CelEvaluator, ...rest: unknown[]) => unknown };
    root.evaluate = (found: CelEvaluator) => {
      evaluator = found;
      return true;
    };
    parsed({});
    if (evaluator === undefined || typeof evaluator.run !== 'function') {
      throw new Error('the CEL evaluator cannot be metered: check the @marcbachmann/cel-js version');
    }
    const run = evaluator.run;
    const meter = this;
    evaluator.run = function meteredRun(this: CelEvaluator, node: unknown, context: unknown): unknown {
      meter.#charge(1);
      const value = run.call(this, node, context);
      if (typeof value === 'string' || Array.isArray(value)) {
        if (value.length >= 10) meter.#charge(Math.floor(value.length / 10));
      }
      return value;
    };
  }

  #charge(cost: number): void {
    if (this.#exceeded !== undefined) throw this.#exceeded;
    this.#spent += cost;
    this.#remaining -= cost;
    if (this.#remaining < 0) this.#exceed(`it spent more than ${this.#budget?.maxCost} cost units`);
    this.#untilClock -= cost;
    if (this.#untilClock <= 0) {
      this.#untilClock = clockInterval;
      if (performance.now() > this.#deadline) this.#exceed(`it ran longer than ${this.#budget?.maxEvaluationMs} ms`);
    }
  }

  #exceed(reason: string): never {
    this.#exceeded = new BudgetExceeded(`over the evaluation budget: ${reason}`);
    throw this.#exceeded;
  }

  /**
   * Runs `evaluate(argument)` (one CEL evaluation) within `budget`; never throws a budget error,
   * reports it. The argument is passed through so that a caller running the same compiled
   * condition on many events (a rule set: every rule, every event) hands over the condition and
   * its activation as they are, instead of a closure made for each evaluation.
   */
  run<A>(budget: EvaluationBudget, evaluate: (argument: A) => unknown, argument: A): MeteredResult {
    this.#budget = budget;
    this.#remaining = budget.maxCost;
    this.#spent = 0;
    this.#untilClock = clockInterval;
    this.#exceeded = undefined;
    this.#deadline = performance.now() + budget.maxEvaluationMs;
    try {
      const value = evaluate(argument);
      if (this.#exceeded !== undefined) return { ok: false, exceeded: this.#exceeded, cost: this.#spent };
      return { ok: true, value, cost: this.#spent };
    } catch (error) {
      if (this.#exceeded !== undefined) return { ok: false, exceeded: this.#exceeded, cost: this.#spent };
      throw error;
    } finally {
      this.#budget = undefined;
      this.#remaining = Number.POSITIVE_INFINITY;
      this.#deadline = Number.POSITIVE_INFINITY;
      this.#exceeded = undefined;
    }
  }
}
