import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  bankedHash,
  fakeMatcher,
  type ScriptedSession,
  scene,
  sceneHasher,
  scriptedSource,
} from '../../test/support/fake-frames.js';
import { EventTypeRegistry } from '../events/index.js';
import { EvidenceVault } from '../evidence/index.js';
import type { MediaMatchedEvent } from '../matching/index.js';
import type { SourceKind, StreamWatchEvent } from './index.js';
import { StreamWatcher, type StreamWatcherOptions, streamDecoderOptions } from './index.js';
import { fastStartOptions } from './source-policy.js';

const { pattern, banked, flat } = scene;

/** A watcher over scripted sessions, with a clock that follows the frames' timestamps (1 frame = 1 s). */
function watch(
  sessions: readonly ScriptedSession[],
  options: { kind?: SourceKind; extra?: Partial<StreamWatcherOptions>; clockStepMs?: number } = {},
) {
  const clock = { ms: 1_000_000 };
  const { source, log } = scriptedSource(sessions, {
    onFrame: () => {
      clock.ms += options.clockStepMs ?? 1000;
    },
  });
  const matcher = fakeMatcher();
  const sent: MediaMatchedEvent[] = [];
  const events: StreamWatchEvent[] = [];
  const watcher = new StreamWatcher({
    id: 'watch-test',
    source: { source: 'rtmp://media.test/live/a', kind: options.kind ?? 'live', inputOptions: ['-x'] },
    matcher,
    sink: async (event) => {
      sent.push(event);
      return { index: 0, status: 'accepted', id: event.id, seq: sent.length };
    },
    readFrames: source,
    hashFrame: sceneHasher,
    now: () => clock.ms,
    random: () => 1,
    reconnect: { initialDelayMs: 1, maxDelayMs: 4, maxReconnects: 2 },
    ...options.extra,
  });
  watcher.subscribe((event) => events.push(event));
  return { watcher, log, matcher, sent, events, clock };
}

describe('StreamWatcher', () => {
  test('hashes sampled frames, matches the banked scene, sends one engine event per cooldown window', async () => {
    const scenes = [pattern, pattern, ...Array<number>(70).fill(banked), pattern, flat];
    const { watcher, sent, events, matcher } = watch([{ scenes }], {
      kind: 'file',
      extra: { entities: { user: 'host-1' } },
    });
    const final = await watcher.start().finished;
    assert.equal(final.state, 'ended');
    assert.equal(final.framesSampled, 74);
    assert.equal(final.matches, 70);
    assert.equal(final.events, 2, '70 s of one banked scene: events at its start and 60 s later');
    assert.equal(sent.length, 2);
    const registry = new EventTypeRegistry();
    for (const event of sent) assert.ok(registry.check(event).ok, JSON.stringify(registry.check(event)));
    const [first] = sent;
    assert.deepEqual(first?.entities, { stream: 'watch-test', user: 'host-1' });
    assert.deepEqual(first?.data.matches, [{ bank: 'TEST_BANK', contentId: 7, signalType: 'pdq', distance: 0 }]);
    assert.deepEqual(first?.data.signals, { pdq: bankedHash, frame_timestamp: 2 });
    const matches = events.filter((event) => event.type === 'match');
    assert.equal(matches.length, 70, 'every matched frame is reported to listeners');
    assert.equal(matches.filter((event) => event.event !== null).length, 2);
    assert.equal(matches[0]?.t, 2);
    assert.equal(events.at(-1)?.type, 'ended');
    assert.equal(
      matcher.calls.filter((call) => call.query.signals.pdq === '0'.repeat(64)).length,
      0,
      'quality < 50 is not looked up',
    );
    const counted = matcher.calls.filter((call) => call.options.countForFlood !== false);
    assert.equal(counted.length, 2, 'flood protection counts the item once per window, not once per frame');
  });

  test('frames are never stored; with evidence preservation on, each evented match keeps its frame, encrypted', async () => {
    const scenes = [pattern, ...Array<number>(70).fill(banked)];
    const plain = watch([{ scenes }], { kind: 'file' });
    assert.equal((await plain.watcher.start().finished).framesPreserved, 0);
    const folder = await mkdtemp(join(tmpdir(), 'prevail-stream-evidence-'));
    try {
      const audit: unknown[] = [];
      const evidence = new EvidenceVault({
        directory: folder,
        key: Buffer.alloc(32, 3),
        audit: async (entry) => audit.push(entry),
      });
      const kept = watch([{ scenes }], { kind: 'file', extra: { evidence } });
      const final = await kept.watcher.start().finished;
      assert.equal(final.framesPreserved, 2, 'one frame per engine event (per cooldown window)');
      const files = (await readdir(folder)).filter((name) => name.endsWith('.json'));
      assert.equal(files.length, 2);
      const id = files[0]?.replace('.json', '') ?? '';
      const named = kept.sent.map((event) => event.data.media?.evidenceId).sort();
      assert.deepEqual(named, files.map((name) => name.replace('.json', '')).sort(), 'each event names its frame');
      assert.ok(kept.sent.every((event) => event.data.media?.kind === 'image'));
      const registry = new EventTypeRegistry();
      for (const event of kept.sent) assert.ok(registry.check(event).ok, JSON.stringify(registry.check(event)));
      assert.equal(plain.sent[0]?.data.media, undefined, 'no evidence, no media');
      const opened = await evidence.open(id, { actor: 'person:reviewer', reason: 'synthetic test' });
      assert.equal(opened.record.subject, 'stream:watch-test');
      assert.deepEqual(opened.media.subarray(1, 4), Buffer.from('PNG'));
      assert.equal(audit.length, 3);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  test("decoderOptions replaces the default decoder options, before the source's own", async () => {
    const { watcher, log } = watch([{ scenes: [pattern] }], {
      kind: 'file',
      extra: { decoderOptions: ['-threads', '1'] },
    });
    await watcher.start().finished;
    assert.deepEqual(log.connections[0]?.inputOptions?.slice(0, 2), ['-threads', '1']);
    assert.ok(!log.connections[0]?.inputOptions?.includes('-skip_frame'), 'the default is replaced, not added to');
  });

  test('a live stream that drops is reconnected with backoff; stream time goes on; ended when it stays away', async () => {
    const { watcher, events, log } = watch([
      { scenes: [pattern, pattern, pattern], failWith: 'VIDEO_STALLED' },
      { scenes: [pattern, banked] },
      { scenes: [], failWith: 'VIDEO_UNREADABLE' },
    ]);
    const final = await watcher.start().finished;
    assert.equal(final.state, 'ended', 'it had sent frames, then went away');
    assert.equal(final.reconnects, 2);
    assert.equal(log.connections.length, 3);
    assert.deepEqual(
      log.connections[0]?.inputOptions,
      [...streamDecoderOptions, ...fastStartOptions('rtmp://media.test/live/a'), '-x'],
      'one decoding thread, non-reference frames skipped, an RTMP source starts fast, then its own options',
    );
    assert.deepEqual(streamDecoderOptions, ['-threads', '1', '-skip_frame', 'noref']);
    assert.ok(fastStartOptions('rtmp://media.test/live/a').includes('nobuffer'));
    assert.deepEqual(fastStartOptions('https://media.test/live/a.m3u8'), [], 'HLS keeps its probing');
    const reconnects = events.filter((event) => event.type === 'reconnect');
    assert.deepEqual(
      reconnects.map((event) => [event.attempt, event.delayMs]),
      [
        [1, 1],
        [2, 2],
      ],
      'delays double (1 ms, then 2 ms in this test policy)',
    );
    assert.match(reconnects[0]?.reason ?? '', /VIDEO_STALLED/);
    const frames = events.filter((event) => event.type === 'frame').map((event) => event.t);
    assert.deepEqual(frames, [0, 1, 2, 3, 4], 'timestamps continue across reconnects');
    assert.match(final.lastError ?? '', /VIDEO_UNREADABLE/);
  });

  test("stream time is the frames' presentation time, continued across a reconnect whatever the new clock starts at", async () => {
    const { watcher, events } = watch([
      { scenes: [pattern, pattern, pattern], failWith: 'VIDEO_STALLED', startAt: 0.4 },
      { scenes: [pattern, banked], failWith: 'VIDEO_STALLED', startAt: 37.5 },
      { scenes: [pattern], startAt: 0 },
    ]);
    await watcher.start().finished;
    const frames = events.filter((event) => event.type === 'frame').map((event) => event.t);
    assert.deepEqual(
      frames,
      [0.4, 1.4, 2.4, 3.4, 4.4, 5.4],
      'the first connection keeps its timestamps; each reconnection starts one period after the last frame',
    );
    const reconnects = events.filter((event) => event.type === 'reconnect').map((event) => event.t);
    assert.deepEqual(reconnects, [2.4, 4.4], 'a reconnect reports the stream time it dropped at');
  });

  test('a source clock that goes back within a connection does not turn time back nor make frames late', async () => {
    const { watcher, events } = watch([{ scenes: [pattern, pattern, pattern, banked], times: [10, 11, 2, 3] }], {
      kind: 'hls',
    });
    const final = await watcher.start().finished;
    const frames = events.filter((event) => event.type === 'frame').map((event) => event.t);
    assert.deepEqual(frames, [10, 11, 12, 13]);
    assert.equal(final.framesDropped, 0, 'a 9 s jump back is not 9 s of lag');
    assert.equal(final.matches, 1);
  });

  test('a source that never sends a frame fails after the reconnect attempts', async () => {
    const { watcher, log } = watch([{ scenes: [], failWith: 'VIDEO_UNREADABLE' }]);
    const final = await watcher.start().finished;
    assert.equal(final.state, 'failed');
    assert.equal(log.connections.length, 3, 'the first try and 2 reconnects');
  });

  test('files and permanent errors are not retried', async () => {
    const file = watch([{ scenes: [pattern], failWith: 'VIDEO_UNREADABLE' }], { kind: 'file' });
    assert.equal((await file.watcher.start().finished).state, 'failed');
    assert.equal(file.log.connections.length, 1);
    const missing = watch([{ scenes: [], failWith: 'VIDEO_DECODER_MISSING' }]);
    assert.equal((await missing.watcher.start().finished).state, 'failed');
    assert.equal(missing.log.connections.length, 1);
    const playlist = watch([{ scenes: [pattern] }], { kind: 'hls' });
    const final = await playlist.watcher.start().finished;
    assert.equal(final.state, 'ended', 'an HLS playlist that ends is the end');
    assert.equal(playlist.log.connections.length, 1);
  });

  test('stop() kills the reader and resolves once it is gone; a stop during the backoff is prompt', async () => {
    const running = watch([{ scenes: [pattern, pattern], hang: true }]);
    running.watcher.start();
    while (running.watcher.state !== 'running') await new Promise((resolve) => setImmediate(resolve));
    const stopped = await running.watcher.stop();
    assert.equal(stopped.state, 'stopped');
    assert.deepEqual(running.log.aborted, [true]);
    assert.equal(running.events.at(-1)?.type, 'ended');

    const waiting = watch([{ scenes: [], failWith: 'VIDEO_STALLED' }], {
      extra: { reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, maxReconnects: 5 } },
    });
    waiting.watcher.start();
    while (waiting.watcher.state !== 'reconnecting') await new Promise((resolve) => setImmediate(resolve));
    const started = Date.now();
    assert.equal((await waiting.watcher.stop()).state, 'stopped');
    assert.ok(Date.now() - started < 5000, 'did not wait out the 60 s backoff');
    assert.equal(waiting.log.connections.length, 1);
  });

  test('a degraded watcher hashes a fair subset of the sampled frames', async () => {
    const { watcher } = watch([{ scenes: Array<number>(10).fill(pattern) }], { kind: 'file' });
    watcher.setFps(0.5);
    assert.equal(watcher.status().degraded, true);
    const final = await watcher.start().finished;
    assert.equal(final.framesSampled, 5);
    assert.equal(final.framesDropped, 0, 'thinning is not dropping');
  });

  test('frames that arrive far behind the live edge are dropped unhashed', async () => {
    // Each frame arrives 3 s after the previous one although they are 1 s apart: the lag grows by 2 s per frame.
    const { watcher } = watch([{ scenes: Array<number>(6).fill(pattern) }], {
      clockStepMs: 3000,
      extra: { maxLagSeconds: 5, reconnect: { maxReconnects: 0 } },
    });
    const final = await watcher.start().finished;
    assert.equal(final.framesSampled, 3, 'lags 0, 2 and 4 s are hashed');
    assert.equal(final.framesDropped, 3, 'lags 6, 8 and 10 s are dropped');
  });

  test('status redacts the URL and rejects a bad rate', () => {
    const watcher = new StreamWatcher({
      id: 'w',
      source: { source: 'rtsp://user:pw@cam.test/s?token=abc', kind: 'live', inputOptions: [] },
      matcher: fakeMatcher(),
      readFrames: scriptedSource([]).source,
    });
    assert.equal(watcher.status().url, 'rtsp://***@cam.test/s?token=***');
    assert.equal(watcher.status().state, 'connecting');
    assert.throws(
      () =>
        new StreamWatcher({
          ...{ id: 'w', matcher: fakeMatcher() },
          source: { source: 'x', kind: 'file', inputOptions: [] },
          readFrames: scriptedSource([]).source,
          fps: 0,
        }),
      { code: 'REQUEST_INVALID' },
    );
  });
});
