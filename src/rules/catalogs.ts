import { EngineError } from '../core/index.js';
import { type RuleLimits, resolveRuleLimits } from './rule-limits.js';

/** The CEL type of a feature's value: counts and distinct counts are `int`, sums and ratios `double`. */
export type FeatureValueType = 'int' | 'double';

/** What validation knows about one feature. */
export interface CatalogFeature {
  readonly type: FeatureValueType;
  readonly description?: string;
}

/** What validation knows about one event type. */
export interface CatalogEventType {
  /**
   * The names of the fields its `data` may carry. When every event type a rule runs on lists its
   * fields, `event.data.x` must name a field of at least one of them; when any of them omits the
   * list, `event.data` references are not checked.
   */
  readonly dataFields?: readonly string[];
}

/**
 * The names rules may use, supplied by the modules that own them (events, features, labels,
 * typologies). Validation checks every name in a rule file against these, so a typo is a
 * located error before the rule runs instead of a rule that silently never fires.
 *
 * Records are keyed by name; only own keys count.
 *
 * @example
 * const catalogs: RuleCatalogs = {
 *   eventTypes: { 'session.started': { dataFields: ['kind', 'visibility', 'viewer_count'] } },
 *   features: { payments_to_host_30m: { type: 'int' } },
 *   labels: ['stream_watch'],
 *   typologies: ['livestream_payment_pattern'],
 *   entityRoles: ['user', 'stream', 'payment_account'],
 * };
 */
export interface RuleCatalogs {
  readonly eventTypes: Readonly<Record<string, CatalogEventType>>;
  readonly features: Readonly<Record<string, CatalogFeature>>;
  readonly labels: readonly string[];
  readonly typologies: readonly string[];
  readonly entityRoles: readonly string[];
  /** The actions declared in the policy's `actions.yaml` (none when absent). */
  readonly actions?: readonly string[];
  /**
   * The cost budget of every condition (see `RuleLimits`); `defaultRuleLimits` for what is not
   * given. Set by the policy's `rule-limits.yaml`.
   */
  readonly ruleLimits?: Partial<RuleLimits>;
}

/** The catalogs as sets and maps, built once per rule set. */
export interface CatalogIndex {
  readonly eventTypes: ReadonlyMap<string, CatalogEventType>;
  readonly features: ReadonlyMap<string, CatalogFeature>;
  readonly labels: ReadonlySet<string>;
  readonly typologies: ReadonlySet<string>;
  readonly entityRoles: ReadonlySet<string>;
  readonly actions: ReadonlySet<string>;
  readonly limits: RuleLimits;
}

const featureNamePattern = /^[a-z][a-z0-9_]*$/;

/**
 * Indexes the catalogs, checking the one thing rules cannot work around: feature names become
 * CEL field names (`features.name`), so they must be lowercase identifiers.
 *
 * @throws EngineError CONFIG_INVALID when a feature name is not `[a-z][a-z0-9_]*`, a type is
 * unknown or a rule limit is not a positive whole number.
 */
export function indexCatalogs(catalogs: RuleCatalogs): CatalogIndex {
  const features = new Map<string, CatalogFeature>();
  for (const [name, spec] of Object.entries(catalogs.features)) {
    if (!featureNamePattern.test(name)) {
      throw new EngineError('CONFIG_INVALID', `feature name '${name}' must match [a-z][a-z0-9_]* to be used in rules`);
    }
    if (spec.type !== 'int' && spec.type !== 'double') {
      throw new EngineError(
        'CONFIG_INVALID',
        `feature '${name}' has type '${String(spec.type)}'; expected int or double`,
      );
    }
    features.set(name, spec);
  }
  return {
    eventTypes: new Map(Object.entries(catalogs.eventTypes)),
    features,
    labels: new Set(catalogs.labels),
    typologies: new Set(catalogs.typologies),
    actions: new Set(catalogs.actions ?? []),
    entityRoles: new Set(catalogs.entityRoles),
    limits: resolveRuleLimits(catalogs.ruleLimits),
  };
}
