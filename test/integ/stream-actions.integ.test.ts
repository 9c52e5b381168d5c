/**
 * A live stream showing banked material ends with the platform told to terminate it: a real
 * server (`startServer`, what `prevail serve` runs) with a bank holding one frame of a benign
 * generated clip and a policy whose rule on the stream's `media.matched` event has the effect
 * `- action: terminate_stream` (to a webhook endpoint on a local receiver); ffmpeg publishes the
 * clip live over RTMP to a local node-media-server, the server watches it (`POST /v1/streams`),
 * and the receiver must get exactly one correctly signed `terminate_stream` naming that stream,
 * with no media in it. Every wait is bounded; every child process is killed in `after`. Skips
 * with a reason when ffmpeg is missing (fails instead under CI=true).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import type { RunningServer } from '../../src/main.js';
import { type ActionReceiver, startActionReceiver } from '../support/action-receiver.js';
import { actionSecret } from '../support/action-rig.js';
import { type MediaServer, startMediaServer } from '../support/media-server.js';
import {
  prepareBankedClip,
  startStreamActionServer,
  streamActionRule,
  writeStreamActionPolicy,
} from '../support/stream-action-rig.js';
import {
  childFfmpegProcesses,
  ffmpegSkipReason,
  type StreamClip,
  startPublisher,
  stopProcess,
  waitForExit,
} from '../support/stream-clip.js';

const skip = ffmpegSkipReason();

/** Resolves with `promise`, or rejects with `message` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('a watched stream showing banked material: the platform gets terminate_stream', { skip }, () => {
  let directory: string;
  let dataDir: string;
  let policyDir: string;
  let clip: StreamClip;
  let bankedHash: string;
  let receiver: ActionReceiver | undefined;
  let media: MediaServer | undefined;
  let server: RunningServer | undefined;
  const children: ChildProcess[] = [];

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-stream-actions-'));
    dataDir = join(directory, 'data');
    policyDir = join(directory, 'policy');
    ({ clip, bankedHash } = await prepareBankedClip(directory, dataDir, { before: 5, scene: 4, after: 3 }));
    receiver = await startActionReceiver(actionSecret);
    await writeStreamActionPolicy(policyDir, receiver.url);
    media = await startMediaServer();
  });

  after(async () => {
    await server?.close();
    for (const child of children) await stopProcess(child);
    await media?.close();
    await receiver?.close();
    if (directory !== undefined) await rm(directory, { recursive: true, force: true });
  });

  test('RTMP → watcher → media.matched → rule → outbox → one signed terminate_stream naming the stream', {
    timeout: 120_000,
  }, async (context) => {
    assert.ok(receiver !== undefined && media !== undefined);
    server = await startStreamActionServer(dataDir, policyDir);
    const streamUrl = `${media.rtmpUrl}/live/e2e`;
    const publisher = startPublisher(['-re', '-i', clip.path, '-c', 'copy', '-f', 'flv', streamUrl]);
    children.push(publisher.child);
    const publishedAt = await publisher.publishing;
    const { secret } = await createApiKey(server.services.storage.apiKeys, 'stream-operator', ['write']);
    const headers = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
    const started = await fetch(`${server.url}/v1/streams`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ url: streamUrl, entities: { stream: 'room-e2e', user: 'host-e2e' } }),
    });
    assert.equal(started.status, 201, await started.clone().text());
    const { id } = (await started.json()) as { id: string };

    const sceneOutAt = publishedAt + clip.sceneStart * 1000;
    await within(
      receiver.waitForRequests(1),
      (clip.duration + 30) * 1000,
      () => `no action reached the receiver; requests: ${receiver?.requests.length}`,
    );
    const receivedAt = Date.now();
    context.diagnostic(
      `terminate_stream received ${((receivedAt - sceneOutAt) / 1000).toFixed(2)} s after the banked frames went out`,
    );
    assert.ok(receivedAt >= sceneOutAt, 'an action before the banked scene was on air: a false match');

    // The rest of the clip (more frames of the scene, then the pattern) goes out and is watched:
    // it must not send the action again.
    await waitForExit(publisher.child, (clip.duration + 20) * 1000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await server.services.engine?.engine.drain();
    await server.services.actions?.drain();

    assert.equal(
      receiver.requests.length,
      1,
      `exactly one request: ${receiver.requests.map((r) => r.body).join('\n')}`,
    );
    const [request] = receiver.requests;
    assert.ok(request !== undefined);
    assert.equal(request.signatureValid, true, 'the HMAC signature verifies with the endpoint secret');
    assert.equal(request.status, 200);
    assert.equal(receiver.effective.size, 1);
    assert.equal(request.idempotencyKey, request.json.id);
    assert.equal(request.json.kind, 'terminate_stream');
    assert.equal(request.json.action, 'terminate_stream');
    assert.equal(request.json.mode, 'active');
    assert.equal(request.json.rule, streamActionRule);
    assert.equal(request.json.subject, 'user:host-e2e', "a rule hit is about the event's user (its host)");
    assert.deepEqual(request.json.payload, { stream: 'room-e2e', host: 'host-e2e', rule: streamActionRule });
    assert.deepEqual(Object.keys(request.json).sort(), [
      'action',
      'case_id',
      'created_at',
      'event_id',
      'id',
      'kind',
      'mode',
      'payload',
      'reasons',
      'rule',
      'subject',
      'typology',
    ]);
    // No media: not the frame's hash, not a reference to the frame, not the stream URL.
    assert.doesNotMatch(request.body, new RegExp(bankedHash.slice(0, 16)));
    assert.doesNotMatch(request.body, /evidence|"media"|rtmp:|pdq/i);

    const rows = await server.services.storage.outbox.list({ limit: 10 });
    assert.deepEqual(
      rows.map((row) => [row.action, row.status]),
      [['terminate_stream', 'delivered']],
    );

    const stopped = await fetch(`${server.url}/v1/streams/${id}`, { method: 'DELETE', headers });
    assert.ok(stopped.status < 300, `stopping the watcher: ${stopped.status}`);
    await server.close();
    server = undefined;
    assert.deepEqual(await childFfmpegProcesses(), [], 'no ffmpeg left running');
  });
});
