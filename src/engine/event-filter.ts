import { Environment } from '@marcbachmann/cel-js';
import { EngineError } from '../core/index.js';
import type { EngineEvent } from '../events/index.js';

const environment = new Environment({ unlistedVariablesAreDyn: true });

/**
 * Compiles a feature's `filter` (a CEL expression over `event`, e.g.
 * `event.data.payee_country in ["PH", "KH"]`) into a predicate. Numbers in `event.data` are
 * doubles, as in rules. An expression that fails on an event (a missing field) is false for
 * that event: a filter narrows, it never stops the engine.
 *
 * @throws EngineError `CONFIG_INVALID` when the expression does not parse.
 */
export function compileEventFilter(expression: string, featureName: string): (event: EngineEvent) => boolean {
  let evaluate: (activation: Record<string, unknown>) => unknown;
  try {
    evaluate = environment.parse(expression) as unknown as (activation: Record<string, unknown>) => unknown;
  } catch (error) {
    throw new EngineError(
      'CONFIG_INVALID',
      `feature ${featureName}: filter does not parse: ${(error as Error).message}`,
    );
  }
  return (event) => {
    try {
      return evaluate({ event }) === true;
    } catch {
      return false;
    }
  };
}
