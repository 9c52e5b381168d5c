import { isScalar, type Node, parseDocument } from 'yaml';
import type { RuleEnvironment } from './cel-environment.js';
import { didYouMean } from './closest-name.js';
import { type CompiledCondition, checkCondition } from './condition-check.js';
import type { Diagnostic } from './diagnostic.js';
import { oneOf, readEffect } from './effect-reader.js';
import type { OperatorRule } from './operator-rule.js';
import { isValidRuleId, maximumRuleIdLength, type RuleEffect, type RuleMode, ruleModes } from './rule-model.js';
import { SourceLocator, scalarSourceOffset } from './source-locator.js';
import { describe, type YamlEntry, YamlReader } from './yaml-reader.js';

const ruleKeys = ['id', 'description', 'events', 'when', 'mode', 'reason', 'effects'];
const requiredRuleKeys = ['id', 'description', 'events', 'when', 'effects'];

/** One rule item of a file: its id and where it is (for duplicate checks), and the rule when valid. */
export interface ReadRule {
  readonly id: string | undefined;
  /** File offset of the id value (or of the rule when it has none). */
  readonly idOffset: number;
  /** Present only when the rule has no problem at all. */
  readonly rule?: OperatorRule;
}

/** The rules of one file and every problem found in it. */
export interface RuleFileRead {
  readonly locator: SourceLocator;
  readonly rules: readonly ReadRule[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Reads and validates one rule file: YAML syntax, the file and rule shapes (unknown, missing and
 * mistyped keys), id syntax, event types, mode, effects against the catalogs, and the `when`
 * condition (CEL syntax and types, catalog names), reporting every problem with its position.
 * A file with YAML syntax errors reports only those: its tree cannot be trusted.
 *
 * Cross-file checks (duplicate ids) are the caller's.
 */
export function readRuleFile(file: string, text: string, environment: RuleEnvironment): RuleFileRead {
  const locator = new SourceLocator(file, text);
  const document = parseDocument(text, { lineCounter: locator.lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntax = [...document.errors, ...document.warnings].map((error) =>
    locator.at(error.pos[0], `YAML ${error.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${error.message}`),
  );
  if (syntax.length > 0) return { locator, rules: [], diagnostics: syntax };
  const reader = new YamlReader(document, locator);
  if (document.contents === null || (isScalar(document.contents) && document.contents.value === null)) {
    reader.reportAt(0, "rule file is empty; expected a 'rules' list");
    return { locator, rules: [], diagnostics: reader.diagnostics };
  }
  const top = reader.mapping(document.contents, 'rule file', ['rules'], ['rules']);
  const rulesEntry = top?.get('rules');
  const items = rulesEntry === undefined ? undefined : reader.sequence(rulesEntry, "'rules'");
  const rules = (items ?? []).map((item) => readRule(reader, item, environment));
  return { locator, rules, diagnostics: reader.diagnostics };
}

function readRule(reader: YamlReader, node: Node | null, environment: RuleEnvironment): ReadRule {
  const problemsBefore = reader.diagnostics.length;
  const entries = reader.mapping(node, 'rule', ruleKeys, requiredRuleKeys);
  const ruleOffset = node?.range?.[0] ?? 0;
  if (entries === undefined) return { id: undefined, idOffset: ruleOffset };
  const idEntry = entries.get('id');
  const id = idEntry === undefined ? undefined : readId(reader, idEntry);
  const idOffset = idEntry?.value?.range?.[0] ?? ruleOffset;
  const descriptionEntry = entries.get('description');
  const description = descriptionEntry === undefined ? undefined : reader.string(descriptionEntry, 'description');
  const reasonEntry = entries.get('reason');
  const reason = reasonEntry === undefined ? description : reader.string(reasonEntry, 'reason');
  const modeEntry = entries.get('mode');
  const mode = modeEntry === undefined ? 'shadow' : readMode(reader, modeEntry);
  const eventsEntry = entries.get('events');
  const events = eventsEntry === undefined ? [] : readEvents(reader, eventsEntry, environment);
  const whenEntry = entries.get('when');
  const condition = whenEntry === undefined ? undefined : readWhen(reader, whenEntry, environment, events);
  const effectsEntry = entries.get('effects');
  const effects = effectsEntry === undefined ? [] : readEffects(reader, effectsEntry, environment, reason ?? '');
  if (reader.diagnostics.length > problemsBefore) return { id, idOffset };
  if (id === undefined || description === undefined || reason === undefined || mode === undefined) {
    return { id, idOffset };
  }
  if (condition === undefined) return { id, idOffset };
  const { line } = reader.locator.lineCounter.linePos(ruleOffset);
  const rule: OperatorRule = {
    origin: 'operator',
    id,
    description,
    events,
    when: condition.expression,
    mode,
    reason,
    effects,
    location: { file: reader.locator.file, line },
    condition: condition.compiled,
  };
  return { id, idOffset, rule };
}

function readId(reader: YamlReader, entry: YamlEntry): string | undefined {
  const id = reader.string(entry, 'rule id');
  if (id === undefined) return undefined;
  if (isValidRuleId(id)) return id;
  const suggestion = id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^[^a-z]+|_+$/g, '')
    .slice(0, maximumRuleIdLength);
  reader.report(
    entry.value,
    `rule id '${id}' must be lowercase words joined by single underscores, at most ${maximumRuleIdLength} characters`,
    isValidRuleId(suggestion) ? `for example '${suggestion}'` : undefined,
  );
  return id;
}

function readMode(reader: YamlReader, entry: YamlEntry): RuleMode | undefined {
  const value = entry.value;
  const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
  const mode = ruleModes.find((candidate) => candidate === text);
  if (mode !== undefined) return mode;
  const found = text === undefined ? describe(value) : `'${text}'`;
  reader.report(value ?? entry.key, `unknown mode ${found}`, `expected ${oneOf(ruleModes)}`);
  return undefined;
}

/** The rule's event types that are in the catalog; unknown, duplicate and non-string items are reported. */
function readEvents(reader: YamlReader, entry: YamlEntry, environment: RuleEnvironment): string[] {
  const items = reader.sequence(entry, "'events'");
  if (items === undefined) return [];
  if (items.length === 0) reader.report(entry.value, "'events' must list at least one event type");
  const known = environment.catalogs.eventTypes;
  const events: string[] = [];
  for (const item of items) {
    const type = reader.string({ key: entry.key, value: item }, 'event type');
    if (type === undefined) continue;
    if (!known.has(type)) {
      reader.report(item, `unknown event type '${type}'`, didYouMean(type, known.keys()));
    } else if (events.includes(type)) {
      reader.report(item, `event type '${type}' is listed twice`);
    } else {
      events.push(type);
    }
  }
  return events;
}

function readWhen(
  reader: YamlReader,
  entry: YamlEntry,
  environment: RuleEnvironment,
  events: readonly string[],
): { expression: string; compiled: CompiledCondition } | undefined {
  const value = entry.value;
  if (!isScalar(value) || typeof value.value !== 'string' || value.value.trim() === '') {
    const quoted = isScalar(value) && (typeof value.value === 'boolean' || typeof value.value === 'number');
    reader.report(
      value ?? entry.key,
      `'when' must be a CEL expression string, got ${describe(value)}`,
      quoted ? `quote it to make it a string: when: '${String(isScalar(value) ? value.value : '')}'` : undefined,
    );
    return undefined;
  }
  const expression = value.value;
  const check = checkCondition(environment, expression, events);
  for (const problem of check.problems) {
    reader.reportAt(scalarSourceOffset(reader.locator.text, value, problem.offset), problem.message, problem.hint);
  }
  return check.condition === undefined ? undefined : { expression, compiled: check.condition };
}

function readEffects(
  reader: YamlReader,
  entry: YamlEntry,
  environment: RuleEnvironment,
  defaultReason: string,
): RuleEffect[] {
  const items = reader.sequence(entry, "'effects'");
  if (items === undefined) return [];
  if (items.length === 0) reader.report(entry.value, "'effects' must list at least one effect");
  const effects: RuleEffect[] = [];
  for (const item of items) {
    const effect = readEffect(reader, item, environment.catalogs, defaultReason);
    if (effect !== undefined) effects.push(effect);
  }
  return effects;
}
