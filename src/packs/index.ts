/**
 * The rule-pack contract: what a vertical (payments, live sessions, later chat) hands the engine
 * — features, built-in rules, typologies, labels and label propagations, built from the
 * operator's settings — and the registry the composition root fills. No pack lives here: each
 * vertical owns its own (`payments/ocse-pack/`, `streams/livestream-pack/`), so the engine, which
 * imports only this module, knows no vertical. Also the corridor list the packs share (data).
 */

export { type CorridorEntry, corridorListVersion, defaultCorridorCountries, defaultCorridors } from './corridors.js';
export { packFactory } from './pack-registry.js';
export {
  type DerivationContext,
  type DerivedEvent,
  type EventDerivation,
  type EventDeriver,
  type LabelPropagation,
  maxDerivedEvents,
  type PackFactory,
  type PackFiles,
  type PackRegistry,
  type PropagationStep,
  packFileMaxBytes,
  type RulePack,
} from './rule-pack.js';
