import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fakeMatcher, scene, sceneHasher, scriptedSource } from '../../test/support/fake-frames.js';
import { StreamManager, type StreamManagerOptions } from './index.js';

const live = (name: string) => `rtmp://93.184.216.34/live/${name}`;

function manager(options: Partial<StreamManagerOptions> = {}) {
  const { source, log } = scriptedSource([{ scenes: [scene.pattern], hang: true }]);
  const streams = new StreamManager({
    matcher: fakeMatcher(),
    readFrames: source,
    hashFrame: sceneHasher,
    maxFramesPerSecond: 2,
    ...options,
  });
  return { streams, log };
}

describe('StreamManager', () => {
  test('refuses a stream that does not fit the budget, and changes nothing', async () => {
    const { streams } = manager();
    try {
      const first = await streams.start({ url: live('a') });
      await streams.start({ url: live('b'), entities: { stream: 'room-2', user: 'host-2' } });
      assert.equal(first.state, 'connecting');
      assert.equal(first.fps, 1);
      await assert.rejects(streams.start({ url: live('c'), fps: 0.5 }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'STREAM_BUDGET_EXCEEDED');
        assert.match(error.message, /needs 0\.5 frames\/s but 2 of the budget of 2 frames\/s are in use by 2 stream/);
        return true;
      });
      assert.equal(streams.list().length, 2);
      assert.deepEqual(
        streams.list().map((status) => [status.fps, status.degraded]),
        [
          [1, false],
          [1, false],
        ],
      );
      assert.deepEqual(streams.list()[1]?.entities, { stream: 'room-2', user: 'host-2' });
      const budget = streams.budget();
      assert.equal(budget.requestedFps, 2);
      assert.equal(budget.activeStreams, 2);
    } finally {
      await streams.close();
    }
  });

  test('degrade: every stream slows down fairly to the floor, says so, and speeds up again', async () => {
    const { streams } = manager({ overload: 'degrade', minimumFps: 0.5 });
    try {
      const ids: string[] = [];
      for (const name of ['a', 'b', 'c']) ids.push((await streams.start({ url: live(name) })).id);
      for (const status of streams.list()) {
        assert.equal(status.fps, 0.667);
        assert.equal(status.degraded, true);
      }
      ids.push((await streams.start({ url: live('d') })).id);
      assert.deepEqual(
        streams.list().map((status) => status.fps),
        [0.5, 0.5, 0.5, 0.5],
      );
      await assert.rejects(streams.start({ url: live('e') }), { code: 'STREAM_BUDGET_EXCEEDED' });
      assert.ok(streams.budget().allocatedFps <= 2);
      await streams.stop(ids[0] as string);
      await streams.stop(ids[1] as string);
      const active = streams.list().filter((status) => status.state !== 'stopped');
      assert.deepEqual(
        active.map((status) => [status.fps, status.degraded]),
        [
          [1, false],
          [1, false],
        ],
      );
    } finally {
      await streams.close();
    }
  });

  test('stop, get, unknown ids, shutdown', async () => {
    const { streams, log } = manager({ maxFramesPerSecond: 10 });
    const a = await streams.start({ url: live('a') });
    await streams.start({ url: live('b') });
    assert.equal(streams.get(a.id).id, a.id);
    assert.throws(() => streams.get('nope'), { code: 'STREAM_NOT_FOUND' });
    await assert.rejects(streams.stop('nope'), { code: 'STREAM_NOT_FOUND' });
    const stopped = await streams.stop(a.id);
    assert.equal(stopped.state, 'stopped');
    assert.equal((await streams.stop(a.id)).state, 'stopped', 'stopping twice returns the final status');
    await streams.close();
    assert.deepEqual(
      streams.list().map((status) => status.state),
      ['stopped', 'stopped'],
    );
    assert.ok(
      log.aborted.every((aborted) => aborted),
      'every reader was aborted (ffmpeg killed)',
    );
    await assert.rejects(streams.start({ url: live('c') }), { code: 'STREAM_BUDGET_EXCEEDED' });
  });

  test('bad requests change nothing', async () => {
    const { streams } = manager();
    try {
      await assert.rejects(streams.start({ url: 'file:///etc/passwd' }), { code: 'URL_INVALID' });
      await assert.rejects(streams.start({ url: 'rtmp://127.0.0.1/live/a' }), { code: 'URL_HOST_NOT_ALLOWED' });
      await assert.rejects(streams.start({ url: live('a'), fps: 0 }), { code: 'REQUEST_INVALID' });
      await assert.rejects(streams.start({ url: live('a'), fps: 31 }), { code: 'REQUEST_INVALID' });
      await assert.rejects(streams.start({ url: live('a'), entities: { user: 'has space' } }), {
        code: 'REQUEST_INVALID',
      });
      assert.equal(streams.list().length, 0);
    } finally {
      await streams.close();
    }
    assert.throws(() => new StreamManager({ matcher: fakeMatcher(), maxFramesPerSecond: 0 }), {
      code: 'CONFIG_INVALID',
    });
  });

  test('the default budget is measured on this machine', () => {
    const streams = new StreamManager({ matcher: fakeMatcher() });
    const budget = streams.budget();
    assert.ok(budget.maxFramesPerSecond >= 1);
    assert.equal(budget.overload, 'refuse');
    assert.equal(budget.minimumFps, 0.2);
    assert.deepEqual(budget.extraViews, [], 'no view turned on');
  });

  test('the budget names the extra views every stream hashes, each once, in the order given', () => {
    const streams = new StreamManager({
      matcher: fakeMatcher(),
      maxFramesPerSecond: 2,
      hashWorkers: 0,
      extraViews: ['corners', 'small-insets', 'corners'],
    });
    assert.deepEqual(streams.budget().extraViews, ['corners', 'small-insets']);
  });

  test('frames are hashed in the pool, and shutdown ends every hashing worker', async () => {
    const { source } = scriptedSource([{ scenes: [scene.pattern, scene.banked, scene.pattern], hang: true }]);
    const streams = new StreamManager({
      matcher: fakeMatcher(),
      readFrames: source,
      maxFramesPerSecond: 10,
      hashWorkers: 2,
    });
    const framesSeen = new Promise<number>((resolve) => {
      let seen = 0;
      streams.subscribe((_id, event) => {
        if (event.type === 'frame' && ++seen === 6) resolve(seen);
      });
    });
    await streams.start({ url: live('a') });
    await streams.start({ url: live('b') });
    await framesSeen;
    assert.equal(streams.hashPool()?.hashed, 6, 'every frame of both streams was hashed by a worker');
    assert.ok((streams.hashPool()?.workers ?? 0) >= 1);
    assert.deepEqual(
      streams.list().map((status) => [status.framesSampled, status.framesDropped]),
      [
        [3, 0],
        [3, 0],
      ],
    );
    await streams.close();
    assert.equal(streams.hashPool()?.workers, 0, 'no hashing worker is left');
    assert.equal(new StreamManager({ matcher: fakeMatcher(), hashWorkers: 0 }).hashPool(), undefined);
    assert.throws(() => new StreamManager({ matcher: fakeMatcher(), hashWorkers: -1 }), { code: 'CONFIG_INVALID' });
  });

  test('extra views: unknown names are CONFIG_INVALID; known ones start no worker before a stream', async () => {
    for (const extraViews of [['corner'], ['toString'], ['corners', '']] as never[])
      assert.throws(() => new StreamManager({ matcher: fakeMatcher(), extraViews }), {
        code: 'CONFIG_INVALID',
        message: /^extraViews: unknown view "(corner|toString|)" \(expected small-insets, off-centre, corners\)$/,
      });
    const streams = new StreamManager({
      matcher: fakeMatcher(),
      extraViews: ['corners', 'small-insets'],
      hashWorkers: 1,
    });
    assert.equal(streams.hashPool()?.workers, 0, 'no worker before a stream');
    await streams.close();
  });
});
