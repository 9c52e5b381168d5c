/**
 * The OCSE payments pack: payment typologies of paid online child sexual exploitation and
 * financially motivated sextortion (F01–F17, T1–T6 of `ocse-financial-indicators.md`), as
 * features, built-in rules and typologies on the signals engine.
 */
import { EngineError, parseJsonWithin } from '../../core/index.js';
import type { PackFactory, PackFiles, RulePack } from '../../packs/index.js';
import { parsePayerModel } from '../learning/index.js';
import { payerModelInputsFor } from './model-inputs.js';
import { type PayerModelOptions, payerModelRule, payerModelTypologies } from './model-rule.js';
import { ocseFeatures } from './ocse-features.js';
import { type OcseSettings, resolveOcseSettings } from './ocse-settings.js';
import { ocseTypologies } from './ocse-typologies.js';
import { payerIndicators } from './payer-indicators.js';
import { paymentFactsFor } from './payment-facts.js';
import { ocseLabel, receiverIndicators } from './receiver-indicators.js';
import { rhythmIndicators } from './rhythm-indicators.js';
import { sextortionIndicators } from './sextortion-indicators.js';

export { type AbsentField, type FieldNeed, type ProfileField, profileFields } from './indicator-inputs.js';
export { modelScoresPayment, type PayerModelInputs, payerPeerGroup } from './model-inputs.js';
export {
  type CapturedModelInputs,
  type PayerModelOptions,
  payerModelRuleId,
  payerModelTypology,
} from './model-rule.js';
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

/** How a pack is built beyond its settings. */
export interface OcsePackOptions {
  /** Reads `payer_model_file` (the engine's policy directory). */
  readonly files?: PackFiles;
  /** The payer model (and/or a capture of its inputs) given directly, instead of `payer_model_file`. */
  readonly payerModel?: PayerModelOptions;
}

/** The model `payer_model_file` names, read through `files`; none when the setting is absent. */
function modelFromSettings(settings: OcseSettings, files: PackFiles | undefined): PayerModelOptions | undefined {
  const path = settings.payer_model_file;
  if (path === undefined) return undefined;
  if (files === undefined) {
    throw new EngineError('CONFIG_INVALID', `payer_model_file '${path}' needs a policy directory to be read from`);
  }
  let json: unknown;
  try {
    json = parseJsonWithin(files.read(path), 64);
  } catch (error) {
    if (error instanceof EngineError && error.code === 'CONFIG_INVALID') throw error;
    throw new EngineError('CONFIG_INVALID', `payer_model_file '${path}' is not JSON within 64 levels`);
  }
  try {
    return { model: parsePayerModel(json) };
  } catch (error) {
    throw new EngineError('CONFIG_INVALID', `payer_model_file '${path}': ${(error as Error).message}`);
  }
}

/**
 * Builds the pack for one deployment's settings (`packs.yaml` → `ocse_payments.settings`).
 * @throws EngineError CONFIG_INVALID for bad settings, or a `payer_model_file` that cannot be read or is not a model.
 */
export function createOcsePaymentsPack(settings?: unknown, options: OcsePackOptions = {}): RulePack {
  const resolved = resolveOcseSettings(settings ?? {});
  const facts = paymentFactsFor(resolved);
  const features = ocseFeatures(facts);
  const indicators = [
    ...rhythmIndicators(facts),
    ...payerIndicators(facts),
    ...receiverIndicators(facts),
    ...sextortionIndicators(facts),
  ];
  const model = options.payerModel ?? modelFromSettings(resolved, options.files);
  const withModel = model !== undefined && (model.model !== undefined || model.onInputs !== undefined);
  const rules = withModel
    ? [...indicators, payerModelRule(model, payerModelInputsFor(features, indicators, facts), facts)]
    : indicators;
  return {
    name: ocsePackName,
    version: 1,
    description: 'Paid online child sexual exploitation and sextortion payment typologies (F01–F17, T1–T6)',
    features,
    rules,
    typologies: withModel ? [...ocseTypologies, ...payerModelTypologies] : ocseTypologies,
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
  create: (settings, files) => createOcsePaymentsPack(settings, files === undefined ? {} : { files }),
};
