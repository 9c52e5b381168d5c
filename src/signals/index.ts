/**
 * Signals: how content becomes comparable values. One folder per signal type, each exporting
 * one descriptor; `registry.ts` lists them.
 */
export { type ExtraVideoView, extraVideoViewNames, isExtraVideoView } from './extra-video-views.js';
export { type Md5Hash, md5Signal } from './md5/index.js';
export {
  isOptionalVideoSignal,
  type OptionalVideoSignal,
  optionalVideoSignalNames,
} from './optional-video-signals.js';
export * from './pdq/index.js';
export { createSignalIndex, signalTypeByName, signalTypes } from './registry.js';
export { type Sha256Hash, sha256Signal } from './sha256/index.js';
export type {
  BytesSignalType,
  ContentKind,
  FramePixels,
  HashedSignal,
  SignalContent,
  SignalType,
  VideoFrameReading,
} from './signal-type.js';
export * from './tmk/index.js';
export * from './vpdq/index.js';
