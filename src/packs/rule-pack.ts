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
}

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
   * @throws EngineError CONFIG_INVALID for bad settings or an unreadable named file.
   */
  create(settings?: unknown, files?: PackFiles): RulePack;
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
