/**
 * The OCSE payments pack: payment typologies of paid online child sexual exploitation and
 * financially motivated sextortion (F01–F17, T1–T6 of `ocse-financial-indicators.md`), as
 * features, built-in rules and typologies on the signals engine.
 */
import type { PackFactory, RulePack } from '../../packs/index.js';
import { ocseFeatures } from './ocse-features.js';
import { resolveOcseSettings } from './ocse-settings.js';
import { ocseTypologies } from './ocse-typologies.js';
import { payerIndicators } from './payer-indicators.js';
import { paymentFactsFor } from './payment-facts.js';
import { ocseLabel, receiverIndicators } from './receiver-indicators.js';
import { rhythmIndicators } from './rhythm-indicators.js';
import { sextortionIndicators } from './sextortion-indicators.js';

export { type AbsentField, type FieldNeed, type ProfileField, profileFields } from './indicator-inputs.js';
export { ocseFeature } from './ocse-features.js';
export { defaultOcseSettings, type OcseSettings, ocseSettingsVersion, resolveOcseSettings } from './ocse-settings.js';
export { ocseTypology } from './ocse-typologies.js';
export {
  type ChannelSource,
  type PartyKind,
  type PartyLink,
  type PaymentFacts,
  paymentFactsFor,
} from './payment-facts.js';
export {
  createPaymentsProfiler,
  type FieldCoverage,
  type IndicatorReach,
  type PaymentsProfile,
  type PaymentsProfiler,
  profilePayments,
  type TypologyReach,
} from './payments-profile.js';
export { ocseLabel } from './receiver-indicators.js';
export { type ReferenceCategory, referenceCategory } from './reference-categories.js';

const dayMs = 86_400_000;
/** How long a network label from a confirmation lasts (the note: the uplift decays over 180 days). */
const networkDays = 180;

/** The pack's name in `packs.yaml`. */
export const ocsePackName = 'ocse_payments';

/**
 * Builds the pack for one deployment's settings (`packs.yaml` → `ocse_payments.settings`).
 * @throws EngineError CONFIG_INVALID for bad settings.
 */
export function createOcsePaymentsPack(settings?: unknown): RulePack {
  const resolved = resolveOcseSettings(settings ?? {});
  const facts = paymentFactsFor(resolved);
  return {
    name: ocsePackName,
    version: 1,
    description: 'Paid online child sexual exploitation and sextortion payment typologies (F01–F17, T1–T6)',
    features: ocseFeatures(facts),
    rules: [
      ...rhythmIndicators(facts),
      ...payerIndicators(facts),
      ...receiverIndicators(facts),
      ...sextortionIndicators(facts),
    ],
    typologies: ocseTypologies,
    labels: Object.values(ocseLabel),
    // F14: confirming a payer raises its receivers and, through them, their other payers.
    propagations: [
      {
        label: ocseLabel.confirmedPayer,
        steps: [
          { kind: 'pays', direction: 'out', label: ocseLabel.networkPayee, expiresAfterMs: networkDays * dayMs },
          { kind: 'pays', direction: 'in', label: ocseLabel.networkCoPayer, expiresAfterMs: networkDays * dayMs },
        ],
      },
    ],
  };
}

/**
 * The OCSE payments pack as the composition root registers it (`src/app/rule-packs.ts`): the
 * payments vertical owns the pack, the engine only loads what is registered.
 */
export const ocsePackFactory: PackFactory = {
  name: ocsePackName,
  description: 'OCSE and sextortion payment typologies (F01–F17, T1–T6)',
  create: createOcsePaymentsPack,
};
