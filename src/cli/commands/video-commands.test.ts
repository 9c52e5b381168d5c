import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCaptured } from '../../../test/support/cli-run.js';
import { patternImage } from '../../../test/support/images.js';
import { vectorsRoot } from '../../../test/support/vectors.js';
import { openVideoClips, testPattern, type VideoClips } from '../../../test/support/video-clips.js';
import { videoTestsSkipReason } from '../../../test/support/video-vectors.js';
import { readVpdqFeatures } from '../../signals/index.js';

const doorknob = join(vectorsRoot, 'vpdq', 'videos', 'doorknob-hd-no-bar.mp4');

describe('prevail hash and match with videos', { skip: videoTestsSkipReason() }, () => {
  let clips: VideoClips;
  let image: string;
  before(async () => {
    clips = await openVideoClips('video-cli');
    image = join(clips.directory, 'pattern.png');
    await writeFile(image, await patternImage(64, 64, 'png'));
  });
  after(async () => clips.remove());

  test('hash gives a video vpdq (1 frame per second), md5 and sha256, and an image pdq as before', async () => {
    const { status, lines } = await runCaptured(['hash', '--format', 'jsonl', doorknob, image]);
    assert.equal(status, 0);
    const [video, picture] = lines.map((line) => JSON.parse(line));
    assert.deepEqual(Object.keys(video), ['path', 'vpdq', 'md5', 'sha256']);
    assert.equal(video.md5, createHash('md5').update(readFileSync(doorknob)).digest('hex'));
    const features = readVpdqFeatures(video.vpdq);
    assert.deepEqual(
      features.map((feature) => feature.timestamp),
      [0, 1, 2, 3],
    );
    assert.match(video.vpdq, /^\["[0-9a-f]{64},\d+,0\.0", /);
    assert.deepEqual(Object.keys(picture), ['path', 'pdq', 'quality', 'md5', 'sha256']);
  });

  test('--every-frame and --video-fps choose the sampling; --signals vpdq on an image is an error', async () => {
    const every = await runCaptured(['hash', '--format', 'jsonl', '--every-frame', '--signals', 'vpdq', doorknob]);
    assert.equal(readVpdqFeatures(JSON.parse(every.lines[0] ?? '{}').vpdq).length, 120);
    const two = await runCaptured(['hash', '--format', 'jsonl', '--video-fps', '2', '--signals', 'vpdq', doorknob]);
    assert.ok(Math.abs(readVpdqFeatures(JSON.parse(two.lines[0] ?? '{}').vpdq).length - 8.66) <= 1);
    const wrong = await runCaptured(['hash', '--format', 'jsonl', '--signals', 'vpdq', image]);
    assert.equal(wrong.status, 1);
    assert.equal(JSON.parse(wrong.lines[0] ?? '{}').error.code, 'VIDEO_UNREADABLE');
    const bad = await runCaptured(['hash', '--video-fps', '0', doorknob]);
    assert.equal(bad.status, 2);
  });

  test('bank add stores a video; match finds it again and prints both vPDQ percentages when vPDQ matched', async () => {
    const storage = ['--data-dir', clips.directory];
    assert.equal((await runCaptured(['bank', 'create', 'TEST_VIDEOS', ...storage])).status, 0);
    const added = await runCaptured(['bank', 'add', 'TEST_VIDEOS', doorknob, ...storage]);
    assert.equal(added.status, 0, added.lines.join('\n'));
    const content = JSON.parse(added.lines[0] ?? '{}').content;
    // Long values (a video's vPDQ lists) are summarised in what bank add prints; bank signals gives them.
    const stored = [...Object.keys(content.signals), ...Object.keys(content.largeSignals)];
    assert.deepEqual(stored.sort(), ['md5', 'sha256', 'vpdq', 'vpdq_dense']);
    const signals = JSON.parse(
      (await runCaptured(['bank', 'signals', String(content.id), ...storage])).lines[0] ?? '{}',
    ).signals;
    assert.deepEqual(Object.keys(signals).sort(), stored.sort());

    const matched = await runCaptured(['match', doorknob, '--video-compared-match', '50', ...storage]);
    assert.equal(matched.status, 0, matched.errors);
    const record = JSON.parse(matched.lines[0] ?? '{}');
    assert.equal(record.signals.vpdq, signals.vpdq);
    const byType = new Map(record.matches.map((match: { signalType: string }) => [match.signalType, match]));
    const video = byType.get('vpdq') as { contentId: number; queryMatchPercent: number; comparedMatchPercent: number };
    assert.equal(video.contentId, content.id);
    assert.deepEqual([video.queryMatchPercent, video.comparedMatchPercent], [100, 100]);
    const refused = await runCaptured(['match', doorknob, '--video-query-match', '101', ...storage]);
    assert.equal(refused.status, 2);
  });

  test('a bank with --video-signals tmk_pdqf stores tmk_pdqf; match --tmk finds the video by it', async () => {
    const storage = ['--data-dir', join(clips.directory, 'tmk')];
    assert.equal(
      (await runCaptured(['bank', 'create', 'TMK_VIDEOS', '--video-signals', 'tmk_pdqf', ...storage])).status,
      0,
    );
    // A generated clip and its 1.1× sped-up copy: whole-video vPDQ misses the copy, TMK does not
    // (a content is reported once, by its best signal, so the copy must not match by vPDQ or bytes).
    const original = await clips.write('original.mp4', testPattern('null'));
    const faster = await clips.write('faster.mp4', testPattern('setpts=PTS/1.1'));
    const added = await runCaptured(['bank', 'add', 'TMK_VIDEOS', original, ...storage]);
    assert.equal(added.status, 0, added.lines.join('\n'));
    const content = JSON.parse(added.lines[0] ?? '{}').content;
    const stored = [...Object.keys(content.signals), ...Object.keys(content.largeSignals)];
    assert.deepEqual(stored.sort(), ['md5', 'sha256', 'tmk_pdqf', 'vpdq', 'vpdq_dense']);
    assert.equal(content.largeSignals.tmk_pdqf.valueBytes, 351_128, 'bank add prints no 351 KB value');
    // prevail hash --tmk prints the value banking stored; without --tmk there is none.
    const banked = JSON.parse(
      (await runCaptured(['bank', 'signals', String(content.id), ...storage])).lines[0] ?? '{}',
    );
    const hashed = JSON.parse((await runCaptured(['hash', '--format', 'jsonl', '--tmk', original])).lines[0] ?? '{}');
    assert.deepEqual(Object.keys(hashed), ['path', 'vpdq', 'tmk_pdqf', 'md5', 'sha256']);
    assert.equal(hashed.tmk_pdqf, banked.signals.tmk_pdqf);
    const untouched = JSON.parse((await runCaptured(['hash', '--format', 'jsonl', original])).lines[0] ?? '{}');
    assert.equal(untouched.tmk_pdqf, undefined);

    const matched = await runCaptured(['match', faster, '--tmk', ...storage]);
    assert.equal(matched.status, 0, matched.errors);
    const record = JSON.parse(matched.lines[0] ?? '{}');
    assert.equal(record.signals.tmk_pdqf, undefined, 'the 351 KB value is not printed');
    const tmk = record.matches.find((match: { signalType: string }) => match.signalType === 'tmk_pdqf');
    assert.equal(tmk?.contentId, content.id, JSON.stringify(record.matches));
    assert.ok(tmk.distance <= 0.3);
    const plain = JSON.parse((await runCaptured(['match', faster, ...storage])).lines[0] ?? '{}');
    assert.deepEqual(plain.matches, [], 'without --tmk the copy is not found');
  });
});
