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
