/**
 * The entry of a stream frame hashing worker thread (see `frame-hash-pool.ts`): each message is one
 * decoded frame, hashed with the streams' default views (`hashFrameViews(defaultFrameViews)`: the
 * whole frame, the picture inside uniform borders, dihedral variants, and the moving region the
 * pool found on the main thread, where each stream's `MovingRegion` keeps its state) exactly as on
 * the main thread, answered by one message. A failure crosses as its message. Not imported by
 * other modules.
 */
import { parentPort } from 'node:worker_threads';
import type { FrameHashReply, FrameHashRequest } from './frame-hash-pool.js';
import { defaultFrameViews, hashFrameViews } from './frame-views.js';

const port = parentPort;
if (port === null) throw new Error('frame-hash-worker.ts runs only as a worker thread');

port.on('message', (request: FrameHashRequest) => {
  let reply: FrameHashReply;
  try {
    reply = { id: request.id, ok: true, hashes: hashFrameViews(request.frame, defaultFrameViews, request.moving) };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
