import { Environment } from '@marcbachmann/cel-js';
import { EngineError } from '../core/index.js';
import type { EngineEvent } from '../events/index.js';
import { defaultRuleLimits, EvaluationMeter, estimateConditionCost, type RuleLimits } from '../rules/index.js';

const environment = new Environment({ unlistedVariablesAreDyn: true });
const meter = new EvaluationMeter(environment);

/**
 * Compiles a feature's `filter` (a CEL expression over `event`, e.g.
 * `event.data.payee_country in ["PH", "KH"]`) into a predicate. Numbers in `event.data` are
 * doubles, as in rules. An expression that fails on an event (a missing field) is false for
 * that event: a filter narrows, it never stops the engine. Filters have the rules' cost budget
 * (`limits`, docs/rules.md): one estimated over it is refused here, and an evaluation that goes
 * over it on some event is stopped and is false for that event.
 *
 * @throws EngineError `CONFIG_INVALID` when the expression does not parse or is too costly.
 */
export function compileEventFilter(
  expression: string,
  featureName: string,
  limits: RuleLimits = defaultRuleLimits,
): (event: EngineEvent) => boolean {
  let evaluate: (activation: Record<string, unknown>) => unknown;
  try {
    evaluate = environment.parse(expression) as unknown as (activation: Record<string, unknown>) => unknown;
  } catch (error) {
    throw new EngineError(
      'CONFIG_INVALID',
      `feature ${featureName}: filter does not parse: ${(error as Error).message}`,
    );
  }
  const ast = (evaluate as unknown as { ast: Parameters<typeof estimateConditionCost>[0] }).ast;
  const estimate = estimateConditionCost(ast, limits);
  const problem =
    estimate.unbounded[0]?.message ??
    (estimate.cost > limits.maxCost
      ? `its estimated cost ${estimate.cost} is over the budget of ${limits.maxCost} (rule-limits.yaml max_cost)`
      : undefined);
  if (problem !== undefined) {
    throw new EngineError('CONFIG_INVALID', `feature ${featureName}: filter is too costly: ${problem}`);
  }
  return (event) => {
    try {
      const result = meter.run(limits, evaluate, { event });
      return result.ok && result.value === true;
    } catch {
      return false;
    }
  };
}
