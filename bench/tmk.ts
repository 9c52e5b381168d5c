/**
 * `npm run bench -- tmk [--quick] [--seconds N] [--lead N] [--transforms PREFIX,...] [--window N] [--name tmk-SUFFIX]`:
 * does TMK+PDQF (whole-video temporal matching, `src/signals/tmk`) find the transformed copies of
 * `stream-quality` that vPDQ does not, at what false-match and CPU cost? Offline: no media server.
 *
 * 1. Builds the videos of `stream-quality` (bench/lib/stream-clips.ts): the five synthetic banked
 *    sources and the shared vPDQ sample videos (when present), the unbanked ones, 480×270 at 30 fps,
 *    15 s (`--seconds`); banks each original three ways: TMK+PDQF, `vpdq` (1 frame a second, as
 *    python-threatexchange) and `vpdq_dense` (as Prevail banks a video, for stream lookups).
 * 2. Writes each transformed copy (every single transformation and pair, after the 5 s grey lead-in;
 *    `--lead 0`: the video alone, as a re-upload) and the unbanked videos through four
 *    transformations, as `stream-quality` does.
 * 3. Hashes each copy once with each hasher, measuring CPU (this process and its ffmpeg, per second
 *    of copy), and compares it with every banked video:
 *    - `tmk`: upstream's two-level rule, level 1 (cosine of the average PDQF) ≥ 0.7 and level 2
 *      (time-shifted kernel score) ≥ 0.7;
 *    - `tmk 10 s windows`: TMK of each 10 s window of the copy (`--window`, every 5 s) against the
 *      banked whole-video TMK, and one window ending at the copy's last frame; a match when any window passes both levels (what a stream watcher
 *      could do);
 *    - `vpdq`: whole-video vPDQ, the copy's 1-per-second frames against the banked ones, ≥ 80 % of
 *      good frames both ways (`compareVpdq`, pytx's rule);
 *    - `vpdq→dense`: ≥ 80 % of the copy's good 1-per-second frames within 31 bits of the banked
 *      dense frames (one way: the copy need not show all of the video; the nearest whole-video
 *      analogue of the stream watcher's frame lookups).
 *
 * Prints per transformation the copies that matched their own video under each rule, the median
 * level-1/level-2 scores against their own video, false matches (copies matching another banked
 * video; unbanked copies matching any), and the hashing CPU per video-second of each hasher.
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashMedia } from '../src/hasher/index.js';
import {
  compareVpdq,
  hashFrames,
  isVpdqMatch,
  pdqfDimension,
  pdqfFeature,
  readVpdqFeatures,
  TmkAccumulator,
  type TmkFeatures,
  tmkDefaultLevel1Threshold,
  tmkDefaultLevel2Threshold,
  tmkFrameReading,
  tmkFramesPerSecond,
  tmkLevel1Score,
  tmkLevel2Score,
  type VpdqFeature,
} from '../src/signals/index.js';
import { readFrames } from '../src/video/index.js';
import { inPool } from './lib/in-pool.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';
import { textOption } from './lib/side-options.js';
import {
  bankedSources,
  clipSpecs,
  leadSeconds,
  makeOriginal,
  makeStreamClip,
  pairs,
  type Source,
  sharedSamples,
  single,
  singles,
  type Transform,
  unbankedSources,
} from './lib/stream-clips.js';

/** CPU seconds so far of this process and of its reaped children (ffmpeg), from /proc/self/stat. */
function cpuSeconds(): number {
  const usage = process.cpuUsage();
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
  // After the command name: field 3 is index 0; cutime and cstime are fields 16 and 17.
  const children = (Number(fields[13]) + Number(fields[14])) / 100;
  return (usage.user + usage.system) / 1e6 + children;
}

/** The 15 fps PDQF features of a video, as TMK reads them. */
async function pdqfFrames(path: string): Promise<Float32Array[]> {
  const features: Float32Array[] = [];
  for await (const frame of readFrames(path, tmkFrameReading)) features.push(pdqfFeature(frame.rgb));
  return features;
}

function tmkOf(frames: readonly Float32Array[]): TmkFeatures {
  const accumulator = new TmkAccumulator(pdqfDimension);
  for (const frame of frames) accumulator.add(frame);
  return accumulator.finish();
}

interface Banked {
  readonly name: string;
  readonly tmk: TmkFeatures;
  readonly vpdq: VpdqFeature[];
  readonly dense: VpdqFeature[];
}

interface Copy {
  readonly video: string;
  readonly transform: string;
  readonly banked: boolean;
  readonly kind: 'single' | 'pair' | 'unbanked';
  readonly seconds: number;
  /** Per rule, the banked videos matched. */
  readonly matched: Record<Rule, string[]>;
  readonly ownLevel1: number | null;
  readonly ownLevel2: number | null;
  readonly ownWindowLevel2: number | null;
  readonly cpu: { tmk: number; vpdq: number };
}

const rules = ['tmk', 'tmk-windows', 'vpdq', 'vpdq-dense'] as const;
type Rule = (typeof rules)[number];

const passes = (level1: number, level2: () => number): boolean =>
  level1 >= tmkDefaultLevel1Threshold && level2() >= tmkDefaultLevel2Threshold;

export async function run(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const contentSeconds = Number(textOption(args, '--seconds') ?? (quick ? 10 : 15));
  if (!Number.isSafeInteger(contentSeconds) || contentSeconds < 4 || contentSeconds > 120)
    throw new Error('--seconds: 4 to 120');
  const windowSeconds = Number(textOption(args, '--window') ?? 10);
  if (!Number.isSafeInteger(windowSeconds) || windowSeconds < 2 || windowSeconds > 60)
    throw new Error('--window: 2 to 60');
  const lead = Number(textOption(args, '--lead') ?? leadSeconds);
  if (!Number.isSafeInteger(lead) || lead < 0 || lead > 30) throw new Error('--lead: 0 to 30');
  const resultName = textOption(args, '--name') ?? 'tmk';
  if (!/^tmk[a-z0-9-]*$/.test(resultName)) throw new Error('--name: tmk followed by [a-z0-9-]');
  const prefixes = textOption(args, '--transforms')?.split(',');
  const chosen = (transform: Transform) =>
    prefixes === undefined || prefixes.some((prefix) => transform.name.startsWith(prefix));

  const machine = describeMachine();
  console.log(`machine: ${JSON.stringify(machine)}`);
  const samples = quick ? [] : sharedSamples.filter((path) => existsSync(path));
  const missing = sharedSamples.filter((path) => !existsSync(path));
  if (missing.length > 0 && !quick) console.log(`shared sample videos skipped (not present): ${missing.join(', ')}`);
  const sources: Source[] = [
    ...(quick ? bankedSources.slice(0, 3) : bankedSources),
    ...samples.map((path) => ({ name: (path.split('/').pop() ?? path).replace(/\.mp4$/, ''), input: ['-i', path] })),
  ];
  const unbanked = quick ? unbankedSources.slice(0, 2) : [...unbankedSources];
  const transforms = (
    quick ? [single('none'), single('scaled'), pairs[2] as Transform] : [...singles, ...pairs]
  ).filter(chosen);
  const unbankedTransforms = [single('none'), single('mirror'), single('letterbox'), single('pillarbox')].filter(
    chosen,
  );
  const pairNames = new Set(pairs.map((transform) => transform.name));

  const directory = await mkdtemp(join(tmpdir(), 'prevail-bench-tmk-'));
  const began = Date.now();
  try {
    console.log(`building ${sources.length} banked and ${unbanked.length} unbanked videos, ${contentSeconds} s each`);
    const originals = await inPool([...sources, ...unbanked], 2, (source) =>
      makeOriginal(directory, source, contentSeconds),
    );
    const bank: Banked[] = [];
    const bankCpu = { tmk: 0, vpdq: 0, dense: 0 };
    for (const [index, source] of sources.entries()) {
      const path = originals[index] as string;
      let start = cpuSeconds();
      const tmk = tmkOf(await pdqfFrames(path));
      bankCpu.tmk += cpuSeconds() - start;
      start = cpuSeconds();
      const vpdq = await hashFrames(readFrames(path, { fps: 1 }));
      bankCpu.vpdq += cpuSeconds() - start;
      start = cpuSeconds();
      const hashes = await hashMedia(await readFile(path), {
        signals: ['vpdq_dense'],
        dihedral: false,
        decode: { maxPixels: 1e8 },
      });
      bankCpu.dense += cpuSeconds() - start;
      bank.push({ name: source.name, tmk, vpdq, dense: readVpdqFeatures(hashes.vpdq_dense as string) });
    }
    const bankedSeconds = sources.length * contentSeconds;
    const specs = clipSpecs(sources, unbanked, originals, transforms, unbankedTransforms);
    console.log(
      `writing ${specs.length} copies (${transforms.length} transformations); ${Math.round((Date.now() - began) / 1000)} s so far`,
    );
    const clips = await inPool([...specs.entries()], 2, ([index, spec]) =>
      makeStreamClip(directory, spec.original, spec.transform, `c${index}`, 0, lead),
    );
    console.log(`hashing and comparing ${clips.length} copies; ${Math.round((Date.now() - began) / 1000)} s so far`);
    const windowFrames = windowSeconds * tmkFramesPerSecond;
    const stepFrames = Math.round(windowFrames / 2);
    const copies: Copy[] = [];
    for (const [index, spec] of specs.entries()) {
      const clip = clips[index] as string;
      let start = cpuSeconds();
      const frames = await pdqfFrames(clip);
      const tmk = tmkOf(frames);
      const tmkCpu = cpuSeconds() - start;
      start = cpuSeconds();
      const vpdq = await hashFrames(readFrames(clip, { fps: 1 }));
      const vpdqCpu = cpuSeconds() - start;
      const windows: TmkFeatures[] = [];
      // Every 5 s, and one ending at the last frame (a copy's length is rarely a whole number of steps).
      const starts = new Set([Math.max(0, frames.length - windowFrames)]);
      for (let first = 0; first + windowFrames <= frames.length; first += stepFrames) starts.add(first);
      for (const first of starts) windows.push(tmkOf(frames.slice(first, first + windowFrames)));
      const matched: Record<Rule, string[]> = { tmk: [], 'tmk-windows': [], vpdq: [], 'vpdq-dense': [] };
      let ownLevel1: number | null = null;
      let ownLevel2: number | null = null;
      let ownWindowLevel2: number | null = null;
      for (const video of bank) {
        const level1 = tmkLevel1Score(video.tmk, tmk);
        const own = spec.banked && video.name === spec.source.name;
        if (own) {
          ownLevel1 = level1;
          ownLevel2 = tmkLevel2Score(video.tmk, tmk);
          ownWindowLevel2 = Math.max(...windows.map((window) => tmkLevel2Score(video.tmk, window)));
        }
        if (passes(level1, () => tmkLevel2Score(video.tmk, tmk))) matched.tmk.push(video.name);
        if (
          windows.some((window) => passes(tmkLevel1Score(video.tmk, window), () => tmkLevel2Score(video.tmk, window)))
        ) {
          matched['tmk-windows'].push(video.name);
        }
        if (isVpdqMatch(compareVpdq(vpdq, video.vpdq))) matched.vpdq.push(video.name);
        if (compareVpdq(vpdq, video.dense).queryMatchPercent >= 80) matched['vpdq-dense'].push(video.name);
      }
      const seconds = (lead + contentSeconds) / (spec.transform.speed ?? 1);
      copies.push({
        video: spec.source.name,
        transform: spec.transform.name,
        banked: spec.banked,
        kind: !spec.banked ? 'unbanked' : pairNames.has(spec.transform.name) ? 'pair' : 'single',
        seconds,
        matched,
        ownLevel1,
        ownLevel2,
        ownWindowLevel2,
        cpu: { tmk: tmkCpu, vpdq: vpdqCpu },
      });
      if ((index + 1) % 25 === 0)
        console.log(`  ${index + 1}/${specs.length} (${Math.round((Date.now() - began) / 1000)} s)`);
    }

    const groups = new Map<string, Copy[]>();
    for (const copy of copies) {
      const key = copy.banked ? copy.transform : `unbanked: ${copy.transform}`;
      groups.set(key, [...(groups.get(key) ?? []), copy]);
    }
    const rows = [...groups.entries()].map(([transform, group]) => {
      const count = (rule: Rule) =>
        group.filter((copy) => copy.banked && copy.matched[rule].includes(copy.video)).length;
      const wrong = (rule: Rule) =>
        group.filter((copy) => copy.matched[rule].some((video) => !copy.banked || video !== copy.video)).length;
      const missedByTmk = group
        .filter((copy) => copy.banked && !copy.matched.tmk.includes(copy.video))
        .map((copy) => copy.video);
      return {
        transform,
        kind: group[0]?.kind,
        copies: group.length,
        byRule: Object.fromEntries(rules.map((rule) => [rule, { matched: count(rule), wrong: wrong(rule) }])) as Record<
          Rule,
          { matched: number; wrong: number }
        >,
        medianOwnLevel1: median(group.flatMap((copy) => (copy.ownLevel1 === null ? [] : [copy.ownLevel1]))),
        medianOwnLevel2: median(group.flatMap((copy) => (copy.ownLevel2 === null ? [] : [copy.ownLevel2]))),
        medianOwnWindowLevel2: median(
          group.flatMap((copy) => (copy.ownWindowLevel2 === null ? [] : [copy.ownWindowLevel2])),
        ),
        missedByTmk,
      };
    });
    const cell = (row: (typeof rows)[number], rule: Rule) => {
      const { matched, wrong } = row.byRule[rule];
      return row.kind === 'unbanked'
        ? `${wrong}/${row.copies} matched`
        : `${matched}/${row.copies}${wrong > 0 ? ` (${wrong} wrong)` : ''}`;
    };
    const fixed = (value: unknown) => (typeof value === 'number' ? value.toFixed(2) : '–');
    console.log('');
    console.log(
      `copies that matched their own video (unbanked: copies that matched any banked video); TMK thresholds ${tmkDefaultLevel1Threshold}/${tmkDefaultLevel2Threshold}:`,
    );
    printTable(
      [
        'transformation',
        'tmk',
        `tmk ${windowSeconds} s windows`,
        'vpdq',
        'vpdq→dense',
        'median L1/L2 (own)',
        `median window L2`,
      ],
      rows.map((row) => [
        row.transform,
        ...rules.map((rule) => cell(row, rule)),
        `${fixed(row.medianOwnLevel1)}/${fixed(row.medianOwnLevel2)}`,
        fixed(row.medianOwnWindowLevel2),
      ]),
    );
    console.log('');
    console.log('banked copies that matched their own video, per video (all transformations):');
    printTable(
      ['video', ...rules],
      sources.map((source) => {
        const own = copies.filter((copy) => copy.banked && copy.video === source.name);
        return [
          source.name,
          ...rules.map(
            (rule) => `${own.filter((copy) => copy.matched[rule].includes(copy.video)).length}/${own.length}`,
          ),
        ];
      }),
    );
    const perVideo = Object.fromEntries(
      sources.map((source) => {
        const own = copies.filter((copy) => copy.banked && copy.video === source.name);
        return [
          source.name,
          Object.fromEntries([
            ...rules.map((rule) => [rule, own.filter((copy) => copy.matched[rule].includes(copy.video)).length]),
            ['copies', own.length],
            ['medianOwnLevel1', median(own.flatMap((copy) => (copy.ownLevel1 === null ? [] : [copy.ownLevel1])))],
            ['medianOwnLevel2', median(own.flatMap((copy) => (copy.ownLevel2 === null ? [] : [copy.ownLevel2])))],
          ]),
        ];
      }),
    );
    const totalSeconds = copies.reduce((sum, copy) => sum + copy.seconds, 0);
    const cpu = {
      tmkPerVideoSecond: copies.reduce((sum, copy) => sum + copy.cpu.tmk, 0) / totalSeconds,
      vpdqPerVideoSecond: copies.reduce((sum, copy) => sum + copy.cpu.vpdq, 0) / totalSeconds,
      bank: {
        tmkPerVideoSecond: bankCpu.tmk / bankedSeconds,
        vpdqPerVideoSecond: bankCpu.vpdq / bankedSeconds,
        vpdqDensePerVideoSecond: bankCpu.dense / bankedSeconds,
      },
    };
    const totals = Object.fromEntries(
      rules.map((rule) => {
        const banked = rows.filter((row) => row.kind !== 'unbanked');
        return [
          rule,
          {
            matched: banked.reduce((sum, row) => sum + row.byRule[rule].matched, 0),
            copies: banked.reduce((sum, row) => sum + row.copies, 0),
            falseMatches: rows.reduce((sum, row) => sum + row.byRule[rule].wrong, 0),
          },
        ];
      }),
    );
    console.log('');
    for (const rule of rules) {
      const total = totals[rule] as { matched: number; copies: number; falseMatches: number };
      console.log(
        `${rule}: ${total.matched}/${total.copies} banked copies matched their video; ${total.falseMatches} copies with a false match`,
      );
    }
    console.log(
      `hashing CPU per video-second (this process + ffmpeg): tmk ${cpu.tmkPerVideoSecond.toFixed(4)} s, vpdq (1 fps) ${cpu.vpdqPerVideoSecond.toFixed(4)} s, ratio ${(cpu.tmkPerVideoSecond / cpu.vpdqPerVideoSecond).toFixed(2)}; banking: tmk ${cpu.bank.tmkPerVideoSecond.toFixed(4)}, vpdq ${cpu.bank.vpdqPerVideoSecond.toFixed(4)}, vpdq_dense ${cpu.bank.vpdqDensePerVideoSecond.toFixed(4)}`,
    );
    await finishBenchmark(resultName, {
      quick,
      contentSeconds,
      leadSeconds: lead,
      windowSeconds,
      thresholds: { level1: tmkDefaultLevel1Threshold, level2: tmkDefaultLevel2Threshold, vpdqPercent: 80 },
      banked: sources.map((source) => source.name),
      unbanked: unbanked.map((source) => source.name),
      seconds: Math.round((Date.now() - began) / 1000),
      cpu,
      totals,
      perVideo,
      rows,
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] as number;
}
