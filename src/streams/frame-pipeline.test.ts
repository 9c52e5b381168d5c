import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bankedHash, fakeMatcher, scene, sceneHasher } from '../../test/support/fake-frames.js';
import { EngineError } from '../core/index.js';
import { type MediaMatchedEvent, matchJson } from '../matching/index.js';
import type { VideoFrame } from '../video/index.js';
import { FramePipeline, type FramePipelineOptions } from './frame-pipeline.js';
import type { StreamWatchEvent } from './index.js';

function frame(index: number, code: number, timestamp = index): VideoFrame {
  const rgb = new Uint8Array(4 * 4 * 3);
  rgb[0] = code;
  return { index, timestamp, width: 4, height: 4, rgb };
}

function pipeline(extra: Partial<FramePipelineOptions> = {}) {
  const matcher = fakeMatcher();
  const events: StreamWatchEvent[] = [];
  const sent: MediaMatchedEvent[] = [];
  const errors: string[] = [];
  const frames = new FramePipeline({
    kind: 'live',
    realtime: false,
    requestedFps: 1,
    matcher,
    sink: async (event) => {
      sent.push(event);
      return { index: 0, status: 'accepted', id: event.id, seq: sent.length };
    },
    entities: { stream: 'room-1' },
    cooldownMs: 60_000,
    maxLagSeconds: 5,
    hashFrame: sceneHasher,
    emit: (event) => events.push(event),
    onError: (description) => errors.push(description),
    ...extra,
  });
  return { frames, matcher, events, sent, errors };
}

describe('FramePipeline (the frame half of the stream watcher, apart from its lifecycle)', () => {
  test('the frame pipeline runs without a watcher: hash, match, one event per cooldown window, matches in the one JSON shape', async () => {
    const { frames, matcher, events, sent } = pipeline();
    frames.startSession();
    for (let index = 0; index < 3; index++)
      await frames.process(frame(index, scene.banked), index, 1_000_000 + index * 1000);
    assert.equal(sent.length, 1, 'three frames of one banked scene within the cooldown: one event');
    assert.equal(sent[0]?.data.source, 'stream');
    assert.deepEqual(sent[0]?.data.signals, { pdq: bankedHash, frame_timestamp: 0 });
    const matches = events.filter((event) => event.type === 'match');
    assert.equal(matches.length, 3);
    assert.equal(matches[0]?.event, sent[0]?.id);
    assert.equal(matches[1]?.event, null);
    const [first] = (await matcher.match({ signals: { pdq: bankedHash } })).matches;
    assert.ok(first !== undefined);
    assert.deepEqual(matches[0]?.matches, [matchJson(first)], 'the same JSON as /v1/match and prevail match');
    assert.deepEqual(frames.counts, {
      framesSampled: 3,
      framesDropped: 0,
      lastFrameAt: new Date(1_002_000).toISOString(),
      matches: 3,
      events: 1,
      framesPreserved: 0,
    });
  });

  test('the frame pipeline drops late frames of a live source, and hashes fewer frames when degraded', async () => {
    const { frames, events } = pipeline();
    frames.startSession();
    await frames.process(frame(0, scene.pattern), 0, 1_000_000);
    await frames.process(frame(1, scene.pattern), 1, 1_010_000);
    assert.equal(frames.counts.framesDropped, 1, '9 s late against the first frame: dropped unhashed');
    frames.startSession();
    await frames.process(frame(2, scene.pattern, 0), 2, 2_000_000);
    assert.equal(frames.counts.framesSampled, 2, 'a new connection measures lateness afresh');
    frames.setFps(0.5);
    for (let t = 3; t < 7; t++) await frames.process(frame(t, scene.pattern, t - 2), t, 2_000_000 + (t - 2) * 1000);
    assert.equal(frames.counts.framesSampled, 4, 'at half the rate, every other frame is hashed');
    assert.equal(events.filter((event) => event.type === 'frame').length, 4);
  });

  test('the frame pipeline reports a refused event and goes on', async () => {
    const { frames, errors, events } = pipeline({
      sink: async () => ({
        index: 0,
        status: 'rejected',
        code: 'EVENT_INVALID',
        problems: [{ path: 'entities.stream', message: 'bad' }],
      }),
    });
    frames.startSession();
    await frames.process(frame(0, scene.banked), 0, 1_000_000);
    assert.deepEqual(errors, ['EVENT_INVALID: entities.stream: bad']);
    assert.equal(frames.counts.events, 0);
    assert.equal(events.find((event) => event.type === 'match')?.event, null);
  });

  test('every view of a frame is looked up with its variants; a banked item found by one view is counted for flood once', async () => {
    const patternHash = 'a5'.repeat(32);
    const { frames, matcher, events, sent } = pipeline({
      hashFrame: () => ({
        hash: patternHash,
        quality: 30,
        views: [{ view: 'unboxed', hash: bankedHash, quality: 90, variants: { flipY: patternHash } }],
      }),
    });
    frames.startSession();
    await frames.process(frame(0, scene.pattern), 0, 1_000_000);
    assert.equal(sent.length, 1, 'the picture inside the borders matched');
    assert.equal(events.find((event) => event.type === 'frame')?.quality, 30, 'the whole frame is reported');
    const lookedUp = matcher.calls.map(({ query, options }) => [
      query.signals.pdq,
      query.pdqVariants,
      options.countForFlood,
    ]);
    assert.deepEqual(
      lookedUp,
      [
        [bankedHash, { flipY: patternHash }, false],
        [bankedHash, { flipY: patternHash }, undefined],
      ],
      'the whole frame (quality 30) is not looked up; the matching view once more, counted',
    );
  });

  test('a frame the hasher lost (a pool crash, or a pool drop) is counted as dropped; the stream goes on', async () => {
    let call = 0;
    const { frames, errors, sent } = pipeline({
      hashFrame: async (input) => {
        call += 1;
        if (call === 1) throw new EngineError('INTERNAL', 'the frame hashing worker stopped (exit code 3)');
        if (call === 2) return undefined;
        return sceneHasher(input);
      },
    });
    frames.startSession();
    for (let index = 0; index < 3; index++)
      await frames.process(frame(index, scene.banked), index, 1_000_000 + index * 1000);
    assert.deepEqual(errors, ['INTERNAL: the frame hashing worker stopped (exit code 3)']);
    assert.equal(frames.counts.framesDropped, 2);
    assert.equal(frames.counts.framesSampled, 1);
    assert.equal(sent.length, 1, 'the third frame still matched and sent its event');
  });
});
