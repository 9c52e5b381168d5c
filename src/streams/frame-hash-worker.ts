/**
 * The entry of a stream frame hashing worker thread (see `frame-hash-pool.ts`): each message is one
 * decoded frame, hashed with the pool's views (`hashFrameViews(views)`, the views given in
 * `workerData`, `defaultFrameViews` when none are: the whole frame, the picture inside uniform
 * borders, dihedral variants, the moving region the pool found on the main thread, where each
 * stream's `MovingRegion` keeps its state, and whatever extra views the server turned on) exactly
 * as on the main thread, answered by one message. A failure crosses as its message. Not imported by
 * other modules.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FrameHashReply, FrameHashRequest, FrameHashWorkerData } from './frame-hash-pool.js';
import { defaultFrameViews, hashFrameViews } from './frame-views.js';

const views = (workerData as Partial<FrameHashWorkerData> | null)?.views ?? defaultFrameViews;

const port = parentPort;
if (port === null) throw new Error('frame-hash-worker.ts runs only as a worker thread');

port.on('message', (request: FrameHashRequest) => {
  let reply: FrameHashReply;
  try {
    reply = { id: request.id, ok: true, hashes: hashFrameViews(request.frame, views, request.moving) };
  } catch (error) {
    reply = { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
