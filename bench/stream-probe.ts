/**
 * `npm run bench -- stream-probe [--transforms PREFIX,...] [--videos PREFIX,...] [--seconds N]
 * [--candidates NAME,...] [--bank-spacing BITS] [--video-views corners] [--unbanked-transformed]
 * [--name stream-probe-SUFFIX]`:
 * why a stream-quality row misses, without a media server: each transformed clip of
 * `stream-quality` is decoded as a watcher samples it (1 frame a second, `lowLatency`) and every
 * view the frame hasher makes of each sampled frame is compared, with its 8 dihedral variants,
 * with every banked dense frame (`vpdq_dense`, as Prevail banks the original). Prints per
 * transformation and view the share of sampled frames within the match distance (31) of their
 * own video, and the median best distance to their own video and to the other banked videos (the
 * false-match margin); unbanked streams give the margin alone. Then, per transformation, the
 * sampled frames matched by any view of each column side by side: `before` (the default views
 * without the zoomed inner view), `+zoomed` (the defaults now), `+off-centre` (with the
 * off-centre inner views), `+small-insets` (with the small-inset search), and `--candidates`
 * (views the probe cuts itself, some against rectangles it adds to its own bank, de-duplicated
 * within `--bank-spacing` bits, 16 as banking does: see `candidates`), `+banked-corners` with
 * `--video-views corners` (every video banked as a bank with that setting banks it, with its size
 * without it beside; the stream's `corners` views, `quarter`), with the streams that persistence rules
 * (`k` of the last `n` frames within a distance) would find, and the CPU per sampled frame of
 * each column. The unbanked set is re-encoded only, or with `--unbanked-transformed` put through
 * every chosen transformation. Nothing is played in real time, so a run takes a few minutes whatever the load,
 * and it sees every sampled frame (no late frames).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashMedia } from '../src/hasher/index.js';
import {
  contentBox,
  cropRgb,
  denseFrames,
  dihedralNames,
  type FrameBox,
  hammingWords,
  hashPixels,
  hashPixelsDihedral,
  isExtraVideoView,
  type PdqHash,
  pdqHashToWords,
  pdqQualityThreshold,
  readVpdqFeatures,
  type VpdqFeature,
} from '../src/signals/index.js';
import { defaultFrameViews, frameHasher } from '../src/streams/index.js';
import { readFrames } from '../src/video/index.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { textOption } from './lib/side-options.js';
import {
  bankedSources,
  leadSeconds,
  makeOriginal,
  makeStreamClip,
  pairs,
  type Source,
  sharedSamples,
  singles,
  unbankedSources,
} from './lib/stream-clips.js';

/** The frame distance at which a stream frame matches (the PDQ bank threshold). */
const matchDistance = 31;

/** A rectangle of a picture in fractions of its sides: [left, top, right, bottom]. */
type Rect = readonly [number, number, number, number];

/**
 * Rectangles banked for the quadrant candidates: each quadrant of the picture less a 5 % margin
 * along the picture's edges (where bars, logos and encoder edge effects sit), so that a stream
 * cropped 10 % about its centre shows each of them as its own plain quadrant.
 */
const quadrantRects: Record<string, Rect> = {
  'top left': [0.05, 0.05, 0.5, 0.5],
  'top right': [0.5, 0.05, 0.95, 0.5],
  'bottom left': [0.05, 0.5, 0.5, 0.95],
  'bottom right': [0.5, 0.5, 0.95, 0.95],
};

/** The stream rectangle showing banked rectangle `rect` when the stream is a crop of share `share` anchored at (ax, ay) ∈ [0, 1]². */
function underCrop(rect: Rect, share: number, ax = 0.5, ay = 0.5): Rect {
  const ox = ax * (1 - share);
  const oy = ay * (1 - share);
  return [(rect[0] - ox) / share, (rect[1] - oy) / share, (rect[2] - ox) / share, (rect[3] - oy) / share];
}

const innerRect: Rect = [0.2, 0.2, 0.8, 0.8];

/**
 * Rectangles banked for the corner candidates: a square-ish 45 % of each side at each corner of
 * the picture, no margin. Clear of an overlay laid in pixels over a scaled-down stream (its camera
 * box then covers the bottom right quarter, its text the bottom left, its logo the top right),
 * where the quadrants' inner edge (50 %) touches the camera box's frame.
 */
const cornerRects: Record<string, Rect> = {
  'top left 45': [0, 0, 0.45, 0.45],
  'top right 45': [0.55, 0, 1, 0.45],
  'bottom left 45': [0, 0.55, 0.45, 1],
  'bottom right 45': [0.55, 0.55, 1, 1],
};

/**
 * Candidate stream views measured against the views banked today (the inner list) or against
 * banked rectangles the probe adds (`banks`): each a list of named rectangles of the stream's
 * picture (inside its borders when it has any).
 */
const candidates: Record<string, { views: Record<string, Rect>; banks?: Record<string, Rect> }> = {
  // The inner 60 % as a centred crop of 20 % shows it (against the banked inner list).
  'inner-c0.8': { views: { 'inner c0.8': underCrop(innerRect, 0.8) } },
  // Banked quadrants, looked up as an uncropped stream shows them.
  quadrants: { views: quadrantRects, banks: quadrantRects },
  // Banked corners (45 % of each side), looked up as an uncropped stream shows them.
  corners: { views: cornerRects, banks: cornerRects },
  // The same banked quadrants as a stream cropped 10 % about its centre shows them.
  'quadrants-c0.9': {
    views: Object.fromEntries(
      Object.entries(quadrantRects).map(([name, rect]) => [`${name} c0.9`, underCrop(rect, 0.9)]),
    ),
    banks: quadrantRects,
  },
};

/**
 * The frame hasher's views measured as columns of their own: the column a view counts in (the
 * others count in `before`, the default views before the zoomed inner view).
 */
const viewColumns: Record<string, string> = { zoomed: '+zoomed', corner: '+off-centre' };

/** The box of `rect` within `picture`, or undefined when it leaves the picture or is under 16 pixels. */
function boxOf(picture: FrameBox, rect: Rect): FrameBox | undefined {
  if (rect[0] < -1e-9 || rect[1] < -1e-9 || rect[2] > 1 + 1e-9 || rect[3] > 1 + 1e-9) return undefined;
  const x = picture.x + Math.round(rect[0] * picture.width);
  const y = picture.y + Math.round(rect[1] * picture.height);
  const width = Math.min(picture.x + picture.width, picture.x + Math.round(rect[2] * picture.width)) - x;
  const height = Math.min(picture.y + picture.height, picture.y + Math.round(rect[3] * picture.height)) - y;
  return width >= 16 && height >= 16 ? { x, y, width, height } : undefined;
}

/** The picture of a frame: inside its uniform borders when it has any. */
function pictureOf(frame: { width: number; height: number; rgb: Uint8Array }): FrameBox {
  return contentBox(frame) ?? { x: 0, y: 0, width: frame.width, height: frame.height };
}

/** A view this near another banked video is listed among the near misses (`nearMisses` in the JSON). */
const nearMissDistance = 44;

/** Nearest distance at which a frame counts for the persistence rules below. */
const persistenceRules = [
  { name: '1 of 1 ≤ 31', k: 1, n: 1, distance: 31 },
  { name: '2 of 3 ≤ 36', k: 2, n: 3, distance: 36 },
  { name: '2 of 3 ≤ 40', k: 2, n: 3, distance: 40 },
  { name: '2 of 3 ≤ 44', k: 2, n: 3, distance: 44 },
  { name: '3 of 5 ≤ 44', k: 3, n: 5, distance: 44 },
] as const;

/** Sampled frame indices at which `rule` fires on per-frame distances `distances`. */
function fires(distances: readonly number[], rule: (typeof persistenceRules)[number]): number {
  for (let index = 0; index < distances.length; index++) {
    const window = distances.slice(Math.max(0, index - rule.n + 1), index + 1);
    if (window.filter((distance) => distance <= rule.distance).length >= rule.k) return index;
  }
  return -1;
}

/** Banked frames of one video as packed words, for brute-force nearest distances. */
interface BankedVideo {
  readonly name: string;
  readonly words: Uint32Array;
  readonly count: number;
}

/** Nearest distance from any of `hashes` to any frame of `video`. */
function nearest(hashes: readonly string[], video: BankedVideo): number {
  let best = 256;
  for (const hash of hashes) {
    const query = pdqHashToWords(hash as PdqHash);
    for (let frame = 0; frame < video.count; frame++) {
      const distance = hammingWords(query, 0, video.words, frame * 8);
      if (distance < best) best = distance;
    }
  }
  return best;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}

interface ViewStats {
  own: number[];
  other: number[];
  matched: number;
  frames: number;
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(textOption(args, '--seconds') ?? 15);
  if (!Number.isSafeInteger(seconds) || seconds < 2 || seconds > 60) throw new Error('--seconds: 2 to 60');
  const transformPrefixes = textOption(args, '--transforms')?.split(',');
  const videoPrefixes = textOption(args, '--videos')?.split(',');
  const resultName = textOption(args, '--name') ?? 'stream-probe';
  if (!/^stream-probe[a-z0-9-]*$/.test(resultName)) throw new Error('--name: stream-probe followed by [a-z0-9-]');
  // The de-duplication spacing of the candidates' banked lists (banking's is 16 bits).
  const bankSpacing = Number(textOption(args, '--bank-spacing') ?? 16);
  if (!Number.isSafeInteger(bankSpacing) || bankSpacing < 0 || bankSpacing > 31)
    throw new Error('--bank-spacing: 0 to 31');
  const chosenCandidates = (textOption(args, '--candidates')?.split(',') ?? []).filter((name) => name !== '');
  // Banking's own extra views (a bank's `videoViews`), and the stream views that look them up.
  const videoViews = (textOption(args, '--video-views')?.split(',') ?? []).filter((name) => name !== '');
  for (const name of videoViews) if (!isExtraVideoView(name)) throw new Error(`--video-views: no view ${name}`);
  const bankedCorners = videoViews.includes('corners');
  for (const name of chosenCandidates) if (candidates[name] === undefined) throw new Error(`no candidate ${name}`);
  const bankRects: Record<string, Rect> = Object.assign(
    {},
    ...chosenCandidates.map((name) => candidates[name]?.banks ?? {}),
  );
  const chosen = (name: string, prefixes: readonly string[] | undefined) =>
    prefixes === undefined || prefixes.some((prefix) => name.startsWith(prefix));
  const samples: Source[] = sharedSamples.map((path) => ({
    name: (path.split('/').pop() ?? path).replace(/\.mp4$/, ''),
    input: ['-i', path],
  }));
  const { existsSync } = await import('node:fs');
  const sources = [...bankedSources, ...samples.filter((_, index) => existsSync(sharedSamples[index] as string))];
  const banked = sources.filter((source) => chosen(source.name, videoPrefixes));
  const transforms = [...singles, ...pairs].filter((transform) => chosen(transform.name, transformPrefixes));
  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-stream-probe-'));
  try {
    // Every banked video is in the bank (the false-match margin needs them all), whatever --videos says.
    const originals = new Map<string, string>();
    const bank: BankedVideo[] = [];
    for (const source of [...sources, ...unbankedSources]) {
      originals.set(source.name, await makeOriginal(directory, source, seconds));
    }
    const added: Record<string, number> = {};
    // Banked frames without the extra views, when `--video-views` banks with them.
    const withoutViews: Record<string, number> = {};
    for (const source of sources) {
      const path = originals.get(source.name) as string;
      const bytes = await readFile(path);
      const banking = { signals: ['vpdq_dense'] as const, dihedral: false, decode: { maxPixels: 1e8 } };
      const hashes = await hashMedia(bytes, { ...banking, videoViews: videoViews.filter(isExtraVideoView) });
      const features = readVpdqFeatures(hashes.vpdq_dense as string);
      if (videoViews.length > 0)
        withoutViews[source.name] = readVpdqFeatures((await hashMedia(bytes, banking)).vpdq_dense as string).length;
      // The candidates' banked rectangles of every decoded frame, de-duplicated as banking does.
      const lists = new Map<string, VpdqFeature[]>(Object.keys(bankRects).map((name) => [name, []]));
      if (lists.size > 0) {
        let index = 0;
        for await (const frame of readFrames(path, { everyFrame: true })) {
          const picture = pictureOf(frame);
          for (const [name, rect] of Object.entries(bankRects)) {
            const box = boxOf(picture, rect);
            if (box === undefined) continue;
            const { hash, quality } = hashPixels({
              width: box.width,
              height: box.height,
              channels: 3,
              data: cropRgb(frame, box),
            });
            lists.get(name)?.push({ hash, quality, frameNumber: index, timestamp: index / 30 });
          }
          index += 1;
        }
      }
      const extra = [...lists.values()].flatMap((list) => denseFrames(list, bankSpacing));
      added[source.name] = extra.length;
      const all = [...features, ...extra];
      const words = new Uint32Array(all.length * 8);
      for (const [index, feature] of all.entries()) words.set(pdqHashToWords(feature.hash), index * 8);
      bank.push({ name: source.name, words, count: all.length });
    }
    console.log(
      `banked frames: ${bank.map((video) => `${video.name} ${video.count} (${added[video.name] ?? 0} added${withoutViews[video.name] !== undefined ? `, ${withoutViews[video.name]} without --video-views` : ''})`).join(', ')}`,
    );
    const jobs = [
      ...transforms.flatMap((transform) => banked.map((source) => ({ transform, source, own: true }))),
      // The unbanked set: re-encoded only, or through every chosen transformation (`--unbanked-transformed`).
      ...(args.includes('--unbanked-transformed') ? transforms : [singles[0] as (typeof singles)[number]]).flatMap(
        (transform) => unbankedSources.map((source) => ({ transform, source, own: false })),
      ),
    ];
    const stats = new Map<string, ViewStats>();
    const nearMisses: {
      transform: string;
      video: string;
      t: number;
      view: string;
      quality: number;
      other: string;
      distance: number;
    }[] = [];
    const perVideo: {
      transform: string;
      video: string;
      matchedFrames: number;
      matchedFramesWith: Record<string, number>;
      frames: number;
      rules: Record<string, { own: number; other: number }>;
    }[] = [];
    const cost = {
      frames: 0,
      beforeMs: 0,
      beforeViews: 0,
      defaultMs: 0,
      defaultViews: 0,
      offCentreMs: 0,
      offCentreViews: 0,
      smallMs: 0,
      smallViews: 0,
      cornersMs: 0,
      cornersViews: 0,
      candidateMs: {} as Record<string, number>,
      candidateViews: {} as Record<string, number>,
    };
    const columns = [
      'before',
      '+zoomed',
      '+off-centre',
      '+small-insets',
      ...(bankedCorners ? ['+banked-corners'] : []),
      ...chosenCandidates.map((name) => `+${name}`),
      'all',
    ];
    for (const [index, job] of jobs.entries()) {
      const clip = await makeStreamClip(
        directory,
        originals.get(job.source.name) as string,
        job.transform,
        `p${index}`,
      );
      // The default views before this change, as now, and with the off-centre inner views: each
      // timed on its own (the moving region keeps state per hasher, fed the same frames).
      const hashBefore = frameHasher({ ...defaultFrameViews, zoomedInner: false });
      const hashDefault = frameHasher(defaultFrameViews);
      const hashFrame = frameHasher({ ...defaultFrameViews, offCentreInner: true });
      const hashSmall = frameHasher({ ...defaultFrameViews, smallInsets: true });
      const hashCorners = frameHasher({ ...defaultFrameViews, corners: true });
      const matchedWith: Record<string, number> = Object.fromEntries(columns.map((column) => [column, 0]));
      // Per sampled frame, the nearest own and other distance over the views of each column.
      const ownSeries: Record<string, number[]> = Object.fromEntries(columns.map((column) => [column, []]));
      const otherSeries: Record<string, number[]> = Object.fromEntries(columns.map((column) => [column, []]));
      let frames = 0;
      for await (const frame of readFrames(clip, { fps: 1, lowLatency: true })) {
        let started = performance.now();
        const before = hashBefore(frame);
        const beforeMs = performance.now() - started;
        started = performance.now();
        const byDefault = hashDefault(frame);
        const defaultMs = performance.now() - started;
        started = performance.now();
        const hashed = hashFrame(frame);
        const offCentreMs = performance.now() - started;
        started = performance.now();
        const small = hashSmall(frame);
        const smallMs = performance.now() - started;
        started = performance.now();
        const withCorners = bankedCorners ? hashCorners(frame) : undefined;
        const cornersMs = performance.now() - started;
        const quarters = (withCorners?.views ?? []).filter((v) => v.view === 'quarter');
        // The small-inset search's insets that the default views do not hash already.
        const defaultInsets = new Set((byDefault.views ?? []).filter((v) => v.view === 'inset').map((v) => v.hash));
        const smallInsets = (small.views ?? []).filter((v) => v.view === 'inset' && !defaultInsets.has(v.hash));
        const candidateViews: { column: string; view: string; hash: string; quality: number; variants: string[] }[] =
          [];
        const candidateMs: Record<string, number> = {};
        const picture = pictureOf(frame);
        for (const name of chosenCandidates) {
          started = performance.now();
          for (const [view, rect] of Object.entries(candidates[name]?.views ?? {})) {
            const box = boxOf(picture, rect);
            if (box === undefined) continue;
            const { hashes, quality } = hashPixelsDihedral({
              width: box.width,
              height: box.height,
              channels: 3,
              data: cropRgb(frame, box),
            });
            candidateViews.push({
              column: `+${name}`,
              view,
              hash: hashes.original,
              quality,
              variants: dihedralNames.flatMap((variant) => (variant === 'original' ? [] : [hashes[variant]])),
            });
          }
          candidateMs[name] = performance.now() - started;
        }
        if (frame.timestamp < leadSeconds) continue;
        frames += 1;
        cost.frames += 1;
        cost.beforeMs += beforeMs;
        cost.beforeViews += 1 + (before.views?.length ?? 0);
        cost.defaultMs += defaultMs;
        cost.defaultViews += 1 + (byDefault.views?.length ?? 0);
        cost.offCentreMs += offCentreMs;
        cost.offCentreViews += 1 + (hashed.views?.length ?? 0);
        cost.smallMs += smallMs;
        cost.smallViews += 1 + (small.views?.length ?? 0);
        if (withCorners !== undefined) {
          cost.cornersMs += cornersMs;
          cost.cornersViews += 1 + (withCorners.views?.length ?? 0);
        }
        for (const name of chosenCandidates) {
          cost.candidateMs[name] = (cost.candidateMs[name] ?? 0) + (candidateMs[name] ?? 0);
          cost.candidateViews[name] =
            (cost.candidateViews[name] ?? 0) + candidateViews.filter((view) => view.column === `+${name}`).length;
        }
        const nearestOf: Record<string, { own: number; other: number }> = Object.fromEntries(
          columns.map((column) => [column, { own: 256, other: 256 }]),
        );
        const all = [
          ...[{ ...hashed, view: 'frame' }, ...(hashed.views ?? [])].map((view) => ({
            column: viewColumns[view.view] ?? 'before',
            view: view.view,
            hash: view.hash,
            quality: view.quality,
            variants: dihedralNames.flatMap((name) => view.variants?.[name] ?? []),
          })),
          ...smallInsets.map((view) => ({
            column: '+small-insets',
            view: 'small inset',
            hash: view.hash,
            quality: view.quality,
            variants: dihedralNames.flatMap((name) => view.variants?.[name] ?? []),
          })),
          ...quarters.map((view) => ({
            column: '+banked-corners',
            view: 'quarter',
            hash: view.hash,
            quality: view.quality,
            variants: dihedralNames.flatMap((name) => view.variants?.[name] ?? []),
          })),
          ...candidateViews,
        ];
        for (const view of all) {
          if (view.quality < pdqQualityThreshold) continue;
          const variants = [view.hash, ...view.variants];
          const own = job.own
            ? nearest(variants, bank.find((video) => video.name === job.source.name) as BankedVideo)
            : 256;
          const others = bank
            .filter((video) => video.name !== job.source.name)
            .map((video) => ({ video: video.name, distance: nearest(variants, video) }));
          const other = Math.min(...others.map((entry) => entry.distance));
          // Near misses: a view within `nearMissDistance` of another video (the false-match margin's edge).
          for (const entry of others.filter((candidate) => candidate.distance <= nearMissDistance))
            nearMisses.push({
              transform: job.own ? job.transform.name : `unbanked: ${job.transform.name}`,
              video: job.source.name,
              t: Math.round(frame.timestamp * 100) / 100,
              view: view.view,
              quality: view.quality,
              other: entry.video,
              distance: entry.distance,
            });
          // A view counts in its column and every later one (`+off-centre` includes `+zoomed`), and in `all`;
          // the candidates' columns each add to `+zoomed` (the default views now).
          const position = columns.indexOf(view.column);
          const counted =
            view.column === 'before' || view.column === '+zoomed' ? columns.slice(position) : [view.column, 'all'];
          for (const column of new Set(counted)) {
            const entry = nearestOf[column] as { own: number; other: number };
            entry.own = Math.min(entry.own, own);
            entry.other = Math.min(entry.other, other);
          }
          const key = `${job.own ? job.transform.name : `unbanked: ${job.transform.name}`}\u0000${view.view}`;
          const entry = stats.get(key) ?? { own: [], other: [], matched: 0, frames: 0 };
          entry.frames += 1;
          if (job.own) entry.own.push(own);
          entry.other.push(other);
          if (own <= matchDistance) entry.matched += 1;
          stats.set(key, entry);
        }
        for (const column of columns) {
          const entry = nearestOf[column] as { own: number; other: number };
          ownSeries[column]?.push(entry.own);
          otherSeries[column]?.push(entry.other);
          if (entry.own <= matchDistance) matchedWith[column] = (matchedWith[column] ?? 0) + 1;
        }
      }
      const rules: Record<string, { own: number; other: number }> = {};
      for (const column of ['before', '+zoomed', 'all']) {
        for (const rule of persistenceRules) {
          rules[`${column} ${rule.name}`] = {
            own: fires(ownSeries[column] ?? [], rule),
            other: fires(otherSeries[column] ?? [], rule),
          };
        }
      }
      perVideo.push({
        transform: job.own ? job.transform.name : `unbanked: ${job.transform.name}`,
        video: job.source.name,
        matchedFrames: matchedWith['+zoomed'] ?? 0,
        matchedFramesWith: matchedWith,
        frames,
        rules,
      });
      console.log(
        `  ${job.own ? job.transform.name : `unbanked: ${job.transform.name}`} / ${job.source.name}: ${columns.map((column) => `${column} ${matchedWith[column]}`).join(', ')} of ${frames} frames; nearest other ${Math.min(...(otherSeries.all ?? []))}`,
      );
    }
    const rows = [...stats.entries()].map(([key, entry]) => {
      const [transform, view] = key.split('\u0000') as [string, string];
      return {
        transform,
        view,
        frames: entry.frames,
        matched: entry.matched,
        ownMedian: median(entry.own),
        otherMedian: median(entry.other),
        otherMinimum: entry.other.length === 0 ? null : Math.min(...entry.other),
      };
    });
    printTable(
      ['transformation', 'view', 'frames', 'within 31 of own', 'median to own', 'median / least to others'],
      rows.map((row) => [
        row.transform,
        row.view,
        String(row.frames),
        String(row.matched),
        String(row.ownMedian ?? '–'),
        `${row.otherMedian ?? '–'} / ${row.otherMinimum ?? '–'}`,
      ]),
    );
    // Per transformation: sampled frames matched by any view of each column, and streams each rule finds.
    const transformNames = [...new Set(perVideo.map((entry) => entry.transform))];
    const summary = transformNames.map((transform) => {
      const entries = perVideo.filter((entry) => entry.transform === transform);
      const frameCount = entries.reduce((sum, entry) => sum + entry.frames, 0);
      const hits = Object.fromEntries(
        columns.map((column) => [
          column,
          entries.reduce((sum, entry) => sum + (entry.matchedFramesWith[column] ?? 0), 0),
        ]),
      );
      const rules = Object.fromEntries(
        Object.keys(entries[0]?.rules ?? {}).map((rule) => [
          rule,
          {
            streams: entries.filter((entry) => (entry.rules[rule]?.own ?? -1) >= 0).length,
            falseStreams: entries.filter((entry) => (entry.rules[rule]?.other ?? -1) >= 0).length,
          },
        ]),
      );
      return { transform, streams: entries.length, frames: frameCount, hits, rules };
    });
    printTable(
      [
        'transformation',
        'frames',
        ...columns.map((column) => `frames hit ${column}`),
        'streams found (false): before, now, all 1/1≤31; now 2/3≤40; all 2/3≤40',
      ],
      summary.map((row) => [
        row.transform,
        String(row.frames),
        ...columns.map((column) => String(row.hits[column])),
        ['before 1 of 1 ≤ 31', '+zoomed 1 of 1 ≤ 31', 'all 1 of 1 ≤ 31', '+zoomed 2 of 3 ≤ 40', 'all 2 of 3 ≤ 40']
          .map((rule) => `${row.rules[rule]?.streams}/${row.streams} (${row.rules[rule]?.falseStreams})`)
          .join(', '),
      ]),
    );
    const per = (value: number) => Math.round((value / Math.max(1, cost.frames)) * 100) / 100;
    const perFrame = {
      beforeMs: per(cost.beforeMs),
      beforeViews: per(cost.beforeViews),
      defaultMs: per(cost.defaultMs),
      defaultViews: per(cost.defaultViews),
      offCentreMs: per(cost.offCentreMs),
      offCentreViews: per(cost.offCentreViews),
      smallInsetsMs: per(cost.smallMs),
      smallInsetsViews: per(cost.smallViews),
      ...(bankedCorners ? { cornersMs: per(cost.cornersMs), cornersViews: per(cost.cornersViews) } : {}),
      candidates: Object.fromEntries(
        chosenCandidates.map((name) => [
          name,
          {
            ms: per(cost.candidateMs[name] ?? 0),
            views: per(cost.candidateViews[name] ?? 0),
          },
        ]),
      ),
    };
    console.log(`CPU per sampled frame (main thread, this load): ${JSON.stringify(perFrame)}`);
    for (const miss of nearMisses)
      console.log(
        `near miss: ${miss.transform} / ${miss.video} at ${miss.t} s, ${miss.view} (quality ${miss.quality}) ${miss.distance} bits from ${miss.other}`,
      );
    await finishBenchmark(resultName, {
      seconds,
      candidates: chosenCandidates,
      videoViews,
      bank: bank.map(({ name, count }) => ({
        name,
        count,
        added: added[name] ?? 0,
        ...(withoutViews[name] !== undefined ? { withoutVideoViews: withoutViews[name] } : {}),
      })),
      perFrame,
      summary,
      rows,
      nearMisses,
      perVideo,
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
