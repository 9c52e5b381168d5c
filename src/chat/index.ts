/**
 * Conversations: chat text to indicator hits and payment handles (normaliser, language
 * identification, lexicon banks), and the chat rule pack (dyad features, grooming, sextortion
 * fast path, metadata-only typology). No transport, no storage; the composition root registers
 * the pack with the engine.
 */
export type {
  ChatAnalyser,
  ChatAnalysis,
  ChatMessageInput,
  ExtractedHandle,
  HandleKind,
  IndicatorHit,
} from './chat-analysis.js';
export * from './chat-pack/index.js';
export { dyadEntityId } from './dyad.js';
export { type IndicatorFamily, indicatorFamilies, isIndicatorFamily } from './indicator-families.js';
export { type ChatAnalyserOptions, createChatAnalyser } from './text/analyser.js';
export { extractHandles, type HandleOptions } from './text/handles.js';
export {
  defaultLanguageFloor,
  identifyLanguage,
  type LanguageFloor,
  type LanguageGuess,
  LanguageTracker,
  type LanguageTrackerState,
  loadLanguageIdentification,
} from './text/language.js';
export {
  checkLexicon,
  type LexiconBank,
  type LexiconEntry,
  type LexiconKind,
  type LexiconLanguage,
  type LexiconSource,
  lexiconKinds,
  lexiconLanguages,
  lexiconLimits,
} from './text/lexicon.js';
export {
  isLexiconFileName,
  lexiconFolder,
  loadOperatorLexicons,
  parseLexiconText,
  readLexiconFile,
} from './text/lexicon-files.js';
export { type ChatToken, Evasion, type NormalisedText, normalise } from './text/normalise.js';
export { shippedLexicons } from './text/shipped-lexicons.js';
