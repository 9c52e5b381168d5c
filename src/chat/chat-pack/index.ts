/**
 * The chat rule pack: indicator events derived from message text, dyad features, grooming, the
 * sextortion fast path, the metadata-only contact pattern, minor↔minor interactions and
 * classifier scores. See docs/chat.md, "The chat pack".
 */

export { type ChatPackFactoryOptions, chatPackName, createChatPack, createChatPackFactory } from './chat-pack.js';
export { metadataOnlyAnalyser } from './derive-indicators.js';
export { chatFeatureNames } from './features.js';
export { minorToMinorLabel } from './rules/minor-to-minor.js';
export { chatTypologyNames } from './typologies.js';
