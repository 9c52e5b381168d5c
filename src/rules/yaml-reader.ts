import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Scalar } from 'yaml';
import { didYouMean } from './closest-name.js';
import type { Diagnostic } from './diagnostic.js';
import type { SourceLocator } from './source-locator.js';

/** A mapping entry: its key node (for locating the key) and its value node (null when empty). */
export interface YamlEntry {
  readonly key: Scalar;
  readonly value: Node | null;
}

/**
 * Reads the parsed YAML tree of one rule file into plain values, collecting one diagnostic per
 * problem instead of stopping at the first, so an operator fixes a file in one pass.
 * Aliases (`*name`) are followed; a value is then located at its anchor.
 */
export class YamlReader {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly document: Document,
    readonly locator: SourceLocator,
  ) {}

  /** Records a problem at the start of `node`. */
  report(node: Node | null | undefined, message: string, hint?: string): void {
    this.diagnostics.push(this.locator.atNode(node, message, hint));
  }

  /** Records a problem at a file offset. */
  reportAt(offset: number, message: string, hint?: string): void {
    this.diagnostics.push(this.locator.at(offset, message, hint));
  }

  /** The node an alias points at, or the node itself. */
  resolve(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return node.resolve(this.document) ?? null;
    return node;
  }

  /**
   * The entries of a mapping, reporting a non-mapping value, a key that is not a plain string,
   * a key outside `allowed` (with a did-you-mean hint) and each `required` key that is absent
   * (at the mapping's start). Returns undefined when `node` is not a mapping.
   */
  mapping(
    node: Node | null,
    what: string,
    allowed: readonly string[],
    required: readonly string[],
  ): Map<string, YamlEntry> | undefined {
    const resolved = this.resolve(node);
    if (!isMap(resolved)) {
      this.report(resolved ?? node, `${what} must be a mapping (key: value lines)`);
      return undefined;
    }
    const entries = new Map<string, YamlEntry>();
    for (const pair of resolved.items) {
      const key = pair.key;
      if (!isScalar(key) || typeof key.value !== 'string') {
        this.report(isScalar(key) ? key : resolved, `${what} keys must be plain names`);
        continue;
      }
      if (!allowed.includes(key.value)) {
        const hint = didYouMean(key.value, allowed) ?? `expected one of: ${allowed.join(', ')}`;
        this.report(key, `unknown key '${key.value}' in ${what}`, hint);
        continue;
      }
      entries.set(key.value, { key, value: this.resolve(pair.value as Node | null) });
    }
    const missing = required.filter((name) => !entries.has(name));
    if (missing.length === 1) this.report(resolved, `${what} is missing required key '${missing[0]}'`);
    if (missing.length > 1) this.report(resolved, `${what} is missing required keys: ${missing.join(', ')}`);
    return entries;
  }

  /** A non-empty string scalar, or undefined after reporting what was found instead. */
  string(entry: YamlEntry, what: string): string | undefined {
    const value = entry.value;
    if (isScalar(value) && typeof value.value === 'string' && value.value.trim() !== '') return value.value;
    this.report(value ?? entry.key, `${what} must be a non-empty string, got ${describe(value)}`);
    return undefined;
  }

  /** The items of a sequence, or undefined after reporting a non-sequence. */
  sequence(entry: YamlEntry, what: string): (Node | null)[] | undefined {
    const value = entry.value;
    if (isSeq(value)) return value.items.map((item) => this.resolve(item as Node | null));
    this.report(value ?? entry.key, `${what} must be a list, got ${describe(value)}`);
    return undefined;
  }
}

/** Names what a YAML node holds, for "expected X, got Y" messages. */
export function describe(node: Node | null | undefined): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const value = node.value;
    if (value === null) return 'nothing';
    if (typeof value === 'string') return value.trim() === '' ? 'an empty string' : `'${value}'`;
    if (typeof value === 'boolean') return `the boolean ${value}`;
    if (typeof value === 'number') return `the number ${value}`;
    return String(value);
  }
  return 'an unsupported value';
}
