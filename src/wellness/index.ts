/**
 * Wellness: what protects reviewers from what they review. Media items of a case (references,
 * never stored media), blurred greyscale renditions, audited single-use watermarked reveals, the
 * reveal records that tell whether a file was viewed, preferences (organisation defaults and
 * personal overrides), the exposure budget and the wellness lead's aggregate; the
 * `WellnessRepository` contract that `storage/` implements.
 */

export {
  type AggregateDay,
  aggregateDays,
  dayStart,
  type ExposureCount,
  type ExposureReport,
  type ExposureStatus,
  exposureOf,
  isoWeekStart,
  type RotationSuggestion,
} from './exposure.js';
export {
  type CategoryLookup,
  caseOfItemId,
  listCaseMedia,
  type MediaCaseHints,
  mediaItemId,
} from './media-items.js';
export {
  defaultLimits,
  defaultPreferences,
  type LimitsPatch,
  mergeLimits,
  mergePreferences,
  type PreferencesPatch,
  parseLimits,
  parsePreferences,
  warnsBefore,
} from './preferences.js';
export {
  type DecodeBounds,
  type DecodedMedia,
  decodeMedia,
  renderRendition,
  renderReveal,
  revealMaxSide,
  type Still,
  watermarkTile,
} from './renditions.js';
export type {
  ExposureLimits,
  MediaItem,
  MediaKind,
  MediaOrigin,
  MediaSource,
  NewReveal,
  ResolvedMedia,
  RevealRecord,
  SettingsScope,
  Threshold,
  WellnessPreferences,
  WellnessRepository,
} from './wellness-records.js';
export {
  type RevealGrant,
  type WellnessAudit,
  type WellnessDefaults,
  WellnessService,
  type WellnessServiceOptions,
} from './wellness-service.js';
