import { isScalar, type Node } from 'yaml';
import type { CatalogIndex } from './catalogs.js';
import { didYouMean } from './closest-name.js';
import {
  type CasePriority,
  casePriorities,
  parseDuration,
  type RuleEffect,
  type Verdict,
  verdicts,
} from './rule-model.js';
import { describe, type YamlEntry, type YamlReader } from './yaml-reader.js';

const effectKinds = ['verdict', 'label', 'typology', 'case', 'action'] as const;
const effectKeys = [...effectKinds, 'reason'];

/** Lists names as `a, b or c` for messages. */
export function oneOf(names: readonly string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1) ?? ''}`;
}

/**
 * Reads one item of a rule's `effects` list into a typed effect, reporting every problem in it.
 * Returns undefined when the item has any problem (the rule set will not compile anyway).
 *
 * Forms: `{ verdict, reason? }`, `{ label: { entity, add | remove, expires? } }`,
 * `{ typology: { name, points } }`, `{ case: { subject, priority } }`, `{ action: <declared name> }`.
 */
export function readEffect(
  reader: YamlReader,
  node: Node | null,
  catalogs: CatalogIndex,
  defaultReason: string,
): RuleEffect | undefined {
  const problemsBefore = reader.diagnostics.length;
  const entries = reader.mapping(node, 'effect', effectKeys, []);
  if (entries === undefined) return undefined;
  const present = effectKinds.filter((kind) => entries.has(kind));
  const first = present[0];
  if (first === undefined) {
    // An unknown key already reported is most likely the misspelt kind: one message is enough.
    if (reader.diagnostics.length === problemsBefore)
      reader.report(node, `effect needs one of: ${effectKinds.join(', ')}`);
    return undefined;
  }
  for (const extra of present.slice(1)) {
    const entry = entries.get(extra);
    reader.report(entry?.key, `an effect has exactly one of ${oneOf(effectKinds)}; this one also has '${extra}'`);
  }
  const reasonEntry = entries.get('reason');
  if (reasonEntry !== undefined && first !== 'verdict') {
    reader.report(reasonEntry.key, "'reason' belongs to a verdict effect (or to the rule)");
  }
  const entry = entries.get(first);
  if (entry === undefined || present.length > 1) return undefined;
  switch (first) {
    case 'verdict':
      return readVerdict(reader, entry, reasonEntry, defaultReason);
    case 'label':
      return readLabel(reader, entry, catalogs);
    case 'typology':
      return readTypology(reader, entry, catalogs);
    case 'case':
      return readCase(reader, entry, catalogs);
    case 'action':
      return readAction(reader, entry, catalogs);
  }
}

function readVerdict(
  reader: YamlReader,
  entry: YamlEntry,
  reasonEntry: YamlEntry | undefined,
  defaultReason: string,
): RuleEffect | undefined {
  const verdict = readChoice(reader, entry, 'verdict', verdicts);
  const reason = reasonEntry === undefined ? defaultReason : reader.string(reasonEntry, 'verdict reason');
  if (verdict === undefined || reason === undefined) return undefined;
  return { kind: 'verdict', verdict: verdict as Verdict, reason };
}

function readLabel(reader: YamlReader, entry: YamlEntry, catalogs: CatalogIndex): RuleEffect | undefined {
  const fields = reader.mapping(entry.value, 'label effect', ['entity', 'add', 'remove', 'expires'], ['entity']);
  if (fields === undefined) return undefined;
  const entityEntry = fields.get('entity');
  const entity = entityEntry === undefined ? undefined : readRole(reader, entityEntry, catalogs);
  const add = fields.get('add');
  const remove = fields.get('remove');
  const expiresEntry = fields.get('expires');
  let problem = entityEntry === undefined || entity === undefined;
  if (add !== undefined && remove !== undefined) {
    reader.report(remove.key, 'a label effect either adds or removes a label, not both');
    problem = true;
  } else if (add === undefined && remove === undefined) {
    reader.report(entry.value, "label effect is missing 'add' (a label to add) or 'remove' (a label to remove)");
    problem = true;
  }
  if (remove !== undefined && expiresEntry !== undefined) {
    reader.report(expiresEntry.key, "'expires' applies only when adding a label");
    problem = true;
  }
  const labelEntry = add ?? remove;
  const label = labelEntry === undefined ? undefined : readLabelName(reader, labelEntry, catalogs);
  let expiresAfterMs: number | undefined;
  if (expiresEntry !== undefined && remove === undefined) {
    const value = expiresEntry.value;
    const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
    expiresAfterMs = text === undefined ? undefined : parseDuration(text);
    if (expiresAfterMs === undefined) {
      reader.report(
        value ?? expiresEntry.key,
        `label expires must be a duration such as 30m, 12h or 7d, got ${describe(value)}`,
        'a whole number of minutes (m), hours (h) or days (d), at most 3650d',
      );
      problem = true;
    }
  }
  if (problem || entity === undefined || label === undefined) return undefined;
  return {
    kind: 'label',
    entity,
    action: add === undefined ? 'remove' : 'add',
    label,
    ...(expiresAfterMs === undefined ? {} : { expiresAfterMs }),
  };
}

function readTypology(reader: YamlReader, entry: YamlEntry, catalogs: CatalogIndex): RuleEffect | undefined {
  const fields = reader.mapping(entry.value, 'typology effect', ['name', 'points'], ['name', 'points']);
  if (fields === undefined) return undefined;
  const nameEntry = fields.get('name');
  let typology = nameEntry === undefined ? undefined : reader.string(nameEntry, 'typology name');
  if (nameEntry !== undefined && typology !== undefined && !catalogs.typologies.has(typology)) {
    reader.report(nameEntry.value, `unknown typology '${typology}'`, didYouMean(typology, catalogs.typologies));
    typology = undefined;
  }
  const pointsEntry = fields.get('points');
  let points: number | undefined;
  if (pointsEntry !== undefined) {
    const value = pointsEntry.value;
    const number = isScalar(value) && typeof value.value === 'number' ? value.value : undefined;
    if (number !== undefined && Number.isFinite(number) && number > 0) points = number;
    else reader.report(value ?? pointsEntry.key, `typology points must be a positive number, got ${describe(value)}`);
  }
  if (typology === undefined || points === undefined) return undefined;
  return { kind: 'typology', typology, points };
}

function readCase(reader: YamlReader, entry: YamlEntry, catalogs: CatalogIndex): RuleEffect | undefined {
  const fields = reader.mapping(entry.value, 'case effect', ['subject', 'priority'], ['subject', 'priority']);
  if (fields === undefined) return undefined;
  const subjectEntry = fields.get('subject');
  const subject = subjectEntry === undefined ? undefined : readRole(reader, subjectEntry, catalogs);
  const priorityEntry = fields.get('priority');
  const priority =
    priorityEntry === undefined ? undefined : readChoice(reader, priorityEntry, 'case priority', casePriorities);
  if (subject === undefined || priority === undefined) return undefined;
  return { kind: 'case', subject, priority: priority as CasePriority };
}

/** An action effect: the name of an action declared in `actions.yaml`. */
function readAction(reader: YamlReader, entry: YamlEntry, catalogs: CatalogIndex): RuleEffect | undefined {
  const action = reader.string(entry, 'action name');
  if (action === undefined) return undefined;
  if (catalogs.actions.has(action)) return { kind: 'action', action };
  const hint =
    catalogs.actions.size === 0
      ? 'declare it in actions.yaml'
      : (didYouMean(action, catalogs.actions) ?? `declared actions: ${[...catalogs.actions].join(', ')}`);
  reader.report(entry.value, `unknown action '${action}'`, hint);
  return undefined;
}

/** A string that must be one of `choices`; reports `unknown <what> 'x'` with the accepted values. */
function readChoice(
  reader: YamlReader,
  entry: YamlEntry,
  what: string,
  choices: readonly string[],
): string | undefined {
  const value = entry.value;
  const text = isScalar(value) && typeof value.value === 'string' ? value.value : undefined;
  if (text !== undefined && choices.includes(text)) return text;
  const found = text === undefined ? describe(value) : `'${text}'`;
  reader.report(value ?? entry.key, `unknown ${what} ${found}`, `expected ${oneOf(choices)}`);
  return undefined;
}

/** An entity role from the catalog. */
export function readRole(reader: YamlReader, entry: YamlEntry, catalogs: CatalogIndex): string | undefined {
  const role = reader.string(entry, 'entity role');
  if (role === undefined) return undefined;
  if (catalogs.entityRoles.has(role)) return role;
  const hint = didYouMean(role, catalogs.entityRoles) ?? `known roles: ${[...catalogs.entityRoles].join(', ')}`;
  reader.report(entry.value, `unknown entity role '${role}'`, hint);
  return undefined;
}

function readLabelName(reader: YamlReader, entry: YamlEntry, catalogs: CatalogIndex): string | undefined {
  const label = reader.string(entry, 'label name');
  if (label === undefined) return undefined;
  if (catalogs.labels.has(label)) return label;
  reader.report(entry.value, `unknown label '${label}'`, didYouMean(label, catalogs.labels));
  return undefined;
}
