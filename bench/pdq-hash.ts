/**
 * `npm run bench -- pdq-hash [--cpp-root DIR]`: PDQ hashing speed on generated benign JPEGs at
 * three sizes, three hash-only sides side by side: Prevail's plain-JS kernels (`hashPixelsJs`, the
 * baseline), Prevail's default path (`hashPixels`: WebAssembly SIMD kernels, `activePdqKernels`)
 * and, with `--cpp-root` (or `PREVAIL_PDQ_CPP_ROOT`) naming a checkout of facebook/ThreatExchange,
 * Meta's C++ core built from that checkout with its Makefile's flags (`g++ -std=c++11 -O3`) around
 * Prevail's driver (`bench/cpp/pdq-core-driver.cpp`: luma + `pdqHash256FromFloatLuma`, the work
 * `hashPixels` does), **in the same run, on the same pixels**; every side's hash must equal the
 * others' or the bench fails. End to end (decode + default hash) and sharp decode alone are
 * measured too. Without a checkout the C++ column is absent and no C++ ratio is printed: a figure
 * from another machine is never divided by.
 *
 * The machine is shared, so each side is timed in `rounds` interleaved rounds (C++, JS, WASM, C++,
 * JS, WASM, …) and judged by **CPU time per hash** (the process's own: `process.cpuUsage`, and
 * `std::clock` in the driver), median of the rounds, with the rounds' spread (min–max) and the
 * wall-clock medians kept in the JSON.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { decodeImage, defaultMaxPixels } from '../src/content/index.js';
import { activePdqKernels, hashPixels, hashPixelsJs, type PixelBuffer } from '../src/signals/index.js';
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

/** Interleaved rounds per side and size, and each round's time budget. */
const rounds = 5;
const roundBudgetMs = 800;

/** Wall and CPU milliseconds per hash of one timed round. */
interface Timing {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** Median, min and max of the rounds' CPU and wall times. */
interface Summary {
  readonly cpuMs: number;
  readonly cpuMinMs: number;
  readonly cpuMaxMs: number;
  readonly wallMs: number;
}

export async function run(args: string[]): Promise<void> {
  const machine = describeMachine();
  console.log(
    `pdq-hash on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; one core, sequential; default kernels: ${activePdqKernels}`,
  );
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
      for (let i = 0; i < 3; i++) {
        hashPixels(pixels); // warm the JIT
        hashPixelsJs(pixels);
      }
      const reference = hashPixelsJs(pixels);
      const fast = hashPixels(pixels);
      if (fast.hash !== reference.hash || fast.quality !== reference.quality) {
        throw new Error(`${label}: ${activePdqKernels} ${fast.hash}/${fast.quality} differs from JS ${reference.hash}`);
      }
      const rawFile = join(work, `${label}.rgb`);
      if (driver !== undefined) await writeFile(rawFile, pixels.data);
      const jsRounds: Timing[] = [];
      const fastRounds: Timing[] = [];
      const cppRounds: Timing[] = [];
      for (let round = 0; round < rounds; round++) {
        if (driver !== undefined) {
          const cpp = await timeCpp(driver, rawFile, width, height);
          if (cpp.hash !== reference.hash || cpp.quality !== reference.quality) {
            throw new Error(
              `${label}: C++ ${cpp.hash}/${cpp.quality} differs from Prevail ${reference.hash}/${reference.quality}`,
            );
          }
          cppRounds.push(cpp);
        }
        jsRounds.push(timeHash(hashPixelsJs, pixels));
        fastRounds.push(timeHash(hashPixels, pixels));
      }
      const budget = { budgetMs: 2000, minimumRuns: 5, maximumRuns: 500 };
      const decodeOnlyMs = await timePerCall(() => sharp(jpeg).raw().toBuffer(), budget);
      const endToEndMs = await timePerCall(
        async () => hashPixels(await decodeImage(jpeg, { maxPixels: defaultMaxPixels })),
        budget,
      );
      const js = summarise(jsRounds);
      const fastSide = summarise(fastRounds);
      const perSecond = (ms: number) => Number((1000 / ms).toFixed(1));
      const ratio = (slower: number, faster: number) => Number((slower / faster).toFixed(2));
      const figure: Record<string, unknown> = {
        size: label,
        hash: reference.hash,
        jsHashOnlyPerSecond: perSecond(js.cpuMs),
        js,
        [`${activePdqKernels}HashOnlyPerSecond`]: perSecond(fastSide.cpuMs),
        [activePdqKernels]: fastSide,
        speedupOverJs: ratio(js.cpuMs, fastSide.cpuMs),
        endToEndPerSecond: perSecond(endToEndMs),
        sharpDecodeOnlyPerSecond: perSecond(decodeOnlyMs),
      };
      const row: (string | number)[] = [
        label,
        `${perSecond(js.cpuMs)} (${spread(js)})`,
        `${perSecond(fastSide.cpuMs)} (${spread(fastSide)})`,
      ];
      if (driver !== undefined) {
        const cpp = summarise(cppRounds);
        row.push(
          `${perSecond(cpp.cpuMs)} (${spread(cpp)})`,
          `${ratio(cpp.cpuMs, fastSide.cpuMs)}×`,
          `${ratio(cpp.cpuMs, js.cpuMs)}×`,
        );
        Object.assign(figure, {
          cppHashOnlyPerSecond: perSecond(cpp.cpuMs),
          cpp,
          hashesEqual: true,
          speedupOverCpp: ratio(cpp.cpuMs, fastSide.cpuMs),
          jsSpeedupOverCpp: ratio(cpp.cpuMs, js.cpuMs),
          wallSpeedupOverCpp: ratio(cpp.wallMs, fastSide.wallMs),
        });
      }
      row.push(`${ratio(js.cpuMs, fastSide.cpuMs)}×`, perSecond(endToEndMs), perSecond(decodeOnlyMs));
      rows.push(row);
      figures.push(figure);
    }
    console.log('');
    console.log(
      `hash-only images per CPU-second (higher is better; median of ${rounds} interleaved rounds, min–max ms per hash in brackets), every column measured in this run on this machine`,
    );
    const header = ['size', 'JS kernels', `${activePdqKernels} (default)`];
    if (driver !== undefined) header.push('C++ core', `${activePdqKernels} ÷ C++`, 'JS ÷ C++');
    header.push(`${activePdqKernels} ÷ JS`, 'end-to-end (default, wall)', 'sharp decode-only (wall)');
    printTable(header, rows);
    console.log('');
    await finishBenchmark('pdq-hash', {
      unit: 'images per CPU-second (hash-only); per wall-second (end-to-end, decode-only)',
      machine,
      defaultKernels: activePdqKernels,
      rounds,
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

/** One round: `hash` repeated for `roundBudgetMs` (at least 3 times), wall and CPU ms per call. */
function timeHash(hash: (pixels: PixelBuffer) => unknown, pixels: PixelBuffer): Timing {
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  let runs = 0;
  while (runs < 3 || performance.now() - started < roundBudgetMs) {
    hash(pixels);
    runs++;
  }
  const wallMs = (performance.now() - started) / runs;
  const cpu = process.cpuUsage(cpuStart);
  return { wallMs, cpuMs: (cpu.user + cpu.system) / 1000 / runs };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function summarise(timings: Timing[]): Summary {
  const cpu = timings.map((timing) => timing.cpuMs);
  return {
    cpuMs: round(median(cpu)),
    cpuMinMs: round(Math.min(...cpu)),
    cpuMaxMs: round(Math.max(...cpu)),
    wallMs: round(median(timings.map((timing) => timing.wallMs))),
  };
}

function spread(summary: Summary): string {
  return `${summary.cpuMinMs}–${summary.cpuMaxMs} ms`;
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
): Promise<Timing & { hash: string; quality: number }> {
  const { stdout } = await run$(driver.path, [rawFile, String(width), String(height), String(roundBudgetMs), '500']);
  const [hash, quality, , wallMs, cpuMs] = stdout.trim().split(' ');
  return { hash: hash ?? '', quality: Number(quality), wallMs: Number(wallMs), cpuMs: Number(cpuMs) };
}

function round(value: number): number {
  return Number(value.toFixed(2));
}
