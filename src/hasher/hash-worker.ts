/**
 * The entry of a hashing worker thread (see `hash-pool.ts`): each message is one job, hashed with
 * `hashMedia` exactly as on the main thread, answered by one message. A coded failure crosses as
 * its code and message; anything else as `INTERNAL`. Not imported by other modules.
 */
import { parentPort } from 'node:worker_threads';
import { EngineError } from '../core/index.js';
import { hashMedia } from './hash-media.js';
import type { HashJobReply, HashJobRequest } from './hash-protocol.js';

const port = parentPort;
if (port === null) throw new Error('hash-worker.ts runs only as a worker thread');

port.on('message', (request: HashJobRequest) => {
  void answer(request).then((reply) => port.postMessage(reply));
});

async function answer(request: HashJobRequest): Promise<HashJobReply> {
  try {
    const hashes = await hashMedia(request.bytes, request.options);
    return { id: request.id, ok: true, hashes };
  } catch (error) {
    if (error instanceof EngineError) return { id: request.id, ok: false, code: error.code, message: error.message };
    return {
      id: request.id,
      ok: false,
      code: 'INTERNAL',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}
