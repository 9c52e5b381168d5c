import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import type { PackFactory, PackFiles, RulePack } from '../../packs/index.js';
import type { ChatAnalyser } from '../chat-analysis.js';
import type { LexiconBank } from '../text/lexicon.js';
import { parseLexiconText } from '../text/lexicon-files.js';
import { chatDeriver, metadataOnlyAnalyser } from './derive-indicators.js';
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
  /**
   * The operator's own lexicon banks, besides the shipped ones: files relative to the policy
   * directory (`lexicons/….yaml`, as `prevail lexicons import` writes them), checked as the
   * `lexicons check` command checks them.
   */
  lexicon_files: z.array(z.string().min(1).max(500)).max(100).default([]),
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

/** What the chat pack's factory is built from. */
export interface ChatPackFactoryOptions {
  /**
   * Builds the text analyser over the shipped lexicons plus the operator's banks
   * (`lexicon_files`). Called when the pack is created, so a process that never loads the pack
   * never builds an analyser (language identification's data costs about 0.6 s of CPU to load).
   */
  readonly createAnalyser: (operatorLexicons: readonly LexiconBank[]) => ChatAnalyser | Promise<ChatAnalyser>;
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
export function createChatPackFactory(options: ChatPackFactoryOptions): PackFactory {
  return {
    name: chatPackName,
    description: 'Chat signals (grooming, sextortion fast path, metadata-only contact pattern, minor↔minor)',
    create: async (settings, files) => {
      const parsed = parseSettings(settings);
      const analyser = parsed.analyse_text
        ? await options.createAnalyser(readOperatorLexicons(parsed.lexicon_files, files))
        : metadataOnlyAnalyser;
      return createChatPack({ analyser }, settings);
    },
  };
}

/**
 * The operator's lexicon banks named in the settings, read through the policy directory.
 * @throws EngineError CONFIG_INVALID naming the file and what is wrong with it.
 */
function readOperatorLexicons(paths: readonly string[], files: PackFiles | undefined): LexiconBank[] {
  if (paths.length === 0) return [];
  if (files === undefined)
    throw new EngineError('CONFIG_INVALID', 'chat pack settings name lexicon_files but there is no policy directory');
  return paths.map((path) => {
    try {
      return parseLexiconText(files.read(path), path);
    } catch (error) {
      if (error instanceof EngineError && error.code === 'CONFIG_INVALID') throw error;
      throw new EngineError('CONFIG_INVALID', `chat pack lexicon_files: ${(error as Error).message}`);
    }
  });
}
