import type { EngineEvent } from '../events/index.js';
import type { FeatureDefinition } from '../features/index.js';
import type { BuiltinRule } from '../rules/index.js';
import type { TypologyDefinition } from '../typologies/index.js';

/**
 * A rule pack: the features, built-in rules, typologies and labels that detect one family of
 * harm (OCSE payments, live-stream sessions), shipped together because they only make sense
 * together. This is the whole contract between a vertical and the engine: each vertical builds
 * its pack (`payments/ocse-pack/`, `streams/livestream-pack/`), the composition root registers
 * the packs' factories (`PackRegistry`), and the engine loads the registered packs `packs.yaml`
 * enables beside the operator's policy without knowing any of them: pack features and typologies
 * join the policy's (names must not collide), pack rules join the built-in rules and run in
 * shadow mode until the operator turns them on in `builtin-rules.yaml`.
 *
 * Names (features, rules, typologies, labels) are storage keys: never rename a released one.
 * Every pack name prefixes its feature names (`ocse_…`, `session_…`) so packs cannot collide.
 */
export interface RulePack {
  /** lowercase_with_underscores, e.g. `ocse_payments`. */
  readonly name: string;
  /** Bumped whenever a default threshold or the logic changes. */
  readonly version: number;
  readonly description: string;
  readonly features: readonly FeatureDefinition[];
  readonly rules: readonly BuiltinRule[];
  readonly typologies: readonly TypologyDefinition[];
  /** Labels the pack's rules set or read. */
  readonly labels: readonly string[];
  /** Labels that spread over the entity graph when a person sets them (see `LabelPropagation`). */
  readonly propagations?: readonly LabelPropagation[];
  /**
   * Events (and entity roles) the pack derives from an ingested event before it is logged (the
   * chat pack: indicator events from a message's text). See `EventDeriver`.
   */
  readonly deriveEvents?: EventDeriver;
}

/**
 * Derives events from one ingested, already validated event, before it is logged. The engine
 * validates what it returns like any ingested event and logs it in the same append as the source,
 * right after it, so a replay or a restart reads the derived events back from the log (a
 * derivation never runs twice for one logged event) and a re-sent source derives the same ids,
 * which the log takes once.
 *
 * Contract: pure and deterministic (no I/O, no clock, no randomness): the same event gives the
 * same derivation. Each derived id is `context.idFor(suffix)` (`<source id>#<suffix>`, e.g.
 * `m-1#ind0`); at most `maxDerivedEvents` events. `addEntities` adds roles to the source event
 * itself (a role it already names is never replaced). Derived events are not derived from again.
 * A deriver that throws, or returns an event its type refuses, derives nothing for that event:
 * the source still logs and the failure is dead-lettered under it (`EVENT_DERIVATION_FAILED`).
 */
export type EventDeriver = (event: EngineEvent, context: DerivationContext) => EventDerivation | undefined;

/** What a deriver is given besides the event. */
export interface DerivationContext {
  /** The id of a derived event: `<source id>#<suffix>`. */
  idFor(suffix: string): string;
}

/** What a deriver returns: roles to add to the source, and events to log after it. */
export interface EventDerivation {
  readonly addEntities?: Readonly<Record<string, string>>;
  readonly events?: readonly DerivedEvent[];
}

/** A derived event as a deriver writes it (validated by the engine like any ingested event). */
export interface DerivedEvent {
  readonly id: string;
  readonly type: string;
  readonly time: string;
  readonly entities: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, unknown>>;
}

/** The most events one deriver may derive from one event. */
export const maxDerivedEvents = 64;

/**
 * Risk that spreads over the entity graph when a person (an analyst confirming a case, a filed
 * report) adds `label` to an entity: each step labels the entities one link away from the
 * previous step's (`out`: those the entity links to, `in`: those linking to it) over links of
 * `kind`, with a lifetime. The OCSE pack uses it for F14: a confirmed payer's payees, then those
 * payees' other payers. Steps never label the entity the propagation started from.
 */
export interface LabelPropagation {
  readonly label: string;
  readonly steps: readonly PropagationStep[];
}

export interface PropagationStep {
  readonly kind: string;
  readonly direction: 'out' | 'in';
  readonly label: string;
  readonly expiresAfterMs: number;
}

/**
 * A pack a deployment can load: its name (the key in `packs.yaml`, a storage key) and how to
 * build it from the operator's settings (`packs.yaml` → `<name>.settings`). Each vertical exports
 * its factory; the composition root lists them in a `PackRegistry`.
 */
export interface PackFactory {
  readonly name: string;
  readonly description: string;
  /**
   * `files` reads the files a pack's settings name (a trained model), relative to the policy
   * directory; absent when there is no policy directory.
   * A pack may need to load data first (the chat pack's language identification), so `create`
   * may return a promise; the engine's configuration loader awaits it.
   * @throws EngineError CONFIG_INVALID for bad settings or an unreadable named file.
   */
  create(settings?: unknown, files?: PackFiles): RulePack | Promise<RulePack>;
}

/**
 * Read access to the policy directory for a pack's settings: a pack stays free of I/O and the
 * engine's configuration loader decides what may be read (only files inside the policy
 * directory, each at most `packFileMaxBytes`).
 */
export interface PackFiles {
  /**
   * The text of `path`, relative to the policy directory.
   * @throws EngineError CONFIG_INVALID when the path leaves the directory, is missing or too big.
   */
  read(path: string): string;
}

/** The largest file a pack's settings may name (a trained model is a few hundred KiB). */
export const packFileMaxBytes = 16 * 1024 * 1024;

/**
 * The packs a deployment can load, in load order, registered by the composition root
 * (`src/app/rule-packs.ts`) and handed to `openEngine` / `loadEngineConfig`: the engine knows no
 * pack by name. Names are unique.
 */
export type PackRegistry = readonly PackFactory[];
