import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import type { PackFactory, RulePack } from '../../packs/index.js';
import type { ChatAnalyser } from '../chat-analysis.js';
import { chatDeriver } from './derive-indicators.js';
import { chatFeatures } from './features.js';
import { classifierScoreRule } from './rules/classifier-score.js';
import { groomingRule } from './rules/grooming.js';
import { metadataPatternRule } from './rules/metadata-pattern.js';
import { minorToMinorLabel, minorToMinorRule } from './rules/minor-to-minor.js';
import { sextortionRule } from './rules/sextortion.js';
import { recentIndicatorLabel, singleIndicatorRule } from './rules/single-indicator.js';
import { threatNewContactRule } from './rules/threat-new-contact.js';
import { chatTypologies } from './typologies.js';

/** The pack's name: a storage key, never renamed. */
export const chatPackName = 'chat_signals';

/**
 * The pack-wide settings (`packs.yaml` → `chat_signals.settings`). Rule thresholds live in each
 * rule's config (`builtin-rules.yaml`).
 */
const chatPackSettingsSchema = z.strictObject({
  /**
   * Run the text analyser on message text (default true). False: metadata only, as for an
   * end-to-end encrypted service; messages still get their `dyad` and every metadata feature.
   */
  analyse_text: z.boolean().default(true),
});

function parseSettings(settings: unknown): z.output<typeof chatPackSettingsSchema> {
  const parsed = chatPackSettingsSchema.safeParse(settings ?? {});
  if (!parsed.success)
    throw new EngineError(
      'CONFIG_INVALID',
      `chat pack settings are invalid: ${describeIssues(parsed.error.issues, '(settings)')}`,
    );
  return parsed.data;
}

/** What the chat pack is built from: the text analyser (chat text → indicator hits and handles). */
export interface ChatPackDependencies {
  readonly analyser: ChatAnalyser;
}

/**
 * Builds the chat pack: the `chat_…` features (dyad, sender, recipient), seven built-in rules
 * (shadow until `builtin-rules.yaml` turns them on), four typologies and the deriver that turns
 * a `message.sent`'s text into `chat.indicator` and `chat.handle` events before it is logged.
 *
 * @throws EngineError CONFIG_INVALID for bad settings.
 */
export function createChatPack(dependencies: ChatPackDependencies, settings?: unknown): RulePack {
  const options = parseSettings(settings);
  return Object.freeze({
    name: chatPackName,
    version: 1,
    description:
      'Chat signals: indicator families from message text, dyad features, grooming, a sextortion fast path, ' +
      'a metadata-only contact pattern, minor↔minor interactions, classifier scores, payment handles linked to payments',
    features: chatFeatures(),
    rules: Object.freeze([
      singleIndicatorRule,
      groomingRule,
      threatNewContactRule,
      sextortionRule,
      metadataPatternRule,
      minorToMinorRule,
      classifierScoreRule,
    ]),
    typologies: chatTypologies,
    labels: Object.freeze([recentIndicatorLabel, minorToMinorLabel, 'imminent_harm']),
    deriveEvents: chatDeriver(dependencies.analyser, options.analyse_text),
  });
}

/**
 * The chat pack's factory for the composition root (`src/app/rule-packs.ts`), over the analyser
 * it is given: the chat vertical owns the pack, the engine only loads what is registered.
 */
export function createChatPackFactory(dependencies: ChatPackDependencies): PackFactory {
  return {
    name: chatPackName,
    description: 'Chat signals (grooming, sextortion fast path, metadata-only contact pattern, minor↔minor)',
    create: (settings) => createChatPack(dependencies, settings),
  };
}
