/**
 * The videos of `npm run bench -- stream-quality` and its probe: the banked and unbanked sources
 * (ffmpeg's synthetic sources and the shared vPDQ samples), the transformations a stream applies
 * (alone and in pairs), and the ffmpeg commands that write an original and a stream clip.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ffmpegPath } from '../../src/video/index.js';

const execFileAsync = promisify(execFile);
export const width = 480;
export const height = 270;
export const rate = 30;
/** Flat grey before the video: the watchers connect (RTMP probing takes 3–5 s) before it goes on air. */
export const leadSeconds = 5;
/** Shared sample videos used when present (the vPDQ samples of ThreatExchange, see notes/vpdq.md). */
export const sharedSamples = [
  '/work/shared/vectors/vpdq/videos/chair-19-sd-bar.mp4',
  '/work/shared/vectors/vpdq/videos/pattern-sd-grey-bar.mp4',
  '/work/shared/vectors/vpdq/videos/doorknob-hd-no-bar.mp4',
];

export interface Source {
  readonly name: string;
  /** ffmpeg input arguments giving the video (at any size; scaled to 480×270). */
  readonly input: readonly string[];
}

const synthetic = (name: string, lavfi: string): Source => ({ name, input: ['-f', 'lavfi', '-i', lavfi] });

/** Banked videos: each a plainly synthetic moving picture. */
export const bankedSources: readonly Source[] = [
  synthetic('testsrc2', `testsrc2=s=${width}x${height}:r=${rate}`),
  synthetic('mandelbrot', `mandelbrot=s=${width}x${height}:r=${rate}`),
  synthetic(
    'life',
    `life=s=${width}x${height}:r=${rate}:seed=7:ratio=0.2:mold=8:life_color=#d04030:death_color=#203050`,
  ),
  synthetic(
    'smptehdbars-moving',
    `smptehdbars=s=${width}x${height}:r=${rate},hue=H=2*PI*t/10,rotate=a=0.2*sin(t):fillcolor=0x102030`,
  ),
  synthetic('cellauto', `cellauto=s=${width}x${height}:r=${rate}:rule=30:seed=3`),
];

/** Unbanked videos (the false-match set): other synthetic sources, none derived from the banked ones. */
export const unbankedSources: readonly Source[] = [
  synthetic('gradients', `gradients=s=${width}x${height}:r=${rate}:seed=11:nb_colors=4:speed=0.03`),
  synthetic(
    'life-other',
    `life=s=${width}x${height}:r=${rate}:seed=99:ratio=0.5:life_color=#30c060:death_color=#000000`,
  ),
  synthetic('cellauto-90', `cellauto=s=${width}x${height}:r=${rate}:rule=90:seed=5`),
  synthetic('sierpinski', `sierpinski=s=${width}x${height}:r=${rate}:seed=4`),
];

/**
 * A transformation: a filter chain on the video (`[in]` → `[v]`), optional other inputs (a
 * background), encoder settings, and its speed (stream seconds per video second, for the lead-in).
 */
export interface Transform {
  readonly name: string;
  readonly chain: string;
  readonly background?: string;
  readonly encode?: readonly string[];
  readonly speed?: number;
}

/**
 * A streamer's overlay, drawn with boxes only (no font needed): a "camera" in the bottom right
 * corner (a quarter of the width, its picture a moving gradient stand-in: a box whose shade changes),
 * three "text" lines (thin bars of different lengths) in a dark band at the bottom left, and a
 * "logo" (two nested boxes) at the top right. About 12 % of the picture is covered.
 */
const overlayChain = [
  // camera: 120×68 in the corner, framed, its inside shading over time
  'drawbox=x=iw-128:y=ih-76:w=120:h=68:color=0x202020:t=fill',
  "drawbox=x=iw-124:y=ih-72:w=112:h=60:color=0x8a6f5a:t=fill:enable='lt(mod(t,2),1)'",
  "drawbox=x=iw-124:y=ih-72:w=112:h=60:color=0x6f8a5a:t=fill:enable='gte(mod(t,2),1)'",
  'drawbox=x=iw-96:y=ih-62:w=56:h=44:color=0xc8a088:t=fill',
  // text: a dark band with three bars
  'drawbox=x=8:y=ih-44:w=200:h=36:color=black@0.6:t=fill',
  'drawbox=x=14:y=ih-38:w=150:h=6:color=white:t=fill',
  'drawbox=x=14:y=ih-28:w=184:h=6:color=white:t=fill',
  'drawbox=x=14:y=ih-18:w=96:h=6:color=white:t=fill',
  // logo
  'drawbox=x=iw-70:y=10:w=58:h=30:color=white@0.85:t=fill',
  'drawbox=x=iw-62:y=16:w=42:h=18:color=0xd03030:t=fill',
].join(',');

export const singles: readonly Transform[] = [
  { name: 'none (re-encoded)', chain: 'null' },
  { name: 'low bitrate (150 kb/s)', chain: 'null', encode: ['-b:v', '150k', '-maxrate', '150k', '-bufsize', '300k'] },
  { name: 'scaled down (240×136)', chain: 'scale=240:136' },
  { name: 'letterbox', chain: `scale=${width}:202,pad=${width}:${height}:0:34:black` },
  { name: 'pillarbox', chain: `scale=360:${height},pad=${width}:${height}:60:0:black` },
  { name: 'crop 10 %', chain: `crop=iw*0.9:ih*0.9,scale=${width}:${height}` },
  // Off-centre: the top left 90 % of the picture (a stream framing one side of it).
  { name: 'crop 10 % off-centre', chain: `crop=iw*0.9:ih*0.9:0:0,scale=${width}:${height}` },
  { name: 'mirror', chain: 'hflip' },
  { name: 'overlay (camera, text, logo)', chain: overlayChain },
  { name: 'speed 1.1×', chain: 'setpts=PTS/1.1', speed: 1.1 },
  { name: 'speed 0.9×', chain: 'setpts=PTS/0.9', speed: 0.9 },
  { name: '25 fps', chain: 'fps=25' },
  {
    name: 'picture-in-picture',
    chain: 'scale=160:90[small];[bg][small]overlay=x=W-w-16:y=H-h-16:shortest=1',
    background: `gradients=s=${width}x${height}:r=${rate}:seed=23:nb_colors=3:speed=0.02`,
  },
  // A fifth of the width, 2.7 % of the frame: under the inset view's 4 % (`insetShares`).
  {
    name: 'picture-in-picture small (80×44)',
    chain: 'scale=80:44[small];[bg][small]overlay=x=W-w-16:y=H-h-16:shortest=1',
    background: `gradients=s=${width}x${height}:r=${rate}:seed=23:nb_colors=3:speed=0.02`,
  },
  {
    name: 'screen capture',
    chain: [
      `scale=400:225[shot];[bg]drawbox=x=0:y=0:w=iw:h=28:color=0x3c3c3c:t=fill`,
      'drawbox=x=0:y=28:w=100:h=ih-48:color=0x252526:t=fill',
      'drawbox=x=10:y=44:w=80:h=8:color=0x808080:t=fill,drawbox=x=10:y=64:w=60:h=8:color=0x808080:t=fill',
      'drawbox=x=0:y=ih-20:w=iw:h=20:color=0x007acc:t=fill[ui];[ui][shot]overlay=x=140:y=60:shortest=1',
    ].join(','),
    background: `color=c=0x1e1e1e:s=640x360:r=${rate}`,
  },
];

export const single = (name: string): Transform => {
  const found = singles.find((transform) => transform.name.startsWith(name));
  if (found === undefined) throw new Error(`no transformation ${name}`);
  return found;
};

/** Two transformations applied in turn (the first without a background: it is applied to the video before the second). */
function pair(first: Transform, second: Transform): Transform {
  if (first.background !== undefined) throw new Error(`${first.name} has a background: put it second`);
  return {
    name: `${first.name} + ${second.name}`,
    chain: `${first.chain},${second.chain}`,
    ...(second.background !== undefined ? { background: second.background } : {}),
    ...(first.encode !== undefined || second.encode !== undefined
      ? { encode: [...(first.encode ?? []), ...(second.encode ?? [])] }
      : {}),
    speed: (first.speed ?? 1) * (second.speed ?? 1),
  };
}

export const pairs: readonly Transform[] = [
  pair(single('letterbox'), single('low bitrate')),
  pair(single('mirror'), single('crop')),
  pair(single('scaled'), single('overlay')),
  pair(single('pillarbox'), single('mirror')),
  pair(single('speed 1.1'), single('25 fps')),
  pair(single('low bitrate'), single('scaled')),
  pair(single('crop'), single('overlay')),
  pair(single('mirror'), single('picture')),
  pair(single('low bitrate'), single('screen')),
];

async function ffmpeg(args: readonly string[]): Promise<void> {
  await execFileAsync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
    timeout: 120_000,
  });
}

/** The original: `seconds` of the source at 480×270, 30 fps (what is banked). */
export async function makeOriginal(directory: string, source: Source, seconds: number): Promise<string> {
  const path = join(directory, `original-${source.name}.mp4`);
  await ffmpeg([
    ...source.input,
    ...['-t', String(seconds), '-vf', `scale=${width}:${height},fps=${rate},format=yuv420p`, '-an'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', path],
  ]);
  return path;
}

/**
 * The stream's clip: the lead-in, then the original, both through the transformation; H.264 with
 * a keyframe every second (a watcher joining waits at most a second), no B-frames unless
 * `bFrames` (OBS's x264 and the platforms' ingest recommendations send 2). `lead` seconds of
 * lead-in (default `leadSeconds`; 0 for a copy that is the video alone, as a re-upload).
 */
export async function makeStreamClip(
  directory: string,
  original: string,
  transform: Transform,
  name: string,
  bFrames = 0,
  lead = leadSeconds,
): Promise<string> {
  const path = join(directory, `${name}.mp4`);
  const inputs = ['-i', original];
  if (lead > 0) inputs.push('-f', 'lavfi', '-i', `color=c=0x404040:s=${width}x${height}:r=${rate}:d=${lead}`);
  const background = lead > 0 ? 2 : 1;
  if (transform.background !== undefined) inputs.push('-f', 'lavfi', '-i', transform.background);
  const filter = [
    lead > 0 ? '[1:v]setsar=1[lead];[0:v]setsar=1[main];[lead][main]concat=n=2:v=1:a=0[in];' : '[0:v]setsar=1[in];',
    transform.background !== undefined ? `[${background}:v]null[bg];` : '',
    `[in]${transform.chain},format=yuv420p[v]`,
  ].join('');
  await ffmpeg([
    ...inputs,
    ...['-filter_complex', filter, '-map', '[v]', '-an', '-r', String(rate)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', String(bFrames)],
    ...['-g', String(rate), '-keyint_min', String(rate), '-sc_threshold', '0'],
    ...(transform.encode ?? ['-crf', '23']),
    path,
  ]);
  return path;
}

/** The 720p clip of `npm run bench -- stream` and `stream-cost`: size, rate, length, keyframe interval. */
export const clip720 = { width: 1280, height: 720, fps: 25, seconds: 40, gopSeconds: 2 } as const;

/**
 * Writes the 720p25 H.264 clip of the stream benches (`testsrc2`, a keyframe every 2 s, the usual
 * live-streaming setting of OBS, Twitch and YouTube Live) with a white block in its black top band
 * whose position is the clip second (read back by `bench/stream.ts` to time each frame). By default
 * without B-frames (`-tune zerolatency`: every frame is a reference frame, the most decoding a
 * stream can cost); `bFrames: 2` encodes as OBS's x264 and the platforms' ingest recommendations
 * do, two B-frames between reference frames (x264's `veryfast` without the tune).
 */
export async function make720Clip(directory: string, seconds: number = clip720.seconds, bFrames = 0): Promise<string> {
  const { width: w, height: h, fps, gopSeconds } = clip720;
  const path = join(directory, `clip720-${seconds}s${bFrames > 0 ? `-bf${bFrames}` : ''}.mp4`);
  await execFileAsync(ffmpegPath(), [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=s=${w}x${h}:r=${fps}:d=${seconds}`],
    ...['-f', 'lavfi', '-i', `color=c=white:s=32x32:r=${fps}`],
    '-filter_complex',
    `[0:v]drawbox=x=0:y=0:w=${w}:h=32:color=black:t=fill[band];[band][1:v]overlay=x='mod(floor(t+0.001),40)*32':y=0:eval=frame:shortest=1,format=yuv420p[v]`,
    ...['-map', '[v]', '-c:v', 'libx264', '-preset', 'veryfast'],
    ...(bFrames > 0 ? ['-bf', String(bFrames)] : ['-tune', 'zerolatency']),
    ...['-g', String(fps * gopSeconds), '-keyint_min', String(fps * gopSeconds), '-sc_threshold', '0', path],
  ]);
  return path;
}

/** One clip to write: a source's original under a transformation, banked or not. */
export interface ClipSpec {
  readonly source: Source;
  readonly original: string;
  readonly transform: Transform;
  readonly banked: boolean;
}

/**
 * Every clip a stream benchmark plays: each banked source under each transformation, then each
 * unbanked source under the unbanked transformations. `originals` holds the banked sources'
 * files first, then the unbanked ones', in the order of `sources` and `unbanked`.
 */
export function clipSpecs(
  sources: readonly Source[],
  unbanked: readonly Source[],
  originals: readonly string[],
  transforms: readonly Transform[],
  unbankedTransforms: readonly Transform[],
): ClipSpec[] {
  return [
    ...sources.flatMap((source, index) =>
      transforms.map((transform) => ({ source, original: originals[index] as string, transform, banked: true })),
    ),
    ...unbanked.flatMap((source, index) =>
      unbankedTransforms.map((transform) => ({
        source,
        original: originals[sources.length + index] as string,
        transform,
        banked: false,
      })),
    ),
  ];
}
