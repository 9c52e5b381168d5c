/**
 * The live-session rule pack: features, built-in rules and typologies that find paid,
 * private, one-to-one live sessions from session, viewer and payment metadata (never content).
 * See docs/packs/livestream.md.
 */

export { sessionFeatureNames } from './features.js';
export { createLivestreamPack, livestreamPack, livestreamPackFactory, livestreamPackName } from './livestream-pack.js';
export {
  defaultLivestreamPackOptions,
  type LivestreamPackOptions,
  livestreamPackOptionsSchema,
  parseLivestreamPackOptions,
} from './pack-options.js';
export { livestreamTypologyNames } from './typologies.js';
