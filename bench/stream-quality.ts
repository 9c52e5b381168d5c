/**
 * `npm run bench -- stream-quality [--quick] [--configs old,nomoving,default] [--before DIR]
 * [--bank-fps N] [--seconds N] [--transforms PREFIX,...] [--parallel N] [--bframes N] [--name stream-quality-SUFFIX]`:
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
 * - `nozoom`: the default passes without the zoomed inner view (the default before it was added);
 * - `offcentre`: the default passes and the off-centre inner views (`FrameViewOptions.offCentreInner`);
 * - `smallinsets`: the default passes with the small-inset search (`FrameViewOptions.smallInsets`);
 * - `corners`: the default passes and the picture's four corners (`FrameViewOptions.corners`); with
 *   it among the configurations the bench's bank is created with `videoViews: ['corners']`, so its
 *   videos hold the corner lists and every configuration is looked up against them;
 * - `threads1`: as `default`, decoding every frame (`decoderOptions: ['-threads', '1']`, the decoder
 *   options before `-skip_frame noref`), to compare on streams with B-frames (`--bframes 2`; the
 *   stream clips have none by default, and then the two decode the same frames);
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
import { readFrames } from '../src/video/index.js';
import { startMediaServer } from '../test/support/media-server.js';
import { startPublisher, stopProcess } from '../test/support/stream-clip.js';
import { inPool } from './lib/in-pool.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { textOption } from './lib/side-options.js';
import {
  bankedSources,
  clipSpecs,
  height,
  leadSeconds,
  makeOriginal,
  makeStreamClip,
  pairs,
  rate,
  type Source,
  sharedSamples,
  single,
  singles,
  type Transform,
  unbankedSources,
  width,
} from './lib/stream-clips.js';

/** After a publisher has finished, watchers get this long to report their last frames. */
const execFileAsync = promisify(execFile);
const graceMs = 3000;

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
  decoderOptions?: readonly string[],
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
        ...(decoderOptions !== undefined ? { decoderOptions } : {}),
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
  nozoom: () => thisTree('nozoom', () => frameHasher({ ...defaultFrameViews, zoomedInner: false })),
  offcentre: () => thisTree('offcentre', () => frameHasher({ ...defaultFrameViews, offCentreInner: true })),
  smallinsets: () => thisTree('smallinsets', () => frameHasher({ ...defaultFrameViews, smallInsets: true })),
  corners: () => thisTree('corners', () => frameHasher({ ...defaultFrameViews, corners: true })),
  threads1: () => thisTree('threads1', undefined, 'dense', ['-threads', '1']),
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

async function commitOf(directory: string): Promise<string | null> {
  try {
    return (await execFileAsync('git', ['-C', directory, 'rev-parse', '--short', 'HEAD'])).stdout.trim();
  } catch {
    return null;
  }
}

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const bFrames = whole(textOption(args, '--bframes') ?? '0', '--bframes', 0, 4);
  const contentSeconds = whole(textOption(args, '--seconds') ?? (quick ? 10 : 15), '--seconds', 2, 120);
  const parallel = whole(textOption(args, '--parallel') ?? (quick ? 12 : 14), '--parallel', 1, 64);
  const configNames = (textOption(args, '--configs') ?? 'old,nomoving,default')
    .split(',')
    .filter((name) => name !== '');
  const beforeDirectory = textOption(args, '--before');
  const resultName = textOption(args, '--name') ?? 'stream-quality';
  if (!/^stream-quality[a-z0-9-]*$/.test(resultName)) throw new Error('--name: stream-quality followed by [a-z0-9-]');
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
    // The corner lists only when the `corners` configuration looks them up (they grow the bank 38–268 %).
    const videoViews = configNames.includes('corners') ? (['corners'] as const) : [];
    await services.banks.createBank({ name: 'STREAM_QUALITY', videoViews: [...videoViews] });
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
        videoViews: [...videoViews],
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
    const specs = clipSpecs(sources, unbanked, originals, transforms, unbankedTransforms);
    console.log(`writing ${specs.length} stream clips (${transforms.length} transformations)`);
    const jobs: StreamJob[] = await inPool([...specs.entries()], 2, async ([index, spec]) => {
      const id = `s${index}`;
      return {
        id,
        clip: await makeStreamClip(directory, spec.original, spec.transform, id, bFrames),
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
    await finishBenchmark(resultName, {
      quick,
      video: { width, height, fps: rate, contentSeconds, leadSeconds, samples: samples.length, bFrames },
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
