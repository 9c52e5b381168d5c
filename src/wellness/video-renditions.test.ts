import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import sharp from 'sharp';
import { ffmpegSkipReason, makeStreamClip } from '../../test/support/stream-clip.js';
import {
  laplacianEnergy,
  matchEntry,
  reviewer,
  type WellnessRig,
  wellnessRig,
} from '../../test/support/wellness-rig.js';
import { EngineError } from '../core/index.js';
import { useFfmpeg } from '../video/index.js';

const skip = ffmpegSkipReason();

describe('wellness: video renditions', { skip }, () => {
  let rig: WellnessRig;
  let directory: string;
  let clip: Buffer;

  before(async () => {
    rig = await wellnessRig();
    directory = await mkdtemp(join(tmpdir(), 'prevail-wellness-video-'));
    clip = await readFile((await makeStreamClip(directory, { before: 2, scene: 2, after: 2 })).path);
    rig.files.set('clip.mp4', clip);
  });
  after(async () => {
    useFfmpeg(undefined);
    await rig.close();
    await rm(directory, { recursive: true, force: true });
  });

  async function videoItem(caseId: number): Promise<string> {
    rig.timelines.set(caseId, [matchEntry(caseId, `v${caseId}`, { url: `${rig.mediaUrl}/clip.mp4`, kind: 'video' })]);
    const [item] = await rig.wellness.listMedia(caseId, rig.timelines.get(caseId) ?? []);
    assert.equal(item?.kind, 'video');
    return item?.id ?? '';
  }

  test('a video is a blurred poster and a bounded filmstrip of blurred key frames', async () => {
    const id = await videoItem(1);
    const poster = await rig.wellness.rendition(id, reviewer);
    assert.equal(poster.frames, 4, 'maxVideoFrames bounds the filmstrip');
    const frames = [poster.jpeg];
    for (let frame = 1; frame < poster.frames; frame++)
      frames.push((await rig.wellness.rendition(id, reviewer, { frame })).jpeg);
    for (const jpeg of frames) {
      const meta = await sharp(jpeg).metadata();
      assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 320);
      assert.equal(meta.channels, 1);
      assert.ok((await laplacianEnergy(jpeg)) < 3, 'blurred');
    }
    assert.notDeepEqual(frames[0], frames[3], 'frames spread over the clip');
    await assert.rejects(
      rig.wellness.rendition(id, reviewer, { frame: 4 }),
      (error: unknown) => error instanceof EngineError && error.code === 'MEDIA_NOT_FOUND',
    );
  });

  test('without ffmpeg a video says VIDEO_DECODER_MISSING', async () => {
    useFfmpeg('/nonexistent/ffmpeg');
    try {
      await assert.rejects(
        rig.wellness.rendition(await videoItem(2), reviewer),
        (error: unknown) => error instanceof EngineError && error.code === 'VIDEO_DECODER_MISSING',
      );
    } finally {
      useFfmpeg(undefined);
    }
  });
});
