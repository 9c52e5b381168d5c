import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { vectorsRoot } from '../../test/support/vectors.js';
import { isEngineError } from '../core/index.js';
import { exactFrameRate, FfmpegLog, parseVideoStreamLine } from './ffmpeg-log.js';
import { ffmpegPath, useFfmpeg } from './ffmpeg-path.js';
import { ffmpegArguments, readFrames } from './frame-reader.js';
import { probeVideo } from './probe-video.js';

const doorknob = join(vectorsRoot, 'vpdq', 'videos', 'doorknob-hd-no-bar.mp4');
const videoSkip: string | false = existsSync(doorknob) ? false : `the vPDQ test videos are not at ${doorknob}`;
const ffmpegSkip: string | false = (() => {
  try {
    ffmpegPath();
    return false;
  } catch {
    return 'no ffmpeg on this machine (install ffmpeg or set PREVAIL_FFMPEG)';
  }
})();
const linuxSkip: string | false =
  process.platform === 'linux' ? false : 'reads child processes from /proc (Linux only)';
const scratch = mkdtempSync(join(tmpdir(), 'prevail-frame-reader-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** Process ids of this process's children running ffmpeg (from /proc, so no API is needed to see them). */
function ffmpegChildren(): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (Number(fields[1]) === process.pid && name.startsWith('ffmpeg')) children.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}

/** Runs `body` with the ffmpeg setting (`PREVAIL_FFMPEG`) at `path`, back to the lookup afterwards. */
async function withFfmpeg(path: string, body: () => Promise<void>): Promise<void> {
  useFfmpeg(path);
  try {
    await body();
  } finally {
    useFfmpeg(undefined);
  }
}

/** A stand-in ffmpeg: prints an output description for a `width`×`height` stream, then writes `bytes`. */
function fakeFfmpeg(name: string, width: number, height: number, bytes: number): string {
  const path = join(scratch, name);
  const header = `Output #0, rawvideo, to 'pipe:1':\n  Stream #0:0: Video: rawvideo (RGB[24] / 0x18424752), rgb24, ${width}x${height}, q=2-31, 1 fps\n`;
  const data = Array.from({ length: bytes }, (_, index) => `\\${(index % 256).toString(8).padStart(3, '0')}`).join('');
  writeFileSync(`${path}.header`, header);
  writeFileSync(path, `#!/bin/sh\ncat '${path}.header' >&2\nprintf '${data}'\n`);
  chmodSync(path, 0o755);
  return path;
}

async function collect(source: string, options: Parameters<typeof readFrames>[1] = {}) {
  const frames: { index: number; timestamp: number; width: number; height: number; bytes: number[] }[] = [];
  for await (const frame of readFrames(source, options)) {
    frames.push({ ...frame, bytes: [...frame.rgb.subarray(0, 3)] });
  }
  return frames;
}

describe('ffmpeg stderr parsing', () => {
  test('reads size and rate from ffmpeg 5 and 2018 stream lines, skipping codec tags', () => {
    const modern = parseVideoStreamLine(
      '  Stream #0:0[0x1](eng): Video: h264 (Main) (avc1 / 0x31637661), yuv420p(progressive), 1280x720 [SAR 1:1 DAR 16:9], 877 kb/s, 30 fps, 30 tbr, 15360 tbn (default)',
    );
    assert.deepEqual(modern, { width: 1280, height: 720, fps: 30 });
    const old = parseVideoStreamLine(
      '    Stream #0:0(eng): Video: rawvideo (RGB[24] / 0x18424752), rgb24, 480x720 [SAR 1:1 DAR 2:3], q=2-31, 248832 kb/s, 29.97 fps, 29.97 tbn',
    );
    assert.equal(old?.width, 480);
    assert.equal(old?.height, 720);
    assert.equal(old?.fps, 30000 / 1001);
    assert.equal(parseVideoStreamLine('  Stream #0:1(eng): Audio: aac (LC), 48000 Hz, stereo'), undefined);
  });

  test('restores NTSC rates and keeps other printed rates', () => {
    assert.equal(exactFrameRate(23.98), 24000 / 1001);
    assert.equal(exactFrameRate(59.94), 60000 / 1001);
    assert.equal(exactFrameRate(25), 25);
    assert.equal(exactFrameRate(12.5), 12.5);
    assert.equal(exactFrameRate(0), 0);
  });

  test('tells input from output streams, reads the duration, and keeps the last error line', () => {
    const log = new FfmpegLog();
    log.append("Input #0, mov,mp4, from 'a.mp4':\n  Duration: 00:01:02.50, start: 0.000000\n  Stream #0:0: Vid");
    log.append('eo: h264, yuv420p, 640x360, 25 fps, 25 tbr\nStream mapping:\nOutput #0, rawvideo, to ');
    assert.equal(log.output, undefined);
    log.append(
      "'pipe:1':\n  Stream #0:0: Video: rawvideo, rgb24, 640x360, 25 fps\n[h264 @ 0x1] broken slice\nframe=  3",
    );
    log.end();
    assert.deepEqual(log.input, { width: 640, height: 360, fps: 25 });
    assert.deepEqual(log.output, { width: 640, height: 360, fps: 25 });
    assert.equal(log.durationSeconds, 62.5);
    assert.equal(log.lastError('none'), '[h264 @ 0x1] broken slice');
  });

  test('reads one presentation time per showinfo frame line, in order, and keeps them out of error lines', async () => {
    const log = new FfmpegLog();
    log.append('[Parsed_showinfo_1 @ 0x55] config in time_base: 1/15360, frame_rate: 30/1\n');
    log.append('[Parsed_showinfo_1 @ 0x55] n:   0 pts:   1536 pts_time:0.1     pos: 48 fmt:yuv420p\n');
    log.append('[Parsed_showinfo_1 @ 0x55]   side data - User Data Unregistered:\n[h264 @ 0x1] broken slice\n');
    const pending = log.nextPresentationTime();
    log.append(
      '[Parsed_showinfo_1 @ 0x55] n:   1 pts:NOPTS pts_time:NOPTS pos: 99\n[Parsed_showinfo_1 @ 0x55] n:   2 pts:',
    );
    log.append('  921600 pts_time:60   pos: 120\n');
    assert.equal(await pending, 0.1);
    assert.ok(Number.isNaN(await log.nextPresentationTime()), 'a frame without a timestamp keeps its place');
    assert.equal(await log.nextPresentationTime(), 60);
    const waiting = log.nextPresentationTime();
    log.end();
    assert.equal(await waiting, undefined, 'none left once stderr ended');
    assert.equal(log.lastError('none'), '[h264 @ 0x1] broken slice');
  });

  test('samples with the fps filter, or passes every frame through with the option this ffmpeg knows', () => {
    const sampled = ffmpegArguments('in.mp4', { inputOptions: ['-rw_timeout', '5'], realtime: true }, 2, true);
    assert.deepEqual(sampled.slice(sampled.indexOf('-re'), sampled.indexOf('-i') + 2), [
      '-re',
      '-noautorotate',
      '-rw_timeout',
      '5',
      '-i',
      'in.mp4',
    ]);
    assert.ok(sampled.join(' ').includes('-vf fps=2 -f rawvideo -pix_fmt rgb24 pipe:1'));
    assert.ok(ffmpegArguments('in.mp4', { everyFrame: true }, 1, true).join(' ').includes('-fps_mode passthrough'));
    assert.ok(ffmpegArguments('in.mp4', { everyFrame: true }, 1, false).join(' ').includes('-vsync passthrough'));
    const live = ffmpegArguments('rtmp://media.example/live/a', { lowLatency: true }, 10, true).join(' ');
    assert.ok(
      live.includes(
        "-vf select='isnan(prev_selected_t)+gte(floor(t*10+1e-6)\\,floor(prev_selected_t*10+1e-6)+1)+lt(t\\,prev_selected_t)',showinfo=checksum=0 -fps_mode passthrough",
      ),
      live,
    );
  });

  test('an HTTP source is read through the given proxy; other sources get none on the command line', () => {
    const proxy = 'http://127.0.0.1:4000/';
    const http = ffmpegArguments('https://cdn.example/live.m3u8', { httpProxy: proxy }, 1, true);
    assert.deepEqual(http.slice(http.indexOf('-http_proxy'), http.indexOf('-i') + 1), ['-http_proxy', proxy, '-i']);
    assert.ok(!ffmpegArguments('rtmp://media.example/live/a', { httpProxy: proxy }, 1, true).includes('-http_proxy'));
    assert.ok(!ffmpegArguments('https://cdn.example/live.m3u8', {}, 1, true).includes('-http_proxy'));
  });

  test('scale, output rate and autorotation as the TMK hasher runs ffmpeg', () => {
    const tmk = ffmpegArguments(
      'in.mp4',
      { scale: { width: 64, height: 64 }, outputRate: 15, autorotate: true },
      15,
      true,
    );
    assert.ok(!tmk.includes('-noautorotate'));
    assert.ok(!tmk.includes('-vf'));
    assert.ok(tmk.join(' ').includes('-r 15 -s 64x64 -f rawvideo -pix_fmt rgb24'), tmk.join(' '));
  });
});

describe('readFrames with a stand-in ffmpeg', { skip: linuxSkip }, () => {
  test('cuts the output into exact frames, many per pipe chunk', async () => {
    await withFfmpeg(fakeFfmpeg('three-frames', 2, 1, 18), async () => {
      const frames = await collect('ignored', { fps: 4 });
      assert.deepEqual(
        frames.map((frame) => [frame.index, frame.timestamp, frame.width, frame.height, frame.bytes]),
        [
          [0, 0, 2, 1, [0, 1, 2]],
          [1, 0.25, 2, 1, [6, 7, 8]],
          [2, 0.5, 2, 1, [12, 13, 14]],
        ],
      );
    });
  });

  test('an output that ends inside a frame is VIDEO_UNREADABLE', async () => {
    await withFfmpeg(fakeFfmpeg('partial', 2, 2, 13), async () => {
      await assert.rejects(collect('ignored'), (error) => isEngineError(error) && error.code === 'VIDEO_UNREADABLE');
    });
  });

  test('a missing ffmpeg is VIDEO_DECODER_MISSING', async () => {
    await withFfmpeg(join(scratch, 'no-such-ffmpeg'), async () => {
      await assert.rejects(
        collect('ignored'),
        (error) => isEngineError(error) && error.code === 'VIDEO_DECODER_MISSING',
      );
    });
  });

  test('rejects a sampling rate that is not positive', async () => {
    await assert.rejects(
      collect('ignored', { fps: 0 }),
      (error) => isEngineError(error) && error.code === 'CONFIG_INVALID',
    );
  });
});

describe('readFrames with ffmpeg', { skip: ffmpegSkip || videoSkip }, () => {
  test('the 1 fps default gives about one frame per second of video, at timestamps 0, 1, 2…', async () => {
    const probe = await probeVideo(doorknob);
    assert.deepEqual(probe, { width: 1280, height: 720, fps: 30, durationSeconds: 4.33 });
    const frames = await collect(doorknob);
    assert.ok(Math.abs(frames.length - probe.durationSeconds) <= 1, `${frames.length} frames`);
    assert.deepEqual(
      frames.map((frame) => frame.timestamp),
      frames.map((_, index) => index),
    );
    for (const frame of frames) assert.deepEqual([frame.width, frame.height], [1280, 720]);
  });

  test('every frame, with timestamps frame / source fps', async () => {
    let count = 0;
    for await (const frame of readFrames(doorknob, { everyFrame: true })) {
      assert.equal(frame.index, count);
      assert.equal(frame.timestamp, count / 30);
      assert.equal(frame.rgb.length, 1280 * 720 * 3);
      count += 1;
    }
    assert.equal(count, 120);
  });

  test('returning early kills ffmpeg and reaps it', { skip: linuxSkip }, async () => {
    let runningDuringRead: number[] = [];
    for await (const frame of readFrames(doorknob, { everyFrame: true })) {
      assert.equal(frame.index, 0);
      runningDuringRead = ffmpegChildren();
      break;
    }
    assert.equal(runningDuringRead.length, 1, 'ffmpeg was running while frames were read');
    assert.deepEqual(ffmpegChildren(), []);
    const [pid] = runningDuringRead;
    assert.throws(() => process.kill(pid ?? 0, 0), { code: 'ESRCH' });
  });

  test('a throw in the loop kills ffmpeg too', { skip: linuxSkip }, async () => {
    await assert.rejects(async () => {
      for await (const _frame of readFrames(doorknob)) throw new Error('consumer failed');
    }, /consumer failed/);
    assert.deepEqual(ffmpegChildren(), []);
  });

  test('aborting ends the iteration without an error and kills ffmpeg', { skip: linuxSkip }, async () => {
    const controller = new AbortController();
    let count = 0;
    for await (const _frame of readFrames(doorknob, { everyFrame: true, signal: controller.signal })) {
      count += 1;
      if (count === 2) controller.abort();
    }
    assert.equal(count, 2);
    assert.deepEqual(ffmpegChildren(), []);
  });

  test('a missing file is VIDEO_UNREADABLE and names the file', async () => {
    const missing = join(scratch, 'missing.mp4');
    await assert.rejects(
      collect(missing),
      (error) => isEngineError(error) && error.code === 'VIDEO_UNREADABLE' && error.message.includes(missing),
    );
    await assert.rejects(probeVideo(missing), (error) => isEngineError(error) && error.code === 'VIDEO_UNREADABLE');
  });

  test('streams are sampled N frames per second of video, each at its presentation timestamp', async () => {
    // A synthetic 60 s clip at 30 fps: the old "at least 1/N after the last frame" rule gave 482
    // frames ending at t=48.1 at 10 fps and 666 ending at 44.333 at 15 fps.
    const clip = join(scratch, 'sixty-seconds.mp4');
    execFileSync(ffmpegPath(), [
      ...['-nostdin', '-hide_banner', '-loglevel', 'error', '-f', 'lavfi'],
      ...['-i', 'testsrc2=size=96x64:rate=30', '-t', '60', '-pix_fmt', 'yuv420p', clip],
    ]);
    for (const [fps, slot] of [
      [10, 0.1],
      [15, 1 / 15],
    ] as const) {
      const frames = await collect(clip, { fps, lowLatency: true });
      assert.ok(Math.abs(frames.length - 60 * fps) <= 1, `${frames.length} frames at ${fps} fps`);
      const last = frames.at(-1)?.timestamp ?? 0;
      assert.ok(Math.abs(last - (60 - slot)) <= 1 / 30 + 1e-9, `last t ${last} at ${fps} fps`);
      for (const [index, frame] of frames.entries()) {
        assert.ok(Math.abs(frame.timestamp - index * slot) <= 1 / 30 + 1e-9, `frame ${index} at ${frame.timestamp}`);
      }
    }
  });

  test('a source that sends nothing is VIDEO_STALLED after the stall timeout, and ffmpeg is killed', {
    skip: linuxSkip,
  }, async () => {
    const fifo = join(scratch, 'silent.fifo');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(
      collect(fifo, { stallTimeoutSeconds: 0.3 }),
      (error) => isEngineError(error) && error.code === 'VIDEO_STALLED',
    );
    assert.deepEqual(ffmpegChildren(), []);
  });
});
