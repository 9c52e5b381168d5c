import type { ParseResult } from '@marcbachmann/cel-js';
import type { CelActivation, RuleEnvironment } from './cel-environment.js';
import { didYouMean } from './closest-name.js';
import { estimateConditionCost } from './condition-cost.js';
import { type ExpressionReference, findReferences } from './expression-references.js';

/** A compiled `when`: returns the expression's value for one activation; throws on run-time errors. */
export type CompiledCondition = (activation: CelActivation) => unknown;

/** A problem in a condition, located by its 0-based offset inside the expression. */
export interface ConditionProblem {
  readonly offset: number;
  readonly message: string;
  readonly hint?: string;
}

/** The outcome of checking one condition: the compiled function when there is no problem. */
export interface ConditionCheck {
  readonly condition?: CompiledCondition;
  readonly problems: readonly ConditionProblem[];
}

const variableNames = ['event', 'entities', 'features', 'labels', 'matches'];

interface CelErrorShape {
  readonly code?: string;
  readonly summary?: string;
  readonly message?: string;
  readonly range?: { readonly start: number } | undefined;
}

function celError(error: unknown): CelErrorShape {
  return typeof error === 'object' && error !== null ? (error as CelErrorShape) : { message: String(error) };
}

function problem(offset: number, message: string, hint: string | undefined): ConditionProblem {
  return hint === undefined ? { offset, message } : { offset, message, hint };
}

/**
 * Parses and type-checks a `when` expression once, in the rule environment, and checks every
 * literal catalog name in it (features, entity roles, labels, data fields of the rule's event
 * types). On success the returned condition is the parsed, type-checked function that evaluation
 * reuses; it is never parsed again.
 *
 * Reports every catalog problem; of CEL's own errors only the first (cel-js stops there), and not
 * when it repeats a catalog problem already reported at the same offset. A valid expression
 * whose estimated cost (`estimateConditionCost`) is over `limits.maxCost` is refused at its
 * costliest comprehension: such a rule would block the engine on every event it runs on. So is
 * a `matches()` whose pattern is computed or could backtrack exponentially.
 */
export function checkCondition(
  rules: RuleEnvironment,
  expression: string,
  eventTypes: readonly string[],
): ConditionCheck {
  let parsed: ParseResult;
  try {
    parsed = rules.environment.parse(expression);
  } catch (error) {
    const details = celError(error);
    const message = `CEL syntax error: ${details.summary ?? details.message ?? 'invalid expression'}`;
    // "Unexpected end" errors sit past trailing whitespace (a block scalar's final newline): point at the last token.
    const offset = Math.min(details.range?.start ?? 0, expression.trimEnd().length);
    return { problems: [problem(offset, message, undefined)] };
  }
  const problems = findReferences(parsed.ast).flatMap((reference) => checkReference(rules, reference, eventTypes));
  const checked = parsed.check();
  if (!checked.valid) {
    const details = celError(checked.error);
    const offset = details.range?.start ?? 0;
    if (!problems.some((existing) => existing.offset === offset)) {
      const summary = details.summary ?? details.message ?? 'invalid expression';
      const hint =
        details.code === 'unknown_variable'
          ? (didYouMean(summary.replace(/^Unknown variable: /, ''), variableNames) ??
            `the variables are ${variableNames.join(', ')}`)
          : undefined;
      problems.push(problem(offset, `CEL type error: ${summary}`, hint));
    }
  } else if (checked.type !== 'bool' && checked.type !== 'dyn') {
    problems.push(problem(0, `'when' must be a bool expression; this one is ${checked.type ?? 'unknown'}`, undefined));
  } else {
    const { maxCost, assumedDataSize } = rules.limits;
    const estimate = estimateConditionCost(parsed.ast, rules.limits);
    for (const unbounded of estimate.unbounded) {
      problems.push(
        problem(unbounded.offset, unbounded.message, 'write the pattern without nested repetition or back-references'),
      );
    }
    if (estimate.cost > maxCost) {
      problems.push(
        problem(
          estimate.offset,
          `'when' is too costly: its estimated cost ${estimate.cost.toLocaleString('en-US')} is over the budget of ${maxCost.toLocaleString('en-US')}`,
          `nested comprehensions multiply (a list read from the event counts as ${assumedDataSize} items); raise max_cost in rule-limits.yaml only if the rule must do this much work`,
        ),
      );
    }
  }
  if (problems.length > 0) return { problems: problems.sort((left, right) => left.offset - right.offset) };
  return { condition: parsed, problems };
}

function checkReference(
  rules: RuleEnvironment,
  reference: ExpressionReference,
  eventTypes: readonly string[],
): ConditionProblem[] {
  const { catalogs } = rules;
  const { name, offset } = reference;
  switch (reference.kind) {
    case 'feature':
      if (catalogs.features.has(name)) return [];
      return [problem(offset, `unknown feature '${name}'`, didYouMean(name, catalogs.features.keys()))];
    case 'entity_role':
      if (catalogs.entityRoles.has(name)) return [];
      return [problem(offset, `unknown entity role '${name}'`, didYouMean(name, catalogs.entityRoles))];
    case 'label':
      if (catalogs.labels.has(name)) return [];
      return [problem(offset, `unknown label '${name}'`, didYouMean(name, catalogs.labels))];
    case 'data_field': {
      const fieldLists = eventTypes.map((type) => catalogs.eventTypes.get(type)?.dataFields);
      if (fieldLists.length === 0 || fieldLists.some((fields) => fields === undefined)) return [];
      const known = new Set(fieldLists.flatMap((fields) => fields ?? []));
      if (known.has(name)) return [];
      const hint = didYouMean(name, known) ?? `their data fields are: ${[...known].sort().join(', ')}`;
      return [problem(offset, `no event type this rule runs on has a data field '${name}'`, hint)];
    }
  }
}
