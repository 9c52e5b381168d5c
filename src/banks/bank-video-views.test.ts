import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ffmpegSkipReason, lavfi, mpeg4, openVideoClips, type VideoClips } from '../../test/support/video-clips.js';
import { isEngineError } from '../core/index.js';
import { readVpdqFeatures, type VpdqFeature } from '../signals/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { BankService } from './bank-service.js';

const decode = { maxPixels: 100_000_000 };

/** The lists of a dense signal: each starts again from the video's start. */
function listsOf(dense: readonly VpdqFeature[]): VpdqFeature[][] {
  const starts = dense.flatMap((feature, index) =>
    index === 0 || feature.timestamp < (dense[index - 1]?.timestamp ?? 0) ? [index] : [],
  );
  return starts.map((start, k) => dense.slice(start, starts[k + 1] ?? dense.length));
}

const rejectsSettings = (error: unknown) => isEngineError(error) && error.code === 'BANK_INVALID_SETTINGS';

describe("a bank's videoViews setting", () => {
  let clips: VideoClips;
  let storage: Storage;
  let banks: BankService;

  before(async () => {
    clips = await openVideoClips('video-views');
    storage = await openStorage({ dataDir: clips.directory });
    banks = new BankService(storage.banks);
  });
  after(async () => {
    await storage.close();
    await clips.remove();
  });

  test('is off by default, stored canonically (no repeats), kept across a reopen, and turned off with []', async () => {
    assert.deepEqual((await banks.createBank({ name: 'PLAIN' })).videoViews, []);
    const created = await banks.createBank({ name: 'CORNERED', videoViews: ['corners', 'corners'] });
    assert.deepEqual(created.videoViews, ['corners']);
    await storage.close();
    storage = await openStorage({ dataDir: clips.directory });
    banks = new BankService(storage.banks);
    assert.deepEqual((await banks.getBank('CORNERED')).videoViews, ['corners']);
    assert.deepEqual((await banks.getBank('PLAIN')).videoViews, []);
    assert.deepEqual((await banks.updateBank('CORNERED', { videoViews: [] })).videoViews, []);
    assert.deepEqual((await banks.updateBank('CORNERED', { videoViews: ['corners'] })).videoViews, ['corners']);
    assert.deepEqual((await banks.updateBank('CORNERED', { description: 'kept' })).videoViews, ['corners']);
  });

  test('hostile values are BANK_INVALID_SETTINGS and store nothing', async () => {
    const hostile: unknown[] = [
      'corners',
      ['corners', 'everything'],
      ['Corners'],
      [1],
      [null],
      [{ toString: () => 'corners' }],
      ['corners,corners'],
      [`${'a'.repeat(100_000)}`],
      { 0: 'corners', length: 1 },
      null,
    ];
    for (const [index, videoViews] of hostile.entries()) {
      const name = `HOSTILE_${index}`;
      await assert.rejects(banks.createBank({ name, videoViews: videoViews as string[] }), rejectsSettings, name);
      assert.equal(await storage.banks.getBankByName(name), undefined, `${name} was not created`);
      await assert.rejects(banks.updateBank('PLAIN', { videoViews: videoViews as string[] }), rejectsSettings);
    }
    const unchanged = await banks.getBank('PLAIN');
    assert.deepEqual(unchanged.videoViews, []);
    const error = await banks.createBank({ name: 'LONG', videoViews: ['x'.repeat(100_000)] }).catch((e: unknown) => e);
    assert.ok(isEngineError(error) && error.message.length < 200, 'the message does not echo a long value');
  });

  test('a video added to a bank with corners holds four corner lists more in vpdq_dense; without, none', {
    skip: ffmpegSkipReason(),
  }, async () => {
    const bytes = await clips.bytes('clip.mp4', [...lavfi('testsrc2=size=320x180:rate=30'), '-t', '2', ...mpeg4(2)]);
    await banks.createBank({ name: 'WITHOUT' });
    await banks.createBank({ name: 'WITH', videoViews: ['corners'] });
    const without = listsOf(
      readVpdqFeatures((await banks.addMedia('WITHOUT', bytes, decode)).signals.vpdq_dense ?? ''),
    );
    const withCorners = listsOf(
      readVpdqFeatures((await banks.addMedia('WITH', bytes, decode)).signals.vpdq_dense ?? ''),
    );
    // The lists every bank holds (whole frames, centres, inner views, and the unboxed lists of the
    // frames testsrc2's dark edges read as borders in), unchanged; then the four corners.
    assert.ok(without.length >= 3);
    assert.equal(withCorners.length, without.length + 4);
    assert.deepEqual(withCorners.slice(0, without.length), without, 'the lists every bank holds are unchanged');
    for (const list of withCorners.slice(without.length)) {
      assert.ok(list.length > 1 && list.length <= 60, `${list.length} of 60 frames kept (de-duplicated)`);
      assert.ok(list.every((feature) => feature.quality >= 50));
    }
  });
});
