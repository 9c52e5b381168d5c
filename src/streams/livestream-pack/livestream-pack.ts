import type { PackFactory, RulePack } from '../../packs/index.js';
import { livestreamFeatures } from './features.js';
import { joinedAfterPayment } from './joined-after-payment/rule.js';
import { parseLivestreamPackOptions } from './pack-options.js';
import { privateCorridorForeignGift } from './private-corridor-foreign-gift/rule.js';
import { createRepeatedShortOneToOne } from './repeated-short-one-to-one/rule.js';
import { livestreamTypologies } from './typologies.js';

/** The pack's name: a storage key, never renamed. */
export const livestreamPackName = 'livestream_sessions';

/**
 * Builds the live-session pack for `overrides` (merged onto `defaultLivestreamPackOptions`):
 * the `session_…` features, the three `session_…` built-in rules and the two `livestream_…`
 * typologies. Its rules, like every built-in, run in shadow mode until an operator turns them on
 * in `builtin-rules.yaml`; their thresholds are each rule's zod config. It sets and reads no
 * labels, and never reads message text or media: only session, viewer and payment metadata.
 *
 * @example
 * const pack = createLivestreamPack({ corridors: ['PH', 'TH'], shortSessionMinutes: 10 });
 * @throws EngineError CONFIG_INVALID for bad options.
 */
export function createLivestreamPack(overrides?: unknown): RulePack {
  const options = parseLivestreamPackOptions(overrides);
  return Object.freeze({
    name: livestreamPackName,
    version: 1,
    description:
      'Live-session signals: private one-to-one sessions from high-risk corridors with paying foreign viewers, ' +
      'sessions starting minutes after a payment, repeated short one-to-one sessions (session metadata only)',
    features: livestreamFeatures(options),
    rules: Object.freeze([
      privateCorridorForeignGift,
      joinedAfterPayment,
      createRepeatedShortOneToOne(options.shortSessionMinutes),
    ]),
    typologies: livestreamTypologies,
    labels: Object.freeze([]),
  });
}

/** The live-session pack with the default options: what the engine loads. */
export const livestreamPack: RulePack = createLivestreamPack();

/**
 * The live-session pack as the composition root registers it (`src/app/rule-packs.ts`): the
 * streams vertical owns the pack, the engine only loads what is registered.
 */
export const livestreamPackFactory: PackFactory = {
  name: livestreamPackName,
  description: 'Live-session signals (private corridor sessions, payment then session, repeated short one-to-one)',
  create: createLivestreamPack,
};
