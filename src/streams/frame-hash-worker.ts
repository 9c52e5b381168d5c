/**
 * The entry of a stream frame hashing worker thread (see `frame-hash-pool.ts`): each message is one
 * decoded frame, hashed with the streams' default views (`frameHasher(defaultFrameViews)`: the
 * whole frame, the picture inside uniform borders, dihedral variants) exactly as on the main
 * thread, answered by one message. The moving-region view keeps state per stream, so it is never
 * computed here. A failure crosses as its message. Not imported by other modules.
 */
import { parentPort } from 'node:worker_threads';
import type { FrameHashReply, FrameHashRequest } from './frame-hash-pool.js';
import { defaultFrameViews, frameHasher } from './frame-views.js';

const port = parentPort;
if (port === null) throw new Error('frame-hash-worker.ts runs only as a worker thread');

// Stateless without the moving-region view: one hasher serves every stream's frames.
const hashFrame = frameHasher({ ...defaultFrameViews, moving: false });

port.on('message', (request: FrameHashRequest) => {
  let reply: FrameHashReply;
  try {
    reply = { id: request.id, ok: true, hashes: hashFrame(request.frame) };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
