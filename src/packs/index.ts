/**
 * Rule packs: features, built-in rules, typologies and labels shipped together per harm. The
 * engine loads the packs a policy enables (`packs.yaml`; all of them by default).
 */
import { EngineError } from '../core/index.js';
import { createLivestreamPack, livestreamPackName } from './livestream/index.js';
import { createOcsePaymentsPack, ocsePackName } from './ocse/index.js';
import type { RulePack } from './rule-pack.js';

export { type CorridorEntry, corridorListVersion, defaultCorridorCountries, defaultCorridors } from './corridors.js';
export * from './livestream/index.js';
export * from './ocse/index.js';
export type { LabelPropagation, PropagationStep, RulePack } from './rule-pack.js';

/** A built-in pack: its name and how to build it from the operator's settings. */
export interface PackFactory {
  readonly name: string;
  readonly description: string;
  /** @throws EngineError CONFIG_INVALID for bad settings. */
  create(settings?: unknown): RulePack;
}

/** Every pack Prevail ships. Names are storage keys. */
export const builtinPacks: readonly PackFactory[] = [
  {
    name: ocsePackName,
    description: 'OCSE and sextortion payment typologies (F01–F17, T1–T6)',
    create: createOcsePaymentsPack,
  },
  {
    name: livestreamPackName,
    description: 'Live-session signals (private corridor sessions, payment then session, repeated short one-to-one)',
    create: createLivestreamPack,
  },
];

/** The factory called `name`. @throws EngineError CONFIG_INVALID naming the known packs. */
export function packFactory(name: string): PackFactory {
  const factory = builtinPacks.find((pack) => pack.name === name);
  if (factory === undefined) {
    throw new EngineError(
      'CONFIG_INVALID',
      `unknown rule pack '${name}'; known: ${builtinPacks.map((pack) => pack.name).join(', ')}`,
    );
  }
  return factory;
}
