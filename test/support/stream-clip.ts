import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/video/index.js';
import { startLocalServer } from './http-server.js';

const run = promisify(execFile);

/**
 * Why stream tests cannot run here, or `false` when ffmpeg is present. Under `CI=true` a missing
 * ffmpeg is a failure, not a skip: CI must run these tests.
 */
export function ffmpegSkipReason(): string | false {
  try {
    execFileSync(ffmpegPath(), ['-hide_banner', '-version'], { stdio: 'ignore', timeout: 10_000 });
    return false;
  } catch (error) {
    if (process.env.CI === 'true') throw error;
    return `ffmpeg is not installed (${(error as Error).message}); install it (apt-get install ffmpeg) to run the stream tests`;
  }
}

/** A benign synthetic clip: a test pattern, then a still scene (the one to bank), then the pattern again. */
export interface StreamClip {
  readonly path: string;
  /** Seconds into the clip where the scene starts and ends. */
  readonly sceneStart: number;
  readonly sceneEnd: number;
  readonly duration: number;
}

/**
 * Writes the clip with ffmpeg's own generators: `testsrc2` (moving test pattern) around a still
 * frame of `mandelbrot`, 640×360, 25 fps, H.264 with a keyframe every second (so a player joining
 * late waits at most a second, and HLS segments are one second long), no B-frames.
 */
export async function makeStreamClip(
  directory: string,
  seconds: { before: number; scene: number; after: number } = { before: 10, scene: 5, after: 5 },
): Promise<StreamClip> {
  const ffmpeg = ffmpegPath();
  const still = join(directory, 'scene.png');
  const path = join(directory, 'clip.mp4');
  await run(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'mandelbrot=s=640x360',
    '-frames:v',
    '1',
    still,
  ]);
  await run(ffmpeg, [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=640x360:r=25:d=${seconds.before}`,
    '-loop',
    '1',
    '-framerate',
    '25',
    '-t',
    String(seconds.scene),
    '-i',
    still,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=640x360:r=25:d=${seconds.after}`,
    '-filter_complex',
    '[0:v][1:v][2:v]concat=n=3:v=1:a=0,format=yuv420p[v]',
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-tune',
    'zerolatency',
    '-g',
    '25',
    '-keyint_min',
    '25',
    '-sc_threshold',
    '0',
    '-r',
    '25',
    path,
  ]);
  return {
    path,
    sceneStart: seconds.before,
    sceneEnd: seconds.before + seconds.scene,
    duration: seconds.before + seconds.scene + seconds.after,
  };
}

/**
 * Starts a publishing `ffmpeg ARGS` (the caller kills it, see `stopProcess`); `publishing`
 * resolves with the wall-clock time (ms) at which ffmpeg opened its output — for RTMP, once the
 * server accepted the stream — which is when `-re` starts pacing the clip. It rejects when ffmpeg
 * exits first or after `timeoutMs`.
 */
export function startPublisher(
  args: readonly string[],
  timeoutMs = 15_000,
): { child: ChildProcess; publishing: Promise<number> } {
  const child = spawn(ffmpegPath(), ['-hide_banner', '-loglevel', 'info', '-nostdin', '-nostats', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const publishing = new Promise<number>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(
      () => reject(new Error(`ffmpeg did not start publishing within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (text.length < 100_000) text += chunk;
      if (/^Output #0/m.test(text)) {
        clearTimeout(timer);
        resolve(Date.now());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ffmpeg exited (${code}) before publishing: ${text.slice(-500)}`));
    });
  });
  publishing.catch(() => undefined);
  return { child, publishing };
}

/** Resolves when the process has exited, or after `timeoutMs` (then it is killed). */
export async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Kills the process (SIGKILL) and waits until it is gone. */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGKILL');
  await exited;
}

/** ffmpeg processes that are children of this process (the tests check that none is left). */
export async function childFfmpegProcesses(): Promise<string[]> {
  try {
    const { stdout } = await run('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]);
    return stdout
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => / ffmpeg$/.test(line));
  } catch {
    return []; // `ps` exits 1 when there is no child at all
  }
}

const contentTypes: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
};

/** A static file server for `directory` on 127.0.0.1 and a free port (HLS playlists and segments). */
export function serveDirectory(directory: string): Promise<{ url: string; close: () => Promise<void> }> {
  const root = normalize(directory) + sep;
  return startLocalServer((request, response) => {
    const path = normalize(join(root, decodeURIComponent((request.url ?? '/').split('?')[0] ?? '/')));
    if (!path.startsWith(root)) return void response.writeHead(403).end();
    readFile(path).then(
      (bytes) => {
        response.writeHead(200, { 'content-type': contentTypes[extname(path)] ?? 'application/octet-stream' });
        response.end(bytes);
      },
      () => response.writeHead(404).end(),
    );
  });
}
