import { readFileSync, realpathSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { EngineError } from '../core/index.js';
import { defaultEventLimits, type EventLimits, EventTypeRegistry, type OperatorEventType } from '../events/index.js';
import { defineFeatures, type FeatureDefinition, type FeatureSpec } from '../features/index.js';
import {
  type LabelPropagation,
  type PackFiles,
  type PackRegistry,
  packFactory,
  packFileMaxBytes,
  type RulePack,
} from '../packs/index.js';
import { type RuleCatalogs, type RuleLimits, resolveRuleLimits } from '../rules/index.js';
import { defineTypologies, type TypologyDefinition } from '../typologies/index.js';
import { compileEventFilter } from './event-filter.js';

/**
 * An engine's policy, read from one directory:
 *
 * ```
 * <dir>/features.yaml      features: [{name, entity, entity_type?, events, aggregate, field?, window?, filter?}]
 * <dir>/typologies.yaml    typologies: [...]   (see docs/rules.md)
 * <dir>/labels.yaml        labels: [name, ...] (every label a rule may set or read)
 * <dir>/event-types/*.json operator event types {name, requiredRoles?, roleTypes?, dataSchema}
 * <dir>/rules/**.yaml      operator rules
 * <dir>/packs.yaml         packs: { <pack>: { enabled?: bool, settings?: {…} } }  (rule packs)
 * <dir>/rule-limits.yaml   rule_limits: { max_cost?, max_evaluation_ms?, assumed_data_size? }
 * <dir>/limits.yaml        events: { time_from?, time_until?, max_bytes?, max_depth?, max_string_length? }
 * ```
 * Every file is optional; a missing directory is an empty policy. With a policy directory every
 * rule pack of the registry the composition root passes (`packRegistry`) is loaded unless
 * `packs.yaml` disables it (its rules run in shadow mode until `builtin-rules.yaml` makes them
 * active); with none, no pack is. The engine knows no pack itself: without a registry there is
 * none to load, and `packs.yaml` naming one is an error. A policy typology with a pack typology's
 * name replaces it (how an operator tunes a pack's thresholds).
 */
export interface EngineConfig {
  readonly directory: string;
  readonly rulesDirectory: string;
  readonly registry: EventTypeRegistry;
  readonly features: readonly FeatureSpec[];
  readonly typologies: readonly TypologyDefinition[];
  readonly labels: readonly string[];
  readonly catalogs: RuleCatalogs;
  /** The rule packs loaded, their features, typologies and labels already merged above. */
  readonly packs: readonly RulePack[];
  /** The packs' label propagations (applied when a person sets a label). */
  readonly propagations: readonly LabelPropagation[];
}

/** Options for `loadEngineConfig`. */
export interface EngineConfigOptions {
  /**
   * The packs this deployment can load, registered by the composition root (`builtinPacks` in
   * `src/app/`); `packs.yaml` selects and configures among them. Default: none.
   */
  readonly packRegistry?: PackRegistry;
  /** Use exactly these packs instead of the ones `packs.yaml` selects from the registry. */
  readonly packs?: readonly RulePack[];
  /** Event limits set in code, over `limits.yaml` and the defaults. */
  readonly eventLimits?: Partial<EventLimits>;
  /** The actions the policy declares (`actions.yaml`, read by the composition root): rules may name them. */
  readonly actionNames?: readonly string[];
}

const isoInstant = z
  .string()
  .refine((text) => /T/.test(text) && !Number.isNaN(Date.parse(text)), 'expected an ISO-8601 date-time');

const limitsFile = z.object({
  events: z
    .strictObject({
      time_from: isoInstant.optional(),
      time_until: isoInstant.optional(),
      max_bytes: z.number().int().min(1024).max(1_073_741_824).optional(),
      max_depth: z.number().int().min(2).max(1000).optional(),
      max_string_length: z.number().int().min(1).max(1_073_741_824).optional(),
    })
    .default({}),
});

/** The event limits: the defaults, then `<dir>/limits.yaml`, then `overrides`. */
async function loadEventLimits(
  path: string | undefined,
  overrides: Partial<EventLimits> | undefined,
): Promise<EventLimits> {
  const parsed = limitsFile.safeParse((path === undefined ? undefined : await readYaml(path)) ?? {});
  if (!parsed.success) throw problems(path ?? 'limits', parsed.error);
  const file = parsed.data.events;
  const limits: EventLimits = {
    minTimeMs: file.time_from === undefined ? defaultEventLimits.minTimeMs : Date.parse(file.time_from),
    maxTimeMs: file.time_until === undefined ? defaultEventLimits.maxTimeMs : Date.parse(file.time_until),
    maxBytes: file.max_bytes ?? defaultEventLimits.maxBytes,
    maxDepth: file.max_depth ?? defaultEventLimits.maxDepth,
    maxStringLength: file.max_string_length ?? defaultEventLimits.maxStringLength,
    ...overrides,
  };
  if (!(limits.minTimeMs < limits.maxTimeMs))
    throw new EngineError('CONFIG_INVALID', `${path ?? 'limits'}: events.time_from must be before events.time_until`);
  return limits;
}

const packsFile = z.object({
  packs: z
    .record(
      z.string(),
      z.strictObject({ enabled: z.boolean().default(true), settings: z.unknown().optional() }).nullable(),
    )
    .default({}),
});

const featureFile = z.object({
  features: z
    .array(
      z
        .object({
          name: z.string(),
          entity: z.string(),
          entity_type: z.string().optional(),
          events: z.array(z.string()).min(1),
          aggregate: z.string(),
          field: z.string().optional(),
          window: z.string().optional(),
          filter: z.string().optional(),
        })
        .strict(),
    )
    .default([]),
});

const positive = z.number().int().positive();
const ruleLimitsFile = z.strictObject({
  rule_limits: z
    .strictObject({
      max_cost: positive.optional(),
      max_evaluation_ms: positive.optional(),
      assumed_data_size: positive.optional(),
    })
    .default({}),
});

/** The rule cost budget `rule-limits.yaml` sets (docs/rules.md, "Cost budget"); `{}` without the file. */
async function loadRuleLimits(path: string): Promise<Partial<RuleLimits>> {
  const parsed = ruleLimitsFile.safeParse((await readYaml(path)) ?? { rule_limits: {} });
  if (!parsed.success) throw problems(path, parsed.error);
  const limits = parsed.data.rule_limits;
  return {
    ...(limits.max_cost === undefined ? {} : { maxCost: limits.max_cost }),
    ...(limits.max_evaluation_ms === undefined ? {} : { maxEvaluationMs: limits.max_evaluation_ms }),
    ...(limits.assumed_data_size === undefined ? {} : { assumedDataSize: limits.assumed_data_size }),
  };
}

async function readYaml(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineError('CONFIG_INVALID', `${path} could not be read`, { cause: error });
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new EngineError('CONFIG_INVALID', `${path}: ${(error as Error).message}`);
  }
}

function problems(path: string, error: z.ZodError): EngineError {
  return new EngineError(
    'CONFIG_INVALID',
    error.issues.map((issue) => `${path}: ${issue.path.join('.')}: ${issue.message}`).join('\n'),
  );
}

async function readEventTypes(directory: string): Promise<OperatorEventType[]> {
  const names = await readdir(directory).catch(() => [] as string[]);
  const types: OperatorEventType[] = [];
  for (const name of names.filter((file) => file.endsWith('.json')).sort()) {
    const path = join(directory, name);
    try {
      types.push(JSON.parse(await readFile(path, 'utf8')) as OperatorEventType);
    } catch (error) {
      throw new EngineError('CONFIG_INVALID', `${path}: ${(error as Error).message}`);
    }
  }
  return types;
}

/** The value type rules see for an aggregate: counts and times are whole, sums may not be. */
function featureValueType(aggregate: string): 'int' | 'double' {
  return aggregate === 'sum' || aggregate === 'min' || aggregate === 'max' ? 'double' : 'int';
}

/**
 * Reads and validates a policy directory.
 *
 * @throws EngineError `CONFIG_INVALID` listing every problem found in a file.
 */
export async function loadEngineConfig(directory: string, options: EngineConfigOptions = {}): Promise<EngineConfig> {
  const packs =
    options.packs ??
    (directory === '' ? [] : await loadPacks(join(directory, 'packs.yaml'), options.packRegistry ?? []));
  const ruleLimits = directory === '' ? {} : await loadRuleLimits(join(directory, 'rule-limits.yaml'));
  const limits = resolveRuleLimits(ruleLimits);
  const featuresPath = join(directory, 'features.yaml');
  const parsedFeatures = featureFile.safeParse((await readYaml(featuresPath)) ?? {});
  if (!parsedFeatures.success) throw problems(featuresPath, parsedFeatures.error);
  const definitions: FeatureDefinition[] = parsedFeatures.data.features.map((feature) => ({
    name: feature.name,
    entity: feature.entity,
    ...(feature.entity_type !== undefined ? { entityType: feature.entity_type } : {}),
    eventTypes: feature.events,
    aggregate: feature.aggregate as FeatureDefinition['aggregate'],
    ...(feature.field !== undefined ? { field: feature.field } : {}),
    ...(feature.window !== undefined ? { window: feature.window } : {}),
    ...(feature.filter !== undefined ? { filter: compileEventFilter(feature.filter, feature.name, limits) } : {}),
  }));
  const features = defineFeatures([...definitions, ...packs.flatMap((pack) => pack.features)]);

  const typologiesPath = join(directory, 'typologies.yaml');
  const typologyInput = ((await readYaml(typologiesPath)) ?? {}) as { typologies?: unknown };
  const policyTypologies = defineTypologies(typologyInput.typologies ?? []);
  const overridden = new Set(policyTypologies.map((typology) => typology.name));
  const typologies = [
    ...packs.flatMap((pack) => pack.typologies).filter((typology) => !overridden.has(typology.name)),
    ...policyTypologies,
  ];

  const labelsPath = join(directory, 'labels.yaml');
  const labelsParsed = z
    .object({ labels: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/)).default([]) })
    .safeParse((await readYaml(labelsPath)) ?? {});
  if (!labelsParsed.success) throw problems(labelsPath, labelsParsed.error);
  const labels = [...new Set([...labelsParsed.data.labels, ...packs.flatMap((pack) => pack.labels)])];

  const eventLimits = await loadEventLimits(
    directory === '' ? undefined : join(directory, 'limits.yaml'),
    options.eventLimits,
  );
  const registry = new EventTypeRegistry(await readEventTypes(join(directory, 'event-types')), eventLimits);
  const roles = new Set([
    'user',
    'device',
    'ip',
    'payment_account',
    'payee_account',
    'stream',
    'conversation',
    'recipient',
    'host',
    'reporter',
    'media',
    'payee_document',
    'payment_relationship',
    'handle',
  ]);
  for (const typology of typologies) roles.add(typology.subject);
  for (const feature of features) roles.add(feature.entity);
  const catalogs: RuleCatalogs = {
    eventTypes: Object.fromEntries(registry.names().map((name) => [name, {}])),
    features: Object.fromEntries(
      features.map((feature) => [feature.name, { type: featureValueType(feature.aggregate) }]),
    ),
    labels,
    typologies: typologies.map((typology) => typology.name),
    entityRoles: [...roles].sort(),
    actions: options.actionNames ?? [],
    ruleLimits,
  };
  return {
    directory,
    rulesDirectory: join(directory, 'rules'),
    registry,
    features,
    typologies,
    labels,
    catalogs,
    packs,
    propagations: packs.flatMap((pack) => pack.propagations ?? []),
  };
}

/**
 * Files of the policy directory a pack's settings may name: relative paths only, never outside
 * the directory (no `..`, no absolute path, no symbolic link out), at most `packFileMaxBytes`.
 */
function policyFiles(directory: string): PackFiles {
  const root = resolve(directory);
  return {
    read(path) {
      if (typeof path !== 'string' || path === '' || isAbsolute(path) || path.includes('\0')) {
        throw new EngineError('CONFIG_INVALID', `'${String(path)}' must be a path relative to the policy directory`);
      }
      const inside = (base: string, candidate: string) => candidate.startsWith(`${base}${sep}`);
      const full = resolve(root, path);
      if (!inside(root, full)) throw new EngineError('CONFIG_INVALID', `'${path}' leaves the policy directory`);
      try {
        const real = realpathSync(full);
        if (!inside(realpathSync(root), real)) {
          throw new EngineError('CONFIG_INVALID', `'${path}' leaves the policy directory`);
        }
        const size = statSync(real).size;
        if (size > packFileMaxBytes) {
          throw new EngineError('CONFIG_INVALID', `'${path}' is ${size} bytes; at most ${packFileMaxBytes}`);
        }
        return readFileSync(real, 'utf8');
      } catch (error) {
        if (error instanceof EngineError) throw error;
        throw new EngineError('CONFIG_INVALID', `cannot read '${path}' in the policy directory`, { cause: error });
      }
    },
  };
}

/** The packs `packs.yaml` enables: every registered pack unless disabled there. */
async function loadPacks(path: string, registry: PackRegistry): Promise<RulePack[]> {
  const parsed = packsFile.safeParse((await readYaml(path)) ?? {});
  if (!parsed.success) throw problems(path, parsed.error);
  const files = policyFiles(dirname(path));
  const selected: RulePack[] = [];
  const settings = parsed.data.packs;
  for (const name of Object.keys(settings)) packFactory(registry, name);
  for (const factory of registry) {
    const entry = Object.hasOwn(settings, factory.name) ? settings[factory.name] : undefined;
    if (entry?.enabled === false) continue;
    try {
      selected.push(await factory.create(entry?.settings, files));
    } catch (error) {
      throw new EngineError('CONFIG_INVALID', `${path}: ${(error as Error).message}`);
    }
  }
  return selected;
}
