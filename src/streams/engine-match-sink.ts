import type { OpenedEngine } from '../engine/index.js';
import type { MatchEventSink } from './stream-types.js';

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
