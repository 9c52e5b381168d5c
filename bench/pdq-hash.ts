/**
 * `npm run bench -- pdq-hash [--cpp-root DIR]`: PDQ hashing speed on generated benign JPEGs at
 * three sizes. Prevail end to end (decode + hash), Prevail hash only (pre-decoded pixels) and sharp
 * decode only (the floor for end to end) are always measured. With `--cpp-root` (or
 * `PREVAIL_PDQ_CPP_ROOT`) naming a checkout of facebook/ThreatExchange, Meta's C++ core is built
 * from that checkout with its Makefile's flags (`g++ -std=c++11 -O3`) around Prevail's driver
 * (`bench/cpp/pdq-core-driver.cpp`: luma + `pdqHash256FromFloatLuma`, the work `hashPixels`
 * does) and timed **in the same run, on the same pixels**; both hashes must be equal or the bench
 * fails. Without a checkout the C++ column is absent and no ratio is printed: a figure from another
 * machine is never divided by.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { decodeImage, defaultMaxPixels } from '../src/content/index.js';
import { hashPixels } from '../src/signals/index.js';
import { patternPixels } from '../test/support/images.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable, timePerCall } from './lib/report.js';

const run$ = promisify(execFile);

const sizes: [number, number][] = [
  [1024, 768],
  [1920, 1080],
  [4000, 3000],
];

/** The C++ sources the driver links, relative to the checkout (those `pdqhashing.cpp` needs). */
const cppSources = [
  'pdq/cpp/hashing/pdqhashing.cpp',
  'pdq/cpp/hashing/torben.cpp',
  'pdq/cpp/downscaling/downscaling.cpp',
  'pdq/cpp/common/pdqhashtypes.cpp',
  'pdq/cpp/common/pdqhamming.cpp',
];

const budgetMs = 3000;

export async function run(args: string[]): Promise<void> {
  const machine = describeMachine();
  console.log(`pdq-hash on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; one core, sequential`);
  const cppRoot = cppRootFrom(args);
  const work = await mkdtemp(join(tmpdir(), 'prevail-pdq-bench-'));
  try {
    const driver = cppRoot === undefined ? undefined : await buildDriver(cppRoot, work);
    if (driver === undefined) {
      console.log(
        'C++ side skipped: pass --cpp-root <checkout of github.com/facebook/ThreatExchange> (or PREVAIL_PDQ_CPP_ROOT) to time Meta’s core in this run',
      );
    }
    const rows: (string | number)[][] = [];
    const figures: Record<string, unknown>[] = [];
    for (const [width, height] of sizes) {
      const label = `${width}x${height}`;
      const jpeg = new Uint8Array(
        await sharp(patternPixels(width, height, 7), { raw: { width, height, channels: 3 } })
          .jpeg({ quality: 90 })
          .toBuffer(),
      );
      const pixels = await decodeImage(jpeg, { maxPixels: defaultMaxPixels });
      const budget = { budgetMs, minimumRuns: 5, maximumRuns: 500 };
      for (let i = 0; i < 3; i++) hashPixels(pixels); // warm the JIT
      const prevail = hashPixels(pixels);
      const hashOnlyMs = await timePerCall(() => hashPixels(pixels), budget);
      const decodeOnlyMs = await timePerCall(() => sharp(jpeg).raw().toBuffer(), budget);
      const endToEndMs = await timePerCall(
        async () => hashPixels(await decodeImage(jpeg, { maxPixels: defaultMaxPixels })),
        budget,
      );
      const perSecond = (ms: number) => Number((1000 / ms).toFixed(1));
      const figure: Record<string, unknown> = {
        size: label,
        endToEndPerSecond: perSecond(endToEndMs),
        hashOnlyPerSecond: perSecond(hashOnlyMs),
        sharpDecodeOnlyPerSecond: perSecond(decodeOnlyMs),
        hashOnlyMs: round(hashOnlyMs),
      };
      const row: (string | number)[] = [label, perSecond(endToEndMs), perSecond(hashOnlyMs), perSecond(decodeOnlyMs)];
      if (driver !== undefined) {
        const rawFile = join(work, `${label}.rgb`);
        await writeFile(rawFile, pixels.data);
        const cpp = await timeCpp(driver, rawFile, width, height);
        if (cpp.hash !== prevail.hash || cpp.quality !== prevail.quality) {
          throw new Error(
            `${label}: C++ ${cpp.hash}/${cpp.quality} differs from Prevail ${prevail.hash}/${prevail.quality}`,
          );
        }
        row.push(perSecond(cpp.ms), `${(cpp.ms / hashOnlyMs).toFixed(2)}×`);
        Object.assign(figure, {
          cppHashOnlyPerSecond: perSecond(cpp.ms),
          cppHashOnlyMs: round(cpp.ms),
          cppRuns: cpp.runs,
          hashesEqual: true,
          hashOnlySpeedupOverCpp: Number((cpp.ms / hashOnlyMs).toFixed(2)),
        });
      }
      rows.push(row);
      figures.push(figure);
    }
    console.log('');
    console.log('images per second (higher is better), every column measured in this run on this machine');
    const header = ['size', 'Prevail end-to-end', 'Prevail hash-only', 'sharp decode-only'];
    if (driver !== undefined) header.push('C++ core hash-only', 'Prevail ÷ C++ (hash-only)');
    printTable(header, rows);
    console.log('');
    await finishBenchmark('pdq-hash', {
      unit: 'images per second',
      machine,
      cpp:
        driver === undefined
          ? { measured: false, why: 'no --cpp-root checkout given' }
          : {
              measured: true,
              compiler: driver.compiler,
              flags: driver.flags,
              sources: cppSources,
              commit: driver.commit,
            },
      sizes: figures,
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function cppRootFrom(args: string[]): string | undefined {
  const index = args.indexOf('--cpp-root');
  const given = index >= 0 ? args[index + 1] : process.env.PREVAIL_PDQ_CPP_ROOT;
  if (given === undefined || given === '') return undefined;
  const root = resolve(given);
  if (!existsSync(join(root, 'pdq/cpp/hashing/pdqhashing.cpp'))) {
    throw new Error(`--cpp-root ${root} holds no pdq/cpp/hashing/pdqhashing.cpp (a ThreatExchange checkout?)`);
  }
  return root;
}

interface Driver {
  readonly path: string;
  readonly compiler: string;
  readonly flags: string[];
  readonly commit: string | undefined;
}

async function buildDriver(root: string, work: string): Promise<Driver> {
  const out = join(work, 'pdq-core-driver');
  await mkdir(work, { recursive: true });
  const flags = ['-std=c++11', '-O3'];
  const driverSource = resolve('bench/cpp/pdq-core-driver.cpp');
  await run$('g++', [
    ...flags,
    `-I${root}`,
    driverSource,
    ...cppSources.map((file) => join(root, file)),
    '-o',
    out,
    '-lm',
  ]);
  const compiler = (await run$('g++', ['--version'])).stdout.split('\n')[0] ?? 'g++';
  const commit = await run$('git', ['-C', root, 'rev-parse', 'HEAD']).then(
    (result) => result.stdout.trim(),
    () => undefined,
  );
  console.log(
    `C++ core built from ${root}${commit ? ` at ${commit.slice(0, 12)}` : ''} with ${compiler} ${flags.join(' ')}`,
  );
  return { path: out, compiler, flags, commit };
}

async function timeCpp(
  driver: Driver,
  rawFile: string,
  width: number,
  height: number,
): Promise<{ hash: string; quality: number; runs: number; ms: number }> {
  const { stdout } = await run$(driver.path, [rawFile, String(width), String(height), String(budgetMs), '500']);
  const [hash, quality, runs, ms] = stdout.trim().split(' ');
  return { hash: hash ?? '', quality: Number(quality), runs: Number(runs), ms: Number(ms) };
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
