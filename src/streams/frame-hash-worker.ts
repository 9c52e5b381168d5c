/**
 * The entry of a stream frame hashing worker thread (see `frame-hash-pool.ts`): each message is one
 * decoded frame, hashed with `hashVideoFrame` exactly as on the main thread, answered by one
 * message. A failure crosses as its message. Not imported by other modules.
 */
import { parentPort } from 'node:worker_threads';
import { hashVideoFrame } from './frame-hash.js';
import type { FrameHashReply, FrameHashRequest } from './frame-hash-pool.js';

const port = parentPort;
if (port === null) throw new Error('frame-hash-worker.ts runs only as a worker thread');

port.on('message', (request: FrameHashRequest) => {
  let reply: FrameHashReply;
  try {
    const { hash, quality } = hashVideoFrame(request.frame);
    reply = { id: request.id, ok: true, hash, quality };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
