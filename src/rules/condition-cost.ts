import type { ASTNode } from '@marcbachmann/cel-js';
import { unsafePatternReason } from './regex-safety.js';
import type { RuleLimits } from './rule-limits.js';

/**
 * An upper bound of what evaluating a node costs, and of the size of its value: the number of
 * elements of a list or map, the characters of a string, 1 for anything else. `element` bounds
 * the elements of a list (what an iteration variable over it holds).
 */
interface Estimate {
  readonly cost: number;
  readonly size: number;
  readonly element?: Estimate;
}

/** The estimated cost of a condition, and the node that costs the most, to point at. */
export interface ConditionCost {
  readonly cost: number;
  /** 0-based offset of the costliest iteration (or of the expression) in its text. */
  readonly offset: number;
  /** Calls whose cost no budget can bound (`matches` with an unsafe or computed pattern). */
  readonly unbounded: readonly { readonly offset: number; readonly message: string }[];
}

const iterationMacros = new Set(['all', 'exists', 'exists_one', 'filter', 'map']);
/** String functions that read their receiver (and argument) once: cost one per ten characters. */
const traversingFunctions = new Set([
  'contains',
  'startsWith',
  'endsWith',
  'indexOf',
  'lastIndexOf',
  'lowerAscii',
  'upperAscii',
  'trim',
  'split',
  'join',
  'substring',
  'replace',
]);
/** Variables whose value comes from the event: maps and lists of unknown size. */
const dataVariables = new Set(['event', 'entities', 'labels', 'matches', 'features']);

const scalar: Estimate = { cost: 1, size: 1 };

interface Scope {
  readonly limits: RuleLimits;
  /** Iteration and bound variables in scope, with the estimate of their value. */
  readonly variables: ReadonlyMap<string, Estimate>;
  /** The costliest comprehension seen so far, to locate the diagnostic. */
  readonly worst: { cost: number; offset: number };
  readonly unbounded: { offset: number; message: string }[];
}

/**
 * Estimates, without running it, an upper bound of what evaluating a parsed condition costs, in
 * the units of `RuleLimits.maxCost`, the way cel-go's cost estimator does for Kubernetes:
 * every node costs 1; a comprehension (`all`, `exists`, `exists_one`, `filter`, `map`) costs
 * its range plus the size of the range times its body, so nested comprehensions multiply; list
 * and map literals have their literal size; `in` costs the size of the list; string functions
 * cost one per ten characters of their operands, `matches` the product of both lengths; values
 * read from the event (`event.data.*`, `labels.*`, `matches`) are assumed to have
 * `limits.assumedDataSize` elements or characters. A `matches` whose pattern is not a string
 * literal, or could backtrack exponentially (`unsafePatternReason`), is reported in `unbounded`:
 * one regular expression call cannot be interrupted, so no budget bounds it.
 *
 * @example estimateConditionCost(parsed.ast, limits).cost // 10_004_004_002 for three nested [0..999].all
 */
export function estimateConditionCost(ast: ASTNode, limits: RuleLimits): ConditionCost {
  const scope: Scope = {
    limits,
    variables: new Map(),
    worst: { cost: 0, offset: ast.range.start },
    unbounded: [],
  };
  const estimate = estimateNode(ast, scope);
  return { cost: estimate.cost, offset: scope.worst.offset, unbounded: scope.unbounded };
}

function unknownCollection(limits: RuleLimits): Estimate {
  const size = limits.assumedDataSize;
  return { cost: 1, size, element: { cost: 1, size, element: { cost: 1, size } } };
}

function traversal(size: number): number {
  return Math.ceil(size / 10);
}

function sum(estimates: readonly Estimate[]): number {
  return estimates.reduce((total, item) => total + item.cost, 0);
}

function largest(estimates: readonly Estimate[]): Estimate | undefined {
  let result: Estimate | undefined;
  for (const item of estimates) if (result === undefined || item.size > result.size) result = item;
  return result;
}

/** Types whose values have no size: the type checker's verdict beats the size guesses below. */
const scalarTypes = new Set([
  'bool',
  'int',
  'uint',
  'double',
  'null',
  'google.protobuf.Timestamp',
  'google.protobuf.Duration',
]);

function isScalar(node: ASTNode): boolean {
  const type = (node as { checkedType?: { name?: string } }).checkedType?.name;
  return type !== undefined && scalarTypes.has(type);
}

function estimateNode(node: ASTNode, scope: Scope): Estimate {
  const estimate = estimateShape(node, scope);
  return isScalar(node) ? { cost: estimate.cost, size: 1 } : estimate;
}

function estimateShape(node: ASTNode, scope: Scope): Estimate {
  switch (node.op) {
    case 'value':
      return typeof node.args === 'string' ? { cost: 1, size: node.args.length } : scalar;
    case 'id': {
      const bound = scope.variables.get(node.args);
      if (bound !== undefined) return { ...bound, cost: 1 };
      return dataVariables.has(node.args) ? unknownCollection(scope.limits) : scalar;
    }
    case '.':
    case '.?': {
      const target = estimateNode(node.args[0], scope);
      return { ...(target.element ?? unknownCollection(scope.limits)), cost: target.cost + 1 };
    }
    case '[]':
    case '[?]': {
      const [target, index] = operands(node, scope, 2);
      return { ...(target.element ?? unknownCollection(scope.limits)), cost: target.cost + index.cost + 1 };
    }
    case 'list': {
      const items = (node.args as ASTNode[]).map((child) => estimateNode(child, scope));
      const element = largest(items);
      return { cost: sum(items) + 1, size: items.length, ...(element === undefined ? {} : { element }) };
    }
    case 'map': {
      const entries = (node.args as [ASTNode, ASTNode][]).flat().map((child) => estimateNode(child, scope));
      const element = largest(entries);
      return { cost: sum(entries) + 1, size: entries.length / 2, ...(element === undefined ? {} : { element }) };
    }
    case 'rcall':
      return estimateMethodCall(node, scope);
    case 'call': {
      const [name, callArguments] = node.args as [string, ASTNode[]];
      const items = callArguments.map((child) => estimateNode(child, scope));
      const first = items[0];
      if (name === 'has' || name === 'size' || first === undefined) return { cost: sum(items) + 1, size: 1 };
      // Conversions (string(x), dyn(x), ...) read their argument once and keep its size.
      return { cost: sum(items) + 1 + traversal(first.size), size: first.size, ...elementOf(first) };
    }
    case '!_':
    case '-_': {
      const operand = estimateNode(node.args, scope);
      return { cost: operand.cost + 1, size: 1 };
    }
    case '?:': {
      const [condition, whenTrue, whenFalse] = operands(node, scope, 3);
      const bigger = whenTrue.cost + whenTrue.size >= whenFalse.cost + whenFalse.size ? whenTrue : whenFalse;
      return {
        cost: condition.cost + Math.max(whenTrue.cost, whenFalse.cost) + 1,
        size: Math.max(whenTrue.size, whenFalse.size),
        ...elementOf(bigger),
      };
    }
    case 'in': {
      const [item, collection] = operands(node, scope, 2);
      return { cost: item.cost + collection.cost + collection.size, size: 1 };
    }
    case '+': {
      const [left, right] = operands(node, scope, 2);
      const size = !isScalar(node) && (left.size > 1 || right.size > 1) ? left.size + right.size : 1;
      const element = largest([left.element, right.element].filter((e): e is Estimate => e !== undefined));
      return {
        cost: left.cost + right.cost + 1 + (size > 1 ? traversal(size) : 0),
        size,
        ...(element === undefined ? {} : { element }),
      };
    }
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const [left, right] = operands(node, scope, 2);
      return { cost: left.cost + right.cost + 1 + traversal(Math.min(left.size, right.size)), size: 1 };
    }
    default: {
      // &&, ||, arithmetic and any operator added later: the cost of the operands, plus one.
      const children = Array.isArray(node.args) ? (node.args as unknown[]) : [node.args];
      const items = children
        .filter((child): child is ASTNode => typeof child === 'object' && child !== null && 'op' in child)
        .map((child) => estimateNode(child, scope));
      return { cost: sum(items) + 1, size: 1 };
    }
  }
}

function checkPattern(pattern: ASTNode | undefined, scope: Scope): void {
  if (pattern === undefined) return;
  if (pattern.op !== 'value' || typeof pattern.args !== 'string') {
    scope.unbounded.push({
      offset: pattern.range.start,
      message: 'the pattern of matches() must be a string literal: a computed pattern could take exponential time',
    });
    return;
  }
  const reason = unsafePatternReason(pattern.args);
  if (reason !== undefined) {
    scope.unbounded.push({
      offset: pattern.range.start,
      message: `the pattern of matches() could take exponential time: ${reason}`,
    });
  }
}

/** The estimates of a node's operands (`args` as an array), padded with scalars to `count`. */
function operands(node: ASTNode, scope: Scope, count: 2): [Estimate, Estimate];
function operands(node: ASTNode, scope: Scope, count: 3): [Estimate, Estimate, Estimate];
function operands(node: ASTNode, scope: Scope, count: number): Estimate[] {
  const children = node.args as ASTNode[];
  return Array.from({ length: count }, (_, index) => {
    const child = children[index];
    return child === undefined ? scalar : estimateNode(child, scope);
  });
}

function elementOf(estimate: Estimate): { element?: Estimate } {
  return estimate.element === undefined ? {} : { element: estimate.element };
}

function estimateMethodCall(node: ASTNode, scope: Scope): Estimate {
  const [name, receiverNode, callArguments] = node.args as [string, ASTNode, ASTNode[]];
  const variable = callArguments[0];
  if (iterationMacros.has(name) && variable?.op === 'id') {
    const range = estimateNode(receiverNode, scope);
    const element = range.element ?? unknownCollection(scope.limits);
    const variables = new Map(scope.variables).set(variable.args as string, element);
    const bodies = callArguments.slice(1).map((child) => estimateNode(child, { ...scope, variables }));
    const cost = range.cost + range.size * (sum(bodies) + 1) + 1;
    if (cost > scope.worst.cost) {
      scope.worst.cost = cost;
      scope.worst.offset = node.range.start;
    }
    if (name === 'map' || name === 'filter') {
      const produced = name === 'map' ? bodies.at(-1) : element;
      return { cost, size: range.size, ...(produced === undefined ? {} : { element: produced }) };
    }
    return { cost, size: 1 };
  }
  if (name === 'bind' && receiverNode.op === 'id' && receiverNode.args === 'cel' && variable?.op === 'id') {
    const value = callArguments[1] === undefined ? scalar : estimateNode(callArguments[1], scope);
    const variables = new Map(scope.variables).set(variable.args as string, value);
    const body = callArguments[2] === undefined ? scalar : estimateNode(callArguments[2], { ...scope, variables });
    return { ...body, cost: value.cost + body.cost + 1 };
  }
  const receiver = estimateNode(receiverNode, scope);
  const items = callArguments.map((child) => estimateNode(child, scope));
  const base = receiver.cost + sum(items) + 1;
  const argumentSize = items.reduce((total, item) => total + item.size, 0);
  if (name === 'matches') checkPattern(callArguments[0], scope);
  if (name === 'matches') return { cost: base + traversal(receiver.size * Math.max(1, argumentSize)), size: 1 };
  if (traversingFunctions.has(name)) {
    const size = name === 'split' ? receiver.size : receiver.size + argumentSize;
    return {
      cost: base + traversal(receiver.size + argumentSize),
      size,
      ...(name === 'split' ? { element: { cost: 1, size: receiver.size } } : {}),
    };
  }
  return { cost: base, size: 1 };
}
