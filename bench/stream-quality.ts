/**
 * `npm run bench -- stream-quality [--quick] [--configs old,nomoving,default] [--before DIR]
 * [--bank-fps N] [--seconds N] [--transforms PREFIX,...] [--parallel N]`:
 * how well live-stream watching matches banked videos that a stream has changed (issue 14).
 *
 * 1. Builds benign videos from ffmpeg's own synthetic sources (and, when present, the shared vPDQ
 *    sample videos under /work/shared; the run says when they are absent), every one 480×270 at
 *    30 fps, 15 s (`--seconds`); hashes the originals once through the real hasher (`hashMedia`
 *    with the banked signals) and banks them twice: as Prevail banks them (`vpdq` and
 *    `vpdq_dense`), and with their 1-per-second `vpdq` frames alone (the old bank).
 * 2. Writes transformed copies (each transformation alone, and pairs), each after a few seconds
 *    of flat grey lead-in (so that the watchers are connected before the first banked frame goes
 *    on air), and a set of unbanked videos (other synthetic sources) through a few
 *    transformations.
 * 3. Publishes every copy to a local RTMP server (node-media-server) in real time (`-re`), several
 *    at once, and watches each with one real `StreamWatcher` per configuration at 1 fps.
 *
 * Per transformation and configuration: recall (streams of banked videos that matched their own
 * video), first-match latency p50/p99 (from the moment the first banked frame went on air: the
 * publisher's start plus the lead-in), and false matches (unbanked streams that matched anything,
 * and banked streams that matched another video).
 *
 * Configurations (side by side in one run, each a watcher on the same published stream):
 * - `old`: before issue 14's work: the whole frame alone (`hashVideoFrame`) against the
 *   1-per-second banked frames;
 * - `default`: this tree's `StreamWatcher` as it is (its sampler and its frame hasher) against
 *   the bank as Prevail fills it;
 * - `whole`: as `default`, hashing the whole frame only (no unletterboxing, no dihedral lookups);
 * - `unletterbox`, `dihedral`: this tree's sampler with one of the two passes alone;
 * - `moving`: the default passes and the moving-region pass (`FrameViewOptions.moving`; now a default);
 * - `nomoving`: the default passes without the moving region (the default before it was turned on);
 * - `before` (with `--before DIR`): the `StreamWatcher` and `readFrames` of another worktree's
 *   bench build (`npx tsc -p tsconfig.bench.json` there first), with its defaults.
 *
 * Bounded in time: the run prints its budget before playing (about 10 minutes; `--quick` about
 * 3); every child process is killed at the end.
 */
import { type ChildProcess, execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createServices } from '../src/app/index.js';
import { bankedSignalNames, hashMedia } from '../src/hasher/index.js';
import {
  defaultFrameViews,
  type FrameHasher,
  frameHasher,
  hashVideoFrame,
  type StreamWatchEvent,
  StreamWatcher,
} from '../src/streams/index.js';
import { ffmpegPath, readFrames } from '../src/video/index.js';
import { startMediaServer } from '../test/support/media-server.js';
import { startPublisher, stopProcess } from '../test/support/stream-clip.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

const execFileAsync = promisify(execFile);
const width = 480;
const height = 270;
const rate = 30;
/** Flat grey before the video: the watchers connect (RTMP probing takes 3–5 s) before it goes on air. */
const leadSeconds = 5;
/** After a publisher has finished, watchers get this long to report their last frames. */
const graceMs = 3000;
/** Shared sample videos used when present (the vPDQ samples of ThreatExchange, see notes/vpdq.md). */
const sharedSamples = [
  '/work/shared/vectors/vpdq/videos/chair-19-sd-bar.mp4',
  '/work/shared/vectors/vpdq/videos/pattern-sd-grey-bar.mp4',
  '/work/shared/vectors/vpdq/videos/doorknob-hd-no-bar.mp4',
];

interface Source {
  readonly name: string;
  /** ffmpeg input arguments giving the video (at any size; scaled to 480×270). */
  readonly input: readonly string[];
}

const synthetic = (name: string, lavfi: string): Source => ({ name, input: ['-f', 'lavfi', '-i', lavfi] });

/** Banked videos: each a plainly synthetic moving picture. */
const bankedSources: readonly Source[] = [
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
const unbankedSources: readonly Source[] = [
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
interface Transform {
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

const singles: readonly Transform[] = [
  { name: 'none (re-encoded)', chain: 'null' },
  { name: 'low bitrate (150 kb/s)', chain: 'null', encode: ['-b:v', '150k', '-maxrate', '150k', '-bufsize', '300k'] },
  { name: 'scaled down (240×136)', chain: 'scale=240:136' },
  { name: 'letterbox', chain: `scale=${width}:202,pad=${width}:${height}:0:34:black` },
  { name: 'pillarbox', chain: `scale=360:${height},pad=${width}:${height}:60:0:black` },
  { name: 'crop 10 %', chain: `crop=iw*0.9:ih*0.9,scale=${width}:${height}` },
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

const single = (name: string): Transform => {
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

const pairs: readonly Transform[] = [
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

/** One configuration of the watcher: a name, the bank it matches against and how to build its `StreamWatcher`. */
interface Configuration {
  readonly name: string;
  /**
   * `dense` (the default): originals banked as Prevail banks them (`vpdq` and `vpdq_dense`);
   * `sparse`: their 1-per-second `vpdq` frames only (as python-threatexchange hashes, and as
   * Prevail banked before `vpdq_dense`).
   */
  readonly bank?: 'dense' | 'sparse';
  readonly watcher: (options: { id: string; url: string; matcher: unknown }) => {
    subscribe(listener: (event: StreamWatchEvent) => void): unknown;
    start(): unknown;
    stop(): Promise<unknown>;
  };
}

/** This tree's watcher; `hasher` makes each stream its own frame hasher (the moving-region pass keeps state). */
function thisTree(
  name: string,
  hasher: (() => FrameHasher) | undefined,
  bank: Configuration['bank'] = 'dense',
): Configuration {
  return {
    name,
    bank,
    watcher: ({ id, url, matcher }) =>
      new StreamWatcher({
        id,
        source: { source: url, kind: 'live', inputOptions: [] },
        matcher: matcher as ConstructorParameters<typeof StreamWatcher>[0]['matcher'],
        readFrames,
        reconnect: { maxReconnects: 0 },
        ...(hasher !== undefined ? { hashFrame: hasher() } : {}),
      }),
  };
}

const namedConfigurations: Record<string, () => Configuration> = {
  /** Before issue 14's work: the whole frame alone against the 1-per-second banked frames. */
  old: () => thisTree('old', () => hashVideoFrame, 'sparse'),
  default: () => thisTree('default', undefined),
  whole: () => thisTree('whole', () => hashVideoFrame),
  unletterbox: () => thisTree('unletterbox', () => frameHasher({ ...defaultFrameViews, dihedral: false })),
  dihedral: () => thisTree('dihedral', () => frameHasher({ ...defaultFrameViews, unletterbox: false })),
  moving: () => thisTree('moving', () => frameHasher({ ...defaultFrameViews, moving: true })),
  nomoving: () => thisTree('nomoving', () => frameHasher({ ...defaultFrameViews, moving: false })),
};

/** The `StreamWatcher` of another worktree's bench build, with its defaults. */
async function beforeConfiguration(directory: string): Promise<Configuration> {
  const root = join(resolve(directory), 'build', 'bench', 'src');
  if (!existsSync(join(root, 'streams', 'index.js'))) {
    throw new Error(`${root} holds no build: run \`npx tsc -p tsconfig.bench.json\` in ${directory} first`);
  }
  const streams = await import(pathToFileURL(join(root, 'streams', 'index.js')).href);
  const video = await import(pathToFileURL(join(root, 'video', 'index.js')).href);
  return {
    name: 'before',
    watcher: ({ id, url, matcher }) =>
      new streams.StreamWatcher({
        id,
        source: { source: url, kind: 'live', inputOptions: [] },
        matcher,
        readFrames: video.readFrames,
        reconnect: { maxReconnects: 0 },
      }),
  };
}

async function ffmpeg(args: readonly string[]): Promise<void> {
  await execFileAsync(ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
    timeout: 120_000,
  });
}

/** The original: `seconds` of the source at 480×270, 30 fps (what is banked). */
async function makeOriginal(directory: string, source: Source, seconds: number): Promise<string> {
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
 * a keyframe every second (a watcher joining waits at most a second), no B-frames.
 */
async function makeStreamClip(
  directory: string,
  original: string,
  transform: Transform,
  name: string,
): Promise<string> {
  const path = join(directory, `${name}.mp4`);
  const lead = `color=c=0x404040:s=${width}x${height}:r=${rate}:d=${leadSeconds}`;
  const inputs = ['-i', original, '-f', 'lavfi', '-i', lead];
  if (transform.background !== undefined) inputs.push('-f', 'lavfi', '-i', transform.background);
  const filter = [
    '[1:v]setsar=1[lead];[0:v]setsar=1[main];[lead][main]concat=n=2:v=1:a=0[in];',
    transform.background !== undefined ? '[2:v]null[bg];' : '',
    `[in]${transform.chain},format=yuv420p[v]`,
  ].join('');
  await ffmpeg([
    ...inputs,
    ...['-filter_complex', filter, '-map', '[v]', '-an', '-r', String(rate)],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-bf', '0'],
    ...['-g', String(rate), '-keyint_min', String(rate), '-sc_threshold', '0'],
    ...(transform.encode ?? ['-crf', '23']),
    path,
  ]);
  return path;
}

/** One stream to play: a transformed clip of a banked video (`contentId`) or of an unbanked one. */
interface StreamJob {
  readonly id: string;
  readonly clip: string;
  readonly video: string;
  readonly transform: string;
  readonly speed: number;
  /** How long the clip plays (lead-in and video, at its speed). */
  readonly seconds: number;
  readonly contentId: number | undefined;
}

/** What one configuration's watcher saw of one stream. */
interface Observation {
  readonly configuration: string;
  readonly job: StreamJob;
  readonly frames: number;
  /** From the first banked frame on air to the first match of the stream's own video (ms). */
  readonly firstMatchMs: number | undefined;
  /** Frames that matched another banked video (for an unbanked stream: any video). */
  readonly wrongFrames: number;
  readonly error: string | undefined;
}

/** Publishes each job's clip in real time and watches it with every configuration; resolves when all are done. */
async function playBatch(
  jobs: readonly StreamJob[],
  configurations: readonly Configuration[],
  matchers: { readonly dense: unknown; readonly sparse: unknown },
  rtmpUrl: string,
  children: ChildProcess[],
): Promise<Observation[]> {
  return (
    await Promise.all(
      jobs.map(async (job) => {
        const url = `${rtmpUrl}/live/${job.id}`;
        const publisher = startPublisher(['-re', '-i', job.clip, '-c', 'copy', '-f', 'flv', url]);
        children.push(publisher.child);
        const exited = new Promise<void>((done) => publisher.child.once('exit', () => done()));
        let publishedAt: number;
        try {
          publishedAt = await publisher.publishing;
        } catch (error) {
          await stopProcess(publisher.child);
          const message = (error as Error).message.slice(0, 200);
          return configurations.map((configuration) => ({
            configuration: configuration.name,
            job,
            frames: 0,
            firstMatchMs: undefined,
            wrongFrames: 0,
            error: message,
          }));
        }
        const onAir = publishedAt + (leadSeconds / job.speed) * 1000;
        const seen = configurations.map((configuration) => {
          const state = { frames: 0, firstMatchMs: undefined as number | undefined, wrongFrames: 0 };
          const matcher = matchers[configuration.bank ?? 'dense'];
          const watcher = configuration.watcher({ id: `${job.id}-${configuration.name}`, url, matcher });
          watcher.subscribe((event) => {
            if (event.type === 'frame') state.frames += 1;
            if (event.type !== 'match') return;
            const ids = event.matches.map((match) => match.contentId);
            if (job.contentId !== undefined && ids.includes(job.contentId)) state.firstMatchMs ??= Date.now() - onAir;
            if (ids.some((id) => id !== job.contentId)) state.wrongFrames += 1;
          });
          watcher.start();
          return { configuration, watcher, state };
        });
        // Never wait much longer than the clip lasts.
        await Promise.race([exited, sleep(job.seconds * 1000 + 20_000)]);
        await stopProcess(publisher.child);
        await sleep(graceMs);
        await Promise.all(seen.map(({ watcher }) => watcher.stop()));
        return seen.map(({ configuration, state }) => ({
          configuration: configuration.name,
          job,
          ...state,
          error: undefined,
        }));
      }),
    )
  ).flat();
}

/** Runs `work` over `items`, at most `limit` at a time. */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index] as T);
      }
    }),
  );
  return results;
}

interface Row {
  readonly configuration: string;
  readonly transform: string;
  readonly kind: 'single' | 'pair' | 'unbanked';
  readonly streams: number;
  readonly matched: number;
  readonly recall: number | null;
  readonly p50Ms: number | null;
  readonly p99Ms: number | null;
  /** Streams that matched a video they do not show. */
  readonly falseMatchStreams: number;
  readonly framesPerStream: number;
  readonly errors: number;
  /** Banked videos that did not match under this transformation. */
  readonly missed: readonly string[];
}

function summarize(observations: readonly Observation[], kindOf: (transform: string) => Row['kind']): Row[] {
  const groups = new Map<string, Observation[]>();
  for (const observation of observations) {
    const banked = observation.job.contentId !== undefined;
    const key = `${observation.configuration}\u0000${banked ? observation.job.transform : `unbanked: ${observation.job.transform}`}`;
    groups.set(key, [...(groups.get(key) ?? []), observation]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const [configuration, transform] = key.split('\u0000') as [string, string];
    const banked = group.filter((observation) => observation.job.contentId !== undefined);
    const latencies = banked.flatMap((observation) =>
      observation.firstMatchMs === undefined ? [] : [observation.firstMatchMs],
    );
    return {
      configuration,
      transform,
      kind: transform.startsWith('unbanked: ') ? 'unbanked' : kindOf(transform),
      streams: group.length,
      matched: latencies.length,
      recall: banked.length === 0 ? null : round3(latencies.length / banked.length),
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      falseMatchStreams: group.filter((observation) => observation.wrongFrames > 0).length,
      framesPerStream: Math.round(group.reduce((sum, observation) => sum + observation.frames, 0) / group.length),
      errors: group.filter((observation) => observation.error !== undefined).length,
      missed: banked.filter((observation) => observation.firstMatchMs === undefined).map(({ job }) => job.video),
    };
  });
}

/** A whole number option within bounds (the bench refuses absurd values rather than run for hours). */
function whole(text: string | number, name: string, minimum: number, maximum: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < minimum || value > maximum) {
    throw new Error(`${name} must be a whole number from ${minimum} to ${maximum}, got ${String(text).slice(0, 40)}`);
  }
  return value;
}

function textOption(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

async function commitOf(directory: string): Promise<string | null> {
  try {
    return (await execFileAsync('git', ['-C', directory, 'rev-parse', '--short', 'HEAD'])).stdout.trim();
  } catch {
    return null;
  }
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const contentSeconds = whole(textOption(args, '--seconds') ?? (quick ? 10 : 15), '--seconds', 2, 120);
  const parallel = whole(textOption(args, '--parallel') ?? (quick ? 12 : 14), '--parallel', 1, 64);
  const configNames = (textOption(args, '--configs') ?? 'old,nomoving,default')
    .split(',')
    .filter((name) => name !== '');
  const beforeDirectory = textOption(args, '--before');
  const bankFpsText = textOption(args, '--bank-fps');
  const bankFps = bankFpsText === undefined ? undefined : Number(bankFpsText);
  const configurations: Configuration[] = [];
  if (beforeDirectory !== undefined) configurations.push(await beforeConfiguration(beforeDirectory));
  for (const name of configNames) {
    const make = namedConfigurations[name];
    if (make === undefined)
      throw new Error(`unknown configuration ${name}: ${Object.keys(namedConfigurations).join(', ')}`);
    configurations.push(make());
  }
  const machine = describeMachine();
  const loadStart = loadavg().map((value) => Math.round(value * 100) / 100);
  console.log(`machine: ${JSON.stringify(machine)}; load average ${loadStart.join(' ')}`);
  console.log(
    `configurations: ${configurations.map((configuration) => configuration.name).join(', ')}; originals banked at ${bankFps ?? 'the default'} frames/s`,
  );

  const banked = quick ? bankedSources.slice(0, 2) : [...bankedSources];
  const samples = quick ? [] : sharedSamples.filter((path) => existsSync(path));
  if (!quick) {
    const missing = sharedSamples.filter((path) => !existsSync(path));
    if (missing.length > 0) console.log(`shared sample videos skipped (not present): ${missing.join(', ')}`);
  } else console.log('shared sample videos skipped: --quick');
  const sources: Source[] = [
    ...banked,
    ...samples.map((path) => ({ name: (path.split('/').pop() ?? path).replace(/\.mp4$/, ''), input: ['-i', path] })),
  ];
  const only = textOption(args, '--transforms')?.split(',');
  const chosen = (transform: Transform) =>
    only === undefined || only.some((prefix) => transform.name.startsWith(prefix));
  const transforms = (
    quick
      ? [
          single('none'),
          single('letterbox'),
          single('pillarbox'),
          single('mirror'),
          single('picture'),
          pairs[0] as Transform,
        ]
      : [...singles, ...pairs]
  ).filter(chosen);
  const unbanked = quick ? unbankedSources.slice(0, 2) : [...unbankedSources];
  const unbankedTransforms = (
    quick
      ? [single('none'), single('mirror')]
      : [single('none'), single('mirror'), single('letterbox'), single('pillarbox')]
  ).filter(chosen);

  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-stream-quality-'));
  const children: ChildProcess[] = [];
  const media = await startMediaServer();
  const services = await createServices({ dataDir: join(directory, 'data') });
  const sparseServices = await createServices({ dataDir: join(directory, 'data-sparse') });
  const began = Date.now();
  try {
    await services.banks.createBank({ name: 'STREAM_QUALITY' });
    await sparseServices.banks.createBank({ name: 'STREAM_QUALITY' });
    console.log(`building ${sources.length} banked and ${unbanked.length} unbanked videos, ${contentSeconds} s each`);
    const originals = await inPool([...sources, ...unbanked], 2, (source) =>
      makeOriginal(directory, source, contentSeconds),
    );
    const contentIds = new Map<string, number>();
    const bankedFrames: { video: string; vpdq: number; vpdq_dense: number; seconds: number }[] = [];
    for (const [index, source] of sources.entries()) {
      const bytes = await readFile(originals[index] as string);
      const hashes = await hashMedia(bytes, {
        signals: bankedSignalNames,
        dihedral: false,
        decode: { maxPixels: 1e8 },
        video: bankFps === undefined ? {} : { fps: bankFps },
      });
      const details = { note: `bench ${source.name}` };
      const record = await services.banks.addHashedMedia('STREAM_QUALITY', hashes, details);
      const { vpdq_dense: dense, ...sparse } = hashes;
      const sparseRecord = await sparseServices.banks.addHashedMedia('STREAM_QUALITY', sparse, details);
      if (sparseRecord.id !== record.id) throw new Error('the two banks gave the video different ids');
      contentIds.set(source.name, record.id);
      bankedFrames.push({
        video: source.name,
        vpdq: frameCount(hashes.vpdq),
        vpdq_dense: frameCount(dense),
        seconds: contentSeconds,
      });
    }
    console.log(
      `banked frames (vpdq / vpdq_dense): ${bankedFrames.map((entry) => `${entry.video} ${entry.vpdq}/${entry.vpdq_dense}`).join(', ')}`,
    );
    const specs = [
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
    console.log(`writing ${specs.length} stream clips (${transforms.length} transformations)`);
    const jobs: StreamJob[] = await inPool([...specs.entries()], 2, async ([index, spec]) => {
      const id = `s${index}`;
      return {
        id,
        clip: await makeStreamClip(directory, spec.original, spec.transform, id),
        video: spec.source.name,
        transform: spec.transform.name,
        speed: spec.transform.speed ?? 1,
        seconds: (leadSeconds + contentSeconds) / (spec.transform.speed ?? 1),
        contentId: spec.banked ? contentIds.get(spec.source.name) : undefined,
      };
    });
    const batches = Math.ceil(jobs.length / parallel);
    const budgetSeconds = Math.round(
      batches * (Math.max(...jobs.map((job) => job.seconds)) + graceMs / 1000 + 6) + (Date.now() - began) / 1000,
    );
    console.log(
      `built in ${Math.round((Date.now() - began) / 1000)} s; playing ${jobs.length} streams, ${parallel} at a time, ${configurations.length} watcher(s) each: budget about ${budgetSeconds} s in all`,
    );
    const observations: Observation[] = [];
    for (let start = 0; start < jobs.length; start += parallel) {
      const batch = jobs.slice(start, start + parallel);
      observations.push(
        ...(await playBatch(
          batch,
          configurations,
          { dense: services.matcher, sparse: sparseServices.matcher },
          media.rtmpUrl,
          children,
        )),
      );
      console.log(
        `  ${Math.min(start + parallel, jobs.length)}/${jobs.length} streams played (${Math.round((Date.now() - began) / 1000)} s)`,
      );
    }
    const pairNames = new Set(pairs.map((transform) => transform.name));
    const rows = summarize(observations, (transform) => (pairNames.has(transform) ? 'pair' : 'single'));
    const names = configurations.map((configuration) => configuration.name);
    const byTransform = [...new Set(rows.map((row) => row.transform))];
    const cell = (row: Row | undefined) =>
      row === undefined
        ? 'n/a'
        : row.kind === 'unbanked'
          ? `${row.falseMatchStreams}/${row.streams} matched`
          : `${row.matched}/${row.streams} ${seconds(row.p50Ms)}/${seconds(row.p99Ms)}${row.falseMatchStreams > 0 ? ` (${row.falseMatchStreams} wrong)` : ''}`;
    console.log('');
    console.log('recall (streams that matched their video) and first-match latency p50/p99 in s, per configuration:');
    printTable(
      ['transformation', ...names],
      byTransform.map((transform) => [
        transform,
        ...names.map((name) => cell(rows.find((row) => row.configuration === name && row.transform === transform))),
      ]),
    );
    const totals = names.map((name) => {
      const own = rows.filter((row) => row.configuration === name);
      const unbankedRows = own.filter((row) => row.kind === 'unbanked');
      return {
        configuration: name,
        singlesAtGoal: own.filter((row) => row.kind === 'single' && (row.recall ?? 0) >= 0.95).length,
        singles: own.filter((row) => row.kind === 'single').length,
        pairsAtGoal: own.filter((row) => row.kind === 'pair' && (row.recall ?? 0) >= 0.85).length,
        pairs: own.filter((row) => row.kind === 'pair').length,
        falseMatchStreams: own.reduce((sum, row) => sum + row.falseMatchStreams, 0),
        unbankedStreams: unbankedRows.reduce((sum, row) => sum + row.streams, 0),
        errors: own.reduce((sum, row) => sum + row.errors, 0),
      };
    });
    console.log('');
    for (const total of totals)
      console.log(
        `${total.configuration}: recall ≥ 0.95 on ${total.singlesAtGoal}/${total.singles} single transformations, ≥ 0.85 on ${total.pairsAtGoal}/${total.pairs} pairs; streams with a false match ${total.falseMatchStreams} (unbanked streams ${total.unbankedStreams}); streams that failed to publish ${total.errors}`,
      );
    await finishBenchmark('stream-quality', {
      quick,
      video: { width, height, fps: rate, contentSeconds, leadSeconds, samples: samples.length },
      bankFps: bankFps ?? 'default',
      bankedFrames,
      budgetSeconds,
      banked: sources.map((source) => source.name),
      unbanked: unbanked.map((source) => source.name),
      configurations: await Promise.all(
        configurations.map(async (configuration) => ({
          name: configuration.name,
          ...(configuration.name === 'before' && beforeDirectory !== undefined
            ? { directory: beforeDirectory, commit: await commitOf(beforeDirectory) }
            : {}),
        })),
      ),
      parallel,
      loadAverage: { start: loadStart, end: loadavg().map((value) => Math.round(value * 100) / 100) },
      seconds: Math.round((Date.now() - began) / 1000),
      totals,
      rows,
    });
  } finally {
    for (const child of children) await stopProcess(child);
    await services.close();
    await sparseServices.close();
    await media.close();
    await rm(directory, { recursive: true, force: true });
  }
}

function percentile(values: readonly number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] as number);
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** Frames in a vPDQ signal string (a JSON list of frame strings), 0 when absent. */
function frameCount(signal: string | undefined): number {
  return signal === undefined ? 0 : (JSON.parse(signal) as unknown[]).length;
}
const seconds = (ms: number | null) => (ms === null ? '–' : (ms / 1000).toFixed(1));

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
