import { randomUUID } from 'node:crypto';
import type { OpenedEngine } from '../engine/index.js';
import type { FrameMatch, MatchEventSink, MediaMatchedEvent } from './stream-types.js';

/**
 * The `media.matched` event for a stream frame that matched: the same event type and `data`
 * shape that `POST /v1/match` with `entities` sends (`matches` as bank, contentId, signalType,
 * distance), with `entities.stream` (and the host `user` when known) and
 * `signals: {pdq, frame_timestamp}` so that rules can tell a live match from an upload.
 */
export function mediaMatchedEvent(options: {
  readonly entities: Readonly<Record<string, string>>;
  readonly matches: readonly FrameMatch[];
  readonly pdq: string;
  readonly frameTimestamp: number;
  readonly time: Date;
}): MediaMatchedEvent {
  return {
    id: `stream-match-${randomUUID()}`,
    type: 'media.matched',
    time: options.time.toISOString(),
    entities: options.entities,
    data: {
      matches: options.matches.map((match) => ({
        bank: match.bank,
        contentId: match.contentId,
        signalType: match.signalType,
        distance: match.distance,
      })),
      signals: { pdq: options.pdq, frame_timestamp: Math.round(options.frameTimestamp * 1000) / 1000 },
      source: 'stream',
    },
  };
}

/**
 * Sends watcher events into the signals engine through its ordinary ingestion path (the path
 * `/v1/match` uses): validated, appended to the durable event log — the sink resolves at that
 * point, without waiting for the rules, so a slow rule never holds up the frame loop — then
 * processed in log order like any other event.
 */
export function engineMatchSink(opened: OpenedEngine): MatchEventSink {
  return async (event) => {
    const [result] = await opened.engine.ingest([event]);
    return result;
  };
}
