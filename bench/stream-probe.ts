/**
 * `npm run bench -- stream-probe [--transforms PREFIX,...] [--videos PREFIX,...] [--seconds N]`:
 * why a stream-quality row misses, without a media server: each transformed clip of
 * `stream-quality` is decoded as a watcher samples it (1 frame a second, `lowLatency`) and every
 * view the default frame hasher makes of each sampled frame is compared, with its 8 dihedral
 * variants, with every banked dense frame (`vpdq_dense`, as Prevail banks the original). Prints
 * per transformation and view the share of sampled frames within the match distance (31) of their
 * own video, and the median best distance to their own video and to the other banked videos (the
 * false-match margin); unbanked streams give the margin alone. Nothing is played in real time, so
 * a run takes a few minutes whatever the load, and it sees every sampled frame (no late frames).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashMedia } from '../src/hasher/index.js';
import {
  dihedralNames,
  hammingWords,
  type PdqHash,
  pdqHashToWords,
  pdqQualityThreshold,
  readVpdqFeatures,
} from '../src/signals/index.js';
import { defaultFrameViews, frameHasher } from '../src/streams/index.js';
import { readFrames } from '../src/video/index.js';
import { finishBenchmark, printTable } from './lib/report.js';
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

function textOption(args: readonly string[], name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const seconds = Number(textOption(args, '--seconds') ?? 15);
  if (!Number.isSafeInteger(seconds) || seconds < 2 || seconds > 60) throw new Error('--seconds: 2 to 60');
  const transformPrefixes = textOption(args, '--transforms')?.split(',');
  const videoPrefixes = textOption(args, '--videos')?.split(',');
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
    for (const source of sources) {
      const bytes = await readFile(originals.get(source.name) as string);
      const hashes = await hashMedia(bytes, { signals: ['vpdq_dense'], dihedral: false, decode: { maxPixels: 1e8 } });
      const features = readVpdqFeatures(hashes.vpdq_dense as string);
      const words = new Uint32Array(features.length * 8);
      for (const [index, feature] of features.entries()) words.set(pdqHashToWords(feature.hash), index * 8);
      bank.push({ name: source.name, words, count: features.length });
    }
    console.log(`banked frames: ${bank.map((video) => `${video.name} ${video.count}`).join(', ')}`);
    const jobs = [
      ...transforms.flatMap((transform) => banked.map((source) => ({ transform, source, own: true }))),
      ...unbankedSources.map((source) => ({ transform: singles[0] as (typeof singles)[number], source, own: false })),
    ];
    const stats = new Map<string, ViewStats>();
    const perVideo: { transform: string; video: string; matchedFrames: number; frames: number }[] = [];
    for (const [index, job] of jobs.entries()) {
      const clip = await makeStreamClip(
        directory,
        originals.get(job.source.name) as string,
        job.transform,
        `p${index}`,
      );
      const hashFrame = frameHasher(defaultFrameViews);
      let matchedFrames = 0;
      let frames = 0;
      for await (const frame of readFrames(clip, { fps: 1, lowLatency: true })) {
        const hashed = hashFrame(frame);
        if (frame.timestamp < leadSeconds) continue;
        frames += 1;
        let anyMatched = false;
        for (const view of [{ ...hashed, view: 'frame' }, ...(hashed.views ?? [])]) {
          if (view.quality < pdqQualityThreshold) continue;
          const variants = [view.hash, ...dihedralNames.flatMap((name) => view.variants?.[name] ?? [])];
          const own = job.own
            ? nearest(variants, bank.find((video) => video.name === job.source.name) as BankedVideo)
            : 256;
          const other = Math.min(
            ...bank.filter((video) => video.name !== job.source.name).map((video) => nearest(variants, video)),
          );
          const key = `${job.own ? job.transform.name : 'unbanked'}\u0000${view.view}`;
          const entry = stats.get(key) ?? { own: [], other: [], matched: 0, frames: 0 };
          entry.frames += 1;
          if (job.own) entry.own.push(own);
          entry.other.push(other);
          if (own <= matchDistance) {
            entry.matched += 1;
            anyMatched = true;
          }
          stats.set(key, entry);
        }
        if (anyMatched) matchedFrames += 1;
      }
      perVideo.push({
        transform: job.own ? job.transform.name : 'unbanked',
        video: job.source.name,
        matchedFrames,
        frames,
      });
      console.log(
        `  ${job.own ? job.transform.name : 'unbanked'} / ${job.source.name}: ${matchedFrames}/${frames} frames matched`,
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
    await finishBenchmark('stream-probe', {
      seconds,
      bank: bank.map(({ name, count }) => ({ name, count })),
      rows,
      perVideo,
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
