import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import { ffmpegSkipReason, lavfi, mpeg4, openVideoClips, type VideoClips } from '../../test/support/video-clips.js';
import { hashMedia } from '../hasher/index.js';
import { type ExtraVideoView, type PdqHash, pdqDistance, readVpdqFeatures } from '../signals/index.js';
import { readFrames } from '../video/index.js';
import { defaultFrameViews, type ExtraFrameView, frameHasher } from './frame-views.js';
import { StreamManager } from './stream-manager.js';
import type { FrameHashes, FrameMatcher } from './stream-types.js';

/** A streamer's overlay of fixed size (camera box bottom right, text band bottom left, logo top right), boxes only. */
const overlay = [
  'drawbox=x=iw-128:y=ih-76:w=120:h=68:color=0x202020:t=fill',
  'drawbox=x=iw-124:y=ih-72:w=112:h=60:color=0x8a6f5a:t=fill',
  'drawbox=x=8:y=ih-44:w=200:h=36:color=black@0.6:t=fill',
  'drawbox=x=14:y=ih-38:w=150:h=6:color=white:t=fill',
  'drawbox=x=14:y=ih-28:w=184:h=6:color=white:t=fill',
  'drawbox=x=iw-70:y=10:w=58:h=30:color=white@0.85:t=fill',
  'drawbox=x=iw-62:y=16:w=42:h=18:color=0xd03030:t=fill',
].join(',');

/** Sampled frames of a stream whose nearest view (any view, any dihedral variant) is within 31 bits of `banked`. */
function matchedFrames(frames: readonly FrameHashes[], banked: readonly string[]): number {
  const within = (hash: string) => banked.some((frame) => pdqDistance(hash as PdqHash, frame as PdqHash) <= 31);
  return frames.filter((frame) =>
    [frame, ...(frame.views ?? [])].some(
      (view) => view.quality >= 50 && [view.hash, ...Object.values(view.variants ?? {})].some(within),
    ),
  ).length;
}

describe('corner views: a scaled-down stream under an overlay', { skip: ffmpegSkipReason() }, () => {
  let clips: VideoClips;
  let original: string;
  let stream: string;

  before(async () => {
    clips = await openVideoClips('corner-views');
    original = await clips.write('original.mp4', [...lavfi('testsrc2=size=480x270:rate=30'), '-t', '3', ...mpeg4(2)]);
    stream = await clips.write('stream.mp4', ['-i', original, '-vf', `scale=240:136,${overlay}`, ...mpeg4(3)]);
  });
  after(async () => {
    await clips.remove();
  });

  test('matches only when the bank holds corner lists and the stream hashes its corners', async () => {
    const bytes = await readFile(original);
    const bank = async (videoViews: ExtraVideoView[]) => {
      const options = { signals: ['vpdq_dense'] as const, dihedral: false, decode: { maxPixels: 1e8 }, videoViews };
      return readVpdqFeatures((await hashMedia(bytes, options)).vpdq_dense ?? '').map((feature) => feature.hash);
    };
    const plainBank = await bank([]);
    const cornerBank = await bank(['corners']);
    const byDefault: FrameHashes[] = [];
    const withCorners: FrameHashes[] = [];
    const hashDefault = frameHasher(defaultFrameViews);
    const hashCorners = frameHasher({ ...defaultFrameViews, corners: true });
    for await (const frame of readFrames(stream, { fps: 1, lowLatency: true })) {
      byDefault.push(hashDefault(frame));
      withCorners.push(hashCorners(frame));
    }
    assert.ok(byDefault.length >= 2, `${byDefault.length} sampled frames`);
    assert.ok(byDefault.every((frame) => !(frame.views ?? []).some((view) => view.view === 'quarter')));
    assert.ok(withCorners.every((frame) => (frame.views ?? []).filter((view) => view.view === 'quarter').length === 4));
    assert.equal(matchedFrames(byDefault, plainBank), 0, 'the default views miss it in a bank without corners');
    assert.equal(matchedFrames(byDefault, cornerBank), 0, 'and in a bank with corners');
    assert.equal(matchedFrames(withCorners, plainBank), 0, 'the corner views need the banked corner lists');
    assert.ok(matchedFrames(withCorners, cornerBank) >= 1, 'with both, the stream is found');
  });

  test('a stream manager with extraViews corners hashes the quarter views of every stream, in its pool or on the main thread', async () => {
    const bytes = await readFile(original);
    const options = {
      signals: ['vpdq_dense'] as const,
      dihedral: false,
      decode: { maxPixels: 1e8 },
      videoViews: ['corners' as const],
    };
    const cornerBank = readVpdqFeatures((await hashMedia(bytes, options)).vpdq_dense ?? '').map(
      (feature) => feature.hash,
    );
    /** Watches the stream file to its end; returns how many looked-up views came within 31 bits of the corner bank. */
    const watch = async (extraViews: ExtraFrameView[], hashWorkers: number) => {
      let near = 0;
      let lookups = 0;
      const matcher: FrameMatcher = {
        async match(query) {
          lookups += 1;
          const hashes = [query.signals.pdq ?? '', ...Object.values(query.pdqVariants ?? {})];
          const within = (hash: string) =>
            cornerBank.some((banked) => pdqDistance(hash as PdqHash, banked as PdqHash) <= 31);
          if ((query.pdqQuality ?? 0) >= 50 && hashes.some(within)) near += 1;
          return { matches: [], suppressed: [], quarantined: [], negative: [], warnings: [] };
        },
      };
      const streams = new StreamManager({
        matcher,
        extraViews,
        hashWorkers,
        maxFramesPerSecond: 10,
        policy: { allowFiles: true },
      });
      const ended = new Promise<void>((resolve) => {
        streams.subscribe((_id, event) => {
          if (event.type === 'ended') resolve();
        });
      });
      const started = await streams.start({ url: stream, fps: 1 });
      await ended;
      const status = streams.get(started.id);
      await streams.close();
      assert.equal(streams.hashPool()?.workers ?? 0, 0, 'no hashing worker is left');
      assert.ok(status.framesSampled >= 2, `${status.framesSampled} sampled frames`);
      return { near, lookups, pooled: streams.hashPool() !== undefined };
    };
    const byDefault = await watch([], 1);
    const pooled = await watch(['corners'], 1);
    const mainThread = await watch(['corners'], 0);
    assert.equal(pooled.pooled, true);
    assert.equal(mainThread.pooled, false);
    assert.equal(byDefault.near, 0, 'the default views miss it');
    assert.ok(
      pooled.near >= 1,
      `the pool hashed the corners (${pooled.near} of ${pooled.lookups} lookups near the bank)`,
    );
    assert.ok(mainThread.near >= 1, `so did the main thread (${mainThread.near} of ${mainThread.lookups})`);
    assert.ok(pooled.lookups >= byDefault.lookups + 8, 'four more views per sampled frame');
  });
});
