/**
 * A `PdqLookupPool` worker: holds a `PdqSearchView` over the PDQ index's generation the pool last
 * posted, and a `GroupedPdqSearchView` per grouped index (shared memory, nothing copied), and
 * answers lookup batches from them. Messages from the pool arrive in order, so a new generation
 * is always attached before the next lookup that needs it.
 */
import { parentPort } from 'node:worker_threads';
import { isEngineError } from '../core/index.js';
import { GroupedPdqSearchView } from './grouped-pdq-view.js';
import type { LookupReply, LookupRequest } from './pdq-lookup-protocol.js';
import { PdqSearchView } from './shared-pdq-view.js';

let view: PdqSearchView | undefined;
const groupedViews = new Map<string, GroupedPdqSearchView>();

parentPort?.on('message', (message: LookupRequest) => {
  if (message.kind === 'attach') {
    view = new PdqSearchView(message.parts);
    return;
  }
  if (message.kind === 'attach-grouped') {
    groupedViews.set(message.name, new GroupedPdqSearchView(message.parts));
    return;
  }
  let reply: LookupReply;
  try {
    const current = message.grouped === undefined ? view : groupedViews.get(message.grouped);
    if (current === undefined) throw new Error(`no index generation attached for ${message.grouped ?? 'pdq'}`);
    reply = { id: message.id, results: message.values.map((value) => current.query(value, message.maxDistance)) };
  } catch (error) {
    reply = {
      id: message.id,
      error: {
        code: isEngineError(error) ? error.code : 'INTERNAL',
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
  parentPort?.postMessage(reply);
});
