import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { vectorsRoot } from '../../test/support/vectors.js';
import { videoTestsSkipReason } from '../../test/support/video-vectors.js';
import { isEngineError } from '../core/index.js';
import { hashableSignalNames, hashMedia, type MediaHashes } from '../hasher/index.js';
import { Matcher, type MatchQuery } from '../matching/index.js';
import {
  createSignalIndex,
  denseFrameSpacingBits,
  hashFrame,
  pdqDistance,
  readVpdqFeatures,
} from '../signals/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { ffmpegPath, readFrames } from '../video/index.js';
import { BankService } from './bank-service.js';
import { exportHashList, importHashList } from './hash-list-transfer.js';

const videos = join(vectorsRoot, 'vpdq', 'videos');

const decode = { maxPixels: 100_000_000 };

async function hashesOf(bytes: Uint8Array): Promise<MediaHashes> {
  return hashMedia(bytes, { signals: hashableSignalNames, dihedral: false, decode });
}

function queryOf(hashes: MediaHashes): MatchQuery {
  return { signals: { pdq: hashes.pdq, vpdq: hashes.vpdq, md5: hashes.md5, sha256: hashes.sha256 } };
}

describe('videos in banks, matched through the vPDQ index', { skip: videoTestsSkipReason() }, () => {
  let directory: string;
  let storage: Storage;
  let banks: BankService;
  let matcher: Matcher;
  let chair: Uint8Array;
  let doorknob: Uint8Array;

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-video-bank-'));
    storage = await openStorage({ dataDir: directory });
    banks = new BankService(storage.banks);
    matcher = new Matcher({
      repository: storage.banks,
      indexFactories: Object.fromEntries(
        ['pdq', 'vpdq', 'vpdq_dense', 'md5', 'sha256'].map((type) => [type, () => createSignalIndex(type)]),
      ),
    });
    banks.subscribe(matcher);
    await matcher.load();
    chair = await readFile(join(videos, 'chair-19-sd-bar.mp4'));
    doorknob = await readFile(join(videos, 'doorknob-hd-no-bar.mp4'));
  });
  after(async () => {
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('bank add stores a video as vpdq + vpdq_dense + md5 + sha256, and the same file matches by vPDQ 100 % both ways', async () => {
    await banks.createBank({ name: 'KNOWN_VIDEOS' });
    const content = await banks.addMedia('KNOWN_VIDEOS', chair, decode, { source: 'test', externalId: 'chair-19' });
    assert.deepEqual(Object.keys(content.signals).sort(), ['md5', 'sha256', 'vpdq', 'vpdq_dense']);
    const features = readVpdqFeatures(content.signals.vpdq ?? '');
    assert.ok(Math.abs(features.length - 19) <= 1, `${features.length} frames sampled at 1 per second`);
    // The whole frames, then (the chair sample has bars) the pictures inside them, the middle 90 %
    // and 60 % of those pictures, and the middle 90 % and 60 % of the whole frames with their bars:
    // each list starts again from the video's start.
    const dense = readVpdqFeatures(content.signals.vpdq_dense ?? '');
    const starts = dense.flatMap((feature, index) =>
      index === 0 || feature.timestamp < (dense[index - 1]?.timestamp ?? 0) ? [index] : [],
    );
    assert.equal(starts.length, 6, 'whole frames, unboxed pictures, centres and inner views of both');
    const lists = starts.map((start, k) => dense.slice(start, starts[k + 1] ?? dense.length));
    for (const list of lists) {
      assert.ok(list.length > 200 && list.length < 564, `${list.length} of 564 frames kept`);
      list.forEach((feature, index) => {
        assert.ok(feature.quality >= 50);
        const previous = list[index - 1];
        if (previous !== undefined) assert.ok(pdqDistance(feature.hash, previous.hash) > denseFrameSpacingBits);
      });
    }

    const hashes = await hashesOf(chair);
    assert.equal(hashes.vpdq, content.signals.vpdq, 'hashing is deterministic');
    assert.equal(hashes.pdq, undefined, 'no image PDQ for a video');
    const outcome = await matcher.match(queryOf(hashes), { countForFlood: false });
    assert.equal(outcome.matches.length, 1);
    const [match] = outcome.matches;
    assert.deepEqual(
      {
        signalType: match?.signalType,
        contentId: match?.contentId,
        distance: match?.distance,
        queryMatchPercent: match?.queryMatchPercent,
        comparedMatchPercent: match?.comparedMatchPercent,
        externalId: match?.provenance.externalId,
      },
      {
        signalType: 'vpdq',
        contentId: content.id,
        distance: 0,
        queryMatchPercent: 100,
        comparedMatchPercent: 100,
        externalId: 'chair-19',
      },
    );
    assert.match(match?.matchedValue ?? '', /^[0-9a-f]{64}$/, 'the closest banked frame, not the whole signal');
    assert.equal((await matcher.match(queryOf(await hashesOf(doorknob)), { countForFlood: false })).matches.length, 0);
  });

  test('one frame of a banked video (a live-stream frame) matches it by PDQ as vpdq_frame; another video does not', async () => {
    const [chairFrame] = readVpdqFeatures((await hashesOf(chair)).vpdq ?? '').filter(
      (feature) => feature.quality >= 50,
    );
    const [doorknobFrame] = readVpdqFeatures((await hashesOf(doorknob)).vpdq ?? '').filter(
      (feature) => feature.quality >= 50,
    );
    const outcome = await matcher.match({ signals: { pdq: chairFrame?.hash } }, { countForFlood: false });
    const known = await banks.getBank('KNOWN_VIDEOS');
    assert.equal(outcome.matches.length, 1);
    assert.equal(outcome.matches[0]?.signalType, 'vpdq_frame');
    assert.equal(outcome.matches[0]?.bankId, known.id);
    assert.equal(outcome.matches[0]?.distance, 0);
    const other = await matcher.match({ signals: { pdq: doorknobFrame?.hash } }, { countForFlood: false });
    assert.equal(other.matches.length, 0);
  });

  test('a re-encoded, shrunk copy matches by vPDQ (not MD5); a trimmed one only when the banked share is lowered', async () => {
    const source = join(videos, 'chair-19-sd-bar.mp4');
    const reencode = async (name: string, extra: string[]): Promise<Uint8Array> => {
      const output = join(directory, name);
      execFileSync(ffmpegPath(), [
        '-nostdin',
        '-loglevel',
        'error',
        '-i',
        source,
        ...extra,
        '-an',
        '-vf',
        'scale=240:360',
        '-c:v',
        'mpeg4',
        '-q:v',
        '4',
        output,
      ]);
      return readFile(output);
    };
    const copy = await hashesOf(await reencode('copy.mp4', []));
    const [match] = (await matcher.match(queryOf(copy), { countForFlood: false })).matches;
    assert.equal(match?.signalType, 'vpdq');
    assert.ok((match?.queryMatchPercent ?? 0) >= 80 && (match?.comparedMatchPercent ?? 0) >= 80);

    const firstHalf = await hashesOf(await reencode('half.mp4', ['-t', '9']));
    const strict = await matcher.match(queryOf(firstHalf), { countForFlood: false });
    assert.deepEqual(strict.matches, [], 'half of the banked video is below 80 % of it');
    const lenient = await matcher.match(queryOf(firstHalf), {
      countForFlood: false,
      videoThresholds: { comparedMatchPercent: 30 },
    });
    const [partial] = lenient.matches;
    assert.ok(partial !== undefined, 'found once the banked share is lowered');
    assert.ok((partial.comparedMatchPercent ?? 100) < 80 && (partial.queryMatchPercent ?? 0) >= 80);
  });

  test('a banked video matches a 1 fps stream of itself from any start offset (its 1-per-second frames alone do not)', async () => {
    // testsrc2 moves on every frame (consecutive frames are about 36 bits apart), as fast footage does.
    const clip = join(directory, 'moving.mp4');
    const ffmpeg = (...args: string[]): void => {
      execFileSync(ffmpegPath(), ['-nostdin', '-loglevel', 'error', '-y', ...args]);
    };
    ffmpeg('-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-t', '8', '-c:v', 'mpeg4', '-q:v', '2', clip);
    await banks.createBank({ name: 'MOVING' });
    const content = await banks.addMedia('MOVING', await readFile(clip), decode);
    const sparse = new Matcher({
      repository: storage.banks,
      indexFactories: { pdq: () => createSignalIndex('pdq'), vpdq: () => createSignalIndex('vpdq') },
    });
    await sparse.load();
    let missedBefore = 0;
    for (const offset of ['0', '0.33', '0.5', '0.77']) {
      const copy = join(directory, `moving-from-${offset}.mp4`);
      ffmpeg('-ss', offset, '-i', clip, '-c:v', 'mpeg4', '-q:v', '3', copy);
      let frames = 0;
      let matched = 0;
      let matchedBefore = 0;
      for await (const frame of readFrames(copy, { fps: 1, lowLatency: true })) {
        const { hash, quality } = hashFrame(frame);
        const query = { signals: { pdq: hash }, pdqQuality: quality };
        frames += 1;
        const { matches } = await matcher.match(query, { banks: ['MOVING'], countForFlood: false });
        if (matches.some((match) => match.contentId === content.id && match.signalType === 'vpdq_frame')) matched += 1;
        if ((await sparse.match(query, { banks: ['MOVING'], countForFlood: false })).matches.length > 0) {
          matchedBefore += 1;
        }
      }
      assert.ok(frames >= 7, `${frames} frames from ${offset} s`);
      assert.equal(matched, frames, `every sampled frame from ${offset} s matches`);
      if (matchedBefore < frames) missedBefore += 1;
    }
    assert.ok(missedBefore > 0, 'the 1-per-second frames alone miss frames at some offset (the bug this guards)');
  });

  test('a video with no frame of quality 50 is refused; an unreadable video is VIDEO_UNREADABLE', async () => {
    const dark = join(directory, 'dark.mp4');
    execFileSync(ffmpegPath(), [
      '-nostdin',
      '-loglevel',
      'error',
      '-f',
      'lavfi',
      '-i',
      'color=c=black:s=64x64:d=2',
      '-c:v',
      'mpeg4',
      dark,
    ]);
    await assert.rejects(
      banks.addMedia('KNOWN_VIDEOS', await readFile(dark), decode),
      (error) => isEngineError(error) && error.code === 'CONTENT_INVALID' && /quality 50/.test(error.message),
    );
    const truncated = chair.subarray(0, 2000);
    await assert.rejects(
      banks.addMedia('KNOWN_VIDEOS', truncated, decode),
      (error) => isEngineError(error) && error.code === 'VIDEO_UNREADABLE',
    );
  });

  test('typed hash lists carry vpdq lines out of a bank and into another, value for value', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exportHashList(banks, 'KNOWN_VIDEOS', output, 'typed');
    output.end();
    const text = Buffer.concat(chunks).toString('utf8');
    const vpdqLine = text.split('\n').find((line) => line.startsWith('vpdq '));
    assert.ok(vpdqLine !== undefined && vpdqLine.length > 1000, 'one long vpdq line');

    await banks.createBank({ name: 'COPIED_VIDEOS' });
    const report = await importHashList(banks, 'COPIED_VIDEOS', [text], { format: 'auto' });
    assert.deepEqual([report.added, report.rejected], [4, 0], 'vpdq, vpdq_dense, md5, sha256');
    const [original] = await banks.listContent('KNOWN_VIDEOS', { limit: 1 });
    const copied = await banks.listContent('COPIED_VIDEOS', { limit: 10 });
    assert.ok(copied.some((content) => content.signals.vpdq === original?.signals.vpdq));
  });
});
