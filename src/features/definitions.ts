/**
 * Feature definitions: the validated configuration of what the feature store keeps. A definition
 * names one windowed aggregate of one entity role over some event types ("payments sent by this
 * payment account in 30 days"); its `name` is the storage key rules and snapshots refer to it by.
 */
import { z } from 'zod';
import { EngineError } from '../core/index.js';
import type { EngineEvent } from '../events/index.js';
import { bucketWidthMs, parseWindow } from './window.js';

/** The aggregates a feature can keep, in the order error messages list them. */
export const aggregates = ['count', 'sum', 'distinct', 'min', 'max', 'first_seen', 'last_seen'] as const;

/** One of the aggregates: see `FeatureDefinition.aggregate`. */
export type Aggregate = (typeof aggregates)[number];

/**
 * One feature, as configured.
 *
 * - `name`: the storage key, `[a-z][a-z0-9_]*`, at most 64 characters, unique in a definition set.
 * - `entity`: the role in `event.entities` the feature is kept for (`user`, `payee_account`).
 * - `entityType`: that role's entity type, default the role itself; the feature is kept per
 *   `entityKey(entityType, id)`, so `payee_account` features of type `payment_account` live on the
 *   same entity as the `payment_account` role's features.
 * - `eventTypes`: the event types that feed it.
 * - `aggregate`: `count` events, `sum` / `min` / `max` of a numeric field, `distinct` values of a
 *   field, or the Unix-ms time the entity was `first_seen` / `last_seen` by such an event.
 * - `field`: a dotted path into the event, starting at one of its keys (`data.amount`,
 *   `entities.payee_account`); required for sum, min, max and distinct; for count, first_seen and
 *   last_seen an event counts only when the field is present.
 * - `window`: `<n>m`, `<n>h` or `<n>d` from 1m to 400d (see `window.ts` for the bucket rule);
 *   required except for first_seen and last_seen, which are all-time and ignore it.
 * - `filter`: an extra predicate an event must pass (the rules module compiles it from CEL). It
 *   must be pure and total: it is called on the hot path and is not part of snapshots.
 * - `value`: computes the aggregated value in code instead of reading `field` (rule packs use it
 *   for derived values such as an amount in US dollars); same purity rules as `filter`. A
 *   feature has `field` or `value`, not both.
 * - `readRole`: the role whose entity rules read the feature for, default `entity`. A pack keeps
 *   "money received" under the `payee_account` role and reads it when the same account pays
 *   (`readRole: payment_account`); both roles must have the feature's entity type.
 */
export interface FeatureDefinition {
  readonly name: string;
  readonly entity: string;
  readonly entityType?: string;
  readonly eventTypes: readonly string[];
  readonly aggregate: Aggregate;
  readonly field?: string;
  readonly window?: string;
  readonly filter?: (event: EngineEvent) => boolean;
  readonly value?: (event: EngineEvent) => unknown;
  readonly readRole?: string;
}

/**
 * A validated definition with its derived values, as `defineFeatures` returns it (frozen). Every
 * API taking definitions accepts these back without validating them again.
 */
export interface FeatureSpec extends FeatureDefinition {
  readonly entityType: string;
  /** The window in ms; `null` for first_seen and last_seen. */
  readonly windowMs: number | null;
  /** The bucket width in ms (window / 60); `null` for first_seen and last_seen. */
  readonly bucketMs: number | null;
  /** `field` split on dots; `null` without a field. */
  readonly fieldPath: readonly string[] | null;
  /** The role rules read the feature for (`readRole`, default `entity`). */
  readonly readRole: string;
}

/** One problem found in a definition set; `feature` is the name, or `#index` when unnamed. */
export interface FeatureProblem {
  readonly feature: string;
  readonly message: string;
}

const keyPattern = /^[a-z][a-z0-9_]{0,63}$/;
const keyRule = 'must be lowercase_with_underscores ([a-z][a-z0-9_]*, at most 64 characters)';
/** The keys of an `EngineEvent`: a field path starts at one of them. */
const eventKeys = ['id', 'type', 'time', 'timeMs', 'entities', 'data'];
const fieldPattern = new RegExp(`^(${eventKeys.join('|')})(\\.[^.\\s]+)*$`);
const fieldRule = `must be a dotted path starting at ${eventKeys.join(', ')} (e.g. data.amount)`;
const knownAggregates: ReadonlySet<string> = new Set(aggregates);
const needsField: ReadonlySet<string> = new Set(['sum', 'min', 'max', 'distinct']);
const allTime: ReadonlySet<string> = new Set(['first_seen', 'last_seen']);

/** The declarative part; cross-field rules (field and window required by aggregate) follow it. */
const definitionSchema = z.strictObject({
  name: z.string({ error: 'must be a string' }).regex(keyPattern, { error: keyRule }),
  entity: z.string({ error: 'must be a role name' }).regex(keyPattern, { error: keyRule }),
  entityType: z.string({ error: 'must be a string' }).regex(keyPattern, { error: keyRule }).optional(),
  eventTypes: z
    .array(z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }), {
      error: 'must be a list of event types',
    })
    .min(1, { error: 'must list at least one event type' })
    .refine((types) => new Set(types).size === types.length, { error: 'must not list an event type twice' }),
  aggregate: z.enum(aggregates, { error: `must be one of ${aggregates.join(', ')}` }),
  field: z.string({ error: 'must be a string' }).regex(fieldPattern, { error: fieldRule }).optional(),
  window: z
    .string({ error: 'must be a string' })
    .refine((text) => parseWindow(text) !== undefined, {
      error: "must be '<n>m', '<n>h' or '<n>d' (e.g. 24h, 30d) between 1m and 400d",
    })
    .optional(),
  filter: z
    .custom<(event: EngineEvent) => boolean>((value) => typeof value === 'function', {
      error: 'must be a function (event) => boolean',
    })
    .optional(),
  value: z
    .custom<(event: EngineEvent) => unknown>((value) => typeof value === 'function', {
      error: 'must be a function (event) => value',
    })
    .optional(),
  readRole: z.string({ error: 'must be a role name' }).regex(keyPattern, { error: keyRule }).optional(),
});

/** Specs made by `defineFeatures`: accepted again as they are. */
const validated = new WeakSet<object>();

/**
 * Every problem in `input` (an array of definitions, typically read from configuration), each
 * with the feature it belongs to: unknown keys or aggregates, bad names, windows, fields, event
 * types or filters, a field or window the aggregate needs but lacks, and duplicate names.
 * Returns an empty list when the set is valid. Never throws.
 */
export function validateFeatureDefinitions(input: unknown): FeatureProblem[] {
  if (!Array.isArray(input)) return [{ feature: '(all)', message: 'feature definitions must be a list' }];
  const problems: FeatureProblem[] = [];
  const seen = new Set<string>();
  input.forEach((definition: unknown, index) => {
    const name = nameOf(definition);
    const feature = name ?? `#${index}`;
    if (name !== undefined) {
      if (seen.has(name)) problems.push({ feature, message: `name: "${name}" is defined more than once` });
      seen.add(name);
    }
    if (validated.has(definition as object)) return;
    const result = definitionSchema.safeParse(definition);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.map(String).join('.');
        problems.push({ feature, message: path === '' ? issue.message : `${path}: ${issue.message}` });
      }
    }
    if (typeof definition !== 'object' || definition === null) return;
    const record = definition as Readonly<Record<string, unknown>>;
    const aggregate = record.aggregate;
    if (typeof aggregate !== 'string') return;
    if (needsField.has(aggregate) && record.field === undefined && record.value === undefined) {
      problems.push({ feature, message: `field: is required for ${aggregate} (the value to aggregate)` });
    }
    if (record.field !== undefined && record.value !== undefined) {
      problems.push({ feature, message: 'value: give either field or value, not both' });
    }
    if (knownAggregates.has(aggregate) && !allTime.has(aggregate) && record.window === undefined) {
      problems.push({ feature, message: `window: is required for ${aggregate} (e.g. 24h, 30d)` });
    }
  });
  return problems;
}

/**
 * Validates `definitions` and returns them as frozen specs in the same order.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem (see `validateFeatureDefinitions`),
 *   one per line, each prefixed with its feature.
 */
export function defineFeatures(definitions: readonly FeatureDefinition[]): readonly FeatureSpec[] {
  const problems = validateFeatureDefinitions(definitions);
  if (problems.length > 0) {
    const lines = problems.map((problem) => `feature ${quoteFeature(problem.feature)}: ${problem.message}`);
    throw new EngineError('CONFIG_INVALID', `invalid feature definitions:\n${lines.join('\n')}`);
  }
  return Object.freeze(definitions.map(toSpec));
}

function toSpec(definition: FeatureDefinition): FeatureSpec {
  if (validated.has(definition)) return definition as FeatureSpec;
  const windowed = !allTime.has(definition.aggregate) && definition.window !== undefined;
  const windowMs = windowed ? (parseWindow(definition.window ?? '') ?? null) : null;
  const spec: FeatureSpec = Object.freeze({
    name: definition.name,
    entity: definition.entity,
    entityType: definition.entityType ?? definition.entity,
    eventTypes: Object.freeze([...definition.eventTypes]),
    aggregate: definition.aggregate,
    ...(definition.field === undefined ? {} : { field: definition.field }),
    ...(definition.window === undefined ? {} : { window: definition.window }),
    ...(definition.filter === undefined ? {} : { filter: definition.filter }),
    ...(definition.value === undefined ? {} : { value: definition.value }),
    readRole: definition.readRole ?? definition.entity,
    windowMs,
    bucketMs: windowMs === null ? null : bucketWidthMs(windowMs),
    fieldPath: definition.field === undefined ? null : Object.freeze(definition.field.split('.')),
  });
  validated.add(spec);
  return spec;
}

function nameOf(definition: unknown): string | undefined {
  if (typeof definition !== 'object' || definition === null) return undefined;
  const name = (definition as Readonly<Record<string, unknown>>).name;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

function quoteFeature(feature: string): string {
  return feature.startsWith('#') || feature === '(all)' ? feature : `"${feature}"`;
}
