/**
 * A `PdqLookupPool` worker: holds a `PdqSearchView` over the generation the pool last posted
 * (shared memory, nothing copied) and answers lookup batches from it. Messages from the pool
 * arrive in order, so a new generation is always attached before the next lookup that needs it.
 */
import { parentPort } from 'node:worker_threads';
import { isEngineError } from '../core/index.js';
import type { LookupReply, LookupRequest } from './pdq-lookup-protocol.js';
import { PdqSearchView } from './shared-pdq-view.js';

let view: PdqSearchView | undefined;

parentPort?.on('message', (message: LookupRequest) => {
  if (message.kind === 'attach') {
    view = new PdqSearchView(message.parts);
    return;
  }
  let reply: LookupReply;
  try {
    if (view === undefined) throw new Error('no index generation attached');
    const current = view;
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
