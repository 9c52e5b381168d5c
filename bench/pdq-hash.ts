/**
 * `npm run bench -- pdq-hash`: PDQ hashing speed on generated benign JPEGs at three sizes, side
 * by side: Prevail end to end (decode + hash), Prevail hash only (pre-decoded pixels), sharp
 * decode only (the floor for end to end), and the C++ reference core's hash-only time measured
 * on this kind of machine (`shared/notes/pdq-performance.md`; luma + `pdqHash256FromFloatLuma`).
 */
import sharp from 'sharp';
import { decodeImage, defaultMaxPixels } from '../src/content/index.js';
import { hashPixels } from '../src/signals/index.js';
import { patternPixels } from '../test/support/images.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable, timePerCall } from './lib/report.js';

/** Reference C++ core on this kind of machine, ms per image: luma + hash (the note's table). */
const referenceMs: Record<string, number> = { '1024x768': 1.8 + 39, '1920x1080': 5.3 + 71, '4000x3000': 27 + 561 };

const sizes: [number, number][] = [
  [1024, 768],
  [1920, 1080],
  [4000, 3000],
];

export async function run(): Promise<void> {
  const machine = describeMachine();
  console.log(`pdq-hash on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; one core, sequential`);
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
    const budget = { budgetMs: 3000, minimumRuns: 5, maximumRuns: 500 };
    for (let i = 0; i < 3; i++) hashPixels(pixels); // warm the JIT
    const hashOnlyMs = await timePerCall(() => hashPixels(pixels), budget);
    const decodeOnlyMs = await timePerCall(() => sharp(jpeg).raw().toBuffer(), budget);
    const endToEndMs = await timePerCall(
      async () => hashPixels(await decodeImage(jpeg, { maxPixels: defaultMaxPixels })),
      budget,
    );
    const cppMs = referenceMs[label] as number;
    const perSecond = (ms: number) => Number((1000 / ms).toFixed(1));
    rows.push([
      label,
      perSecond(endToEndMs),
      perSecond(hashOnlyMs),
      perSecond(decodeOnlyMs),
      perSecond(cppMs),
      `${(cppMs / hashOnlyMs).toFixed(2)}×`,
    ]);
    figures.push({
      size: label,
      endToEndPerSecond: perSecond(endToEndMs),
      hashOnlyPerSecond: perSecond(hashOnlyMs),
      sharpDecodeOnlyPerSecond: perSecond(decodeOnlyMs),
      referenceCppHashOnlyPerSecond: perSecond(cppMs),
      hashOnlyMs: Number(hashOnlyMs.toFixed(2)),
      referenceCppHashOnlyMs: cppMs,
      hashOnlySpeedupOverReference: Number((cppMs / hashOnlyMs).toFixed(2)),
    });
  }
  console.log('');
  console.log(
    'images per second (higher is better); C++ reference = luma + pdqHash256FromFloatLuma, from the performance note',
  );
  printTable(
    [
      'size',
      'Prevail end-to-end',
      'Prevail hash-only',
      'sharp decode-only',
      'C++ reference hash-only',
      'hash-only vs C++',
    ],
    rows,
  );
  console.log('');
  await finishBenchmark('pdq-hash', { unit: 'images per second', sizes: figures });
}
