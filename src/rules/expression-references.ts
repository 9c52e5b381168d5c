import type { ASTNode } from '@marcbachmann/cel-js';

/** What a name in a CEL condition refers to, for checking it against a catalog. */
export type ReferenceKind = 'feature' | 'entity_role' | 'label' | 'data_field';

/** One catalog name used in a condition, with the offset of the name inside the expression. */
export interface ExpressionReference {
  readonly kind: ReferenceKind;
  readonly name: string;
  /** 0-based offset of the name (or of its string literal) in the expression. */
  readonly offset: number;
}

const iterationMacros = new Set(['all', 'exists', 'exists_one', 'filter', 'map']);

interface WalkState {
  /** Iteration variables in scope: they shadow the rule variables. */
  readonly bound: ReadonlySet<string>;
  /** Iteration variables that range over a `labels.<role>` list. */
  readonly labelVariables: ReadonlySet<string>;
}

/**
 * Finds the catalog names a parsed condition uses, so validation can report unknown ones at the
 * exact spot:
 * - `features.x`, `features["x"]` → feature `x`;
 * - `entities.r`, `labels.r`, `event.entities.r` (or `["r"]`) → entity role `r`;
 * - `event.data.f` (or `["f"]`) → data field `f`;
 * - `"l" in labels.r`, and `labels.r.exists(v, v == "l")` (any iteration macro, `==` or `!=`
 *   against the iteration variable) → label `l`.
 *
 * Names are found only when written literally; computed keys (`features[name]`) are checked at
 * run time. Iteration variables shadow rule variables, as in CEL.
 */
export function findReferences(ast: ASTNode): ExpressionReference[] {
  const references: ExpressionReference[] = [];
  walk(ast, { bound: new Set(), labelVariables: new Set() }, references);
  return references.sort((left, right) => left.offset - right.offset);
}

/** The accessed key of `target.key` / `target["key"]`, with its offset; undefined for other nodes. */
function accessedKey(node: ASTNode): { target: ASTNode; key: string; offset: number } | undefined {
  if (node.op === '.' || node.op === '.?') {
    const [target, key] = node.args;
    return { target, key, offset: node.range.end - key.length };
  }
  if (node.op === '[]' || node.op === '[?]') {
    const [target, index] = node.args;
    if (index.op === 'value' && typeof index.args === 'string') {
      return { target, key: index.args, offset: index.range.start };
    }
  }
  return undefined;
}

function isFreeIdentifier(node: ASTNode, name: string, state: WalkState): boolean {
  return node.op === 'id' && node.args === name && !state.bound.has(name);
}

/** Classifies `node` as a reference when it accesses a catalog-checked map with a literal key. */
function classify(node: ASTNode, state: WalkState): ExpressionReference | undefined {
  const access = accessedKey(node);
  if (access === undefined) return undefined;
  const { target, key, offset } = access;
  if (isFreeIdentifier(target, 'features', state)) return { kind: 'feature', name: key, offset };
  if (isFreeIdentifier(target, 'entities', state) || isFreeIdentifier(target, 'labels', state)) {
    return { kind: 'entity_role', name: key, offset };
  }
  const inner = accessedKey(target);
  if (inner !== undefined && isFreeIdentifier(inner.target, 'event', state)) {
    if (inner.key === 'entities') return { kind: 'entity_role', name: key, offset };
    if (inner.key === 'data') return { kind: 'data_field', name: key, offset };
  }
  return undefined;
}

function isLabelList(node: ASTNode, state: WalkState): boolean {
  const access = accessedKey(node);
  return access !== undefined && isFreeIdentifier(access.target, 'labels', state);
}

function stringLiteral(node: ASTNode): { value: string; offset: number } | undefined {
  return node.op === 'value' && typeof node.args === 'string'
    ? { value: node.args, offset: node.range.start }
    : undefined;
}

function walk(node: ASTNode, state: WalkState, references: ExpressionReference[]): void {
  const reference = classify(node, state);
  if (reference !== undefined) references.push(reference);
  switch (node.op) {
    case 'value':
    case 'id':
      return;
    case '.':
    case '.?':
      walk(node.args[0], state, references);
      return;
    case 'in': {
      const literal = stringLiteral(node.args[0]);
      if (literal !== undefined && isLabelList(node.args[1], state)) {
        references.push({ kind: 'label', name: literal.value, offset: literal.offset });
      }
      break;
    }
    case '==':
    case '!=': {
      for (const [left, right] of [node.args, [node.args[1], node.args[0]]] as const) {
        const literal = stringLiteral(right);
        if (left.op === 'id' && state.labelVariables.has(left.args) && literal !== undefined) {
          references.push({ kind: 'label', name: literal.value, offset: literal.offset });
        }
      }
      break;
    }
    case 'rcall': {
      const [name, receiver, callArguments] = node.args;
      walk(receiver, state, references);
      const [variable, ...body] = callArguments;
      if (iterationMacros.has(name) && variable?.op === 'id') {
        const bound = new Set(state.bound).add(variable.args);
        const labelVariables = new Set(state.labelVariables);
        if (isLabelList(receiver, state)) labelVariables.add(variable.args);
        else labelVariables.delete(variable.args);
        for (const child of body) walk(child, { bound, labelVariables }, references);
        return;
      }
      for (const child of callArguments) walk(child, state, references);
      return;
    }
    case 'call':
      for (const child of node.args[1]) walk(child, state, references);
      return;
    case 'map':
      for (const [key, value] of node.args) {
        walk(key, state, references);
        walk(value, state, references);
      }
      return;
    case 'list':
      for (const child of node.args) walk(child, state, references);
      return;
    case '!_':
    case '-_':
      walk(node.args, state, references);
      return;
  }
  for (const child of node.args) walk(child, state, references);
}
