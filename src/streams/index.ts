/**
 * Live-stream watching: sample frames of RTMP, RTSP, HLS, HTTP-FLV streams or files with ffmpeg,
 * hash them with PDQ, match them against the banks, and feed matches to the signals engine as
 * `media.matched` events (shaped by `matching/`) — under one CPU budget, with reconnects, and
 * without storing frames unless evidence preservation is on. `StreamWatcher` owns a watcher's
 * life (connect, reconnect, stall, stop); `FramePipeline` what happens to each frame.
 * Also the live-session rule pack (`livestream-pack/`: session, viewer and payment metadata),
 * registered with the engine by the composition root.
 */

export { engineMatchSink } from './engine-match-sink.js';
export {
  allocateFps,
  budgetUtilization,
  decodeCostInHashes,
  estimateFramesPerSecond,
  type FrameBudget,
  measureFrameCost,
  measureViewsCost,
} from './frame-budget.js';
export { hashVideoFrame } from './frame-hash.js';
export {
  defaultFrameHashWorkers,
  FrameHashPool,
  type FrameHashPoolSettings,
  type FrameHashPoolStats,
} from './frame-hash-pool.js';
export {
  defaultFrameViews,
  type ExtraFrameView,
  extraFrameViews,
  type FrameViewOptions,
  frameHasher,
  frameViewsWith,
  parseExtraFrameViews,
} from './frame-views.js';
export * from './livestream-pack/index.js';
export { MatchCooldown } from './match-cooldown.js';
export { MovingRegion } from './moving-region.js';
export {
  defaultReconnectPolicy,
  ReconnectBackoff,
  type ReconnectPolicy,
  reconnectPolicy,
} from './reconnect-backoff.js';
export {
  type CheckedSource,
  checkStreamSource,
  classifySource,
  defaultStreamSourcePolicy,
  operatorStreamSourcePolicy,
  redactUrl,
  type StreamScheme,
  type StreamSourcePolicy,
  streamSchemes,
} from './source-policy.js';
export {
  type StartStreamRequest,
  type StreamBudgetStatus,
  StreamManager,
  type StreamManagerOptions,
  type StreamSettings,
} from './stream-manager.js';
export {
  type FrameHasher,
  type FrameHashes,
  type FrameMatcher,
  type FrameSource,
  type FrameView,
  finalStreamStates,
  isFinalState,
  type MatchEventSink,
  type SourceKind,
  type StreamEntities,
  type StreamState,
  type StreamStatus,
  type StreamWatchEvent,
} from './stream-types.js';
export { StreamWatcher, type StreamWatcherOptions, streamDecoderOptions } from './stream-watcher.js';
