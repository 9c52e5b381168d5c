/**
 * `npm run bench -- import [--lines N]` (N default 10,000,000): streams a generated hash list of
 * N lines `pdq <hex>` into a fresh SQLite bank with `importHashList`, and prints side by side
 * lines per second and peak memory for Prevail's batched import and for a naive baseline that
 * adds one line per call and transaction (`BankService.addContent`, measured on the first lines
 * for a bounded time). RSS is sampled through the run to show that memory does not grow with the
 * file.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createServices } from '../src/app/index.js';
import { importHashList } from '../src/banks/index.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

function option(args: string[], name: string, fallback: number): number {
  const index = args.indexOf(name);
  const value = index >= 0 ? Number(args[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} takes a positive whole number`);
  return value;
}

async function writeHashList(path: string, lines: number): Promise<void> {
  const output = createWriteStream(path);
  const chunkLines = 10_000;
  for (let written = 0; written < lines; written += chunkLines) {
    let chunk = '';
    const count = Math.min(chunkLines, lines - written);
    const random = randomBytes(32 * count).toString('hex');
    for (let i = 0; i < count; i++) chunk += `pdq ${random.slice(i * 64, i * 64 + 64)}\n`;
    if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
  }
  output.end();
  await finished(output);
}

export async function run(args: string[]): Promise<void> {
  const lines = option(args, '--lines', 10_000_000);
  const machine = describeMachine();
  console.log(
    `import on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${lines.toLocaleString('en')} lines of "pdq <hex>"`,
  );
  const directory = await mkdtemp(join(tmpdir(), 'prevail-import-bench-'));
  try {
    const file = join(directory, 'hashes.txt');
    await writeHashList(file, lines);
    const fileBytes = (await stat(file)).size;

    // Prevail: streamed, batched, deduplicating import.
    const services = await createServices({ dataDir: join(directory, 'batched') }, { loadIndexes: false });
    await services.banks.createBank({ name: 'BENCH' });
    const rssSamples: { linesDone: number; rssMb: number }[] = [];
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }, 100);
    const started = performance.now();
    let nextSample = lines / 10;
    const report = await importHashList(services.banks, 'BENCH', createReadStream(file), {
      format: 'typed',
      onProgress: (running) => {
        if (running.entries >= nextSample) {
          rssSamples.push({ linesDone: running.entries, rssMb: Math.round(process.memoryUsage().rss / 2 ** 20) });
          nextSample += lines / 10;
        }
      },
    });
    const importMs = performance.now() - started;
    clearInterval(sampler);
    await services.close();

    // A restart: the matcher loads every stored hash into its index.
    const loadStarted = performance.now();
    const reloaded = await createServices({ dataDir: join(directory, 'batched') });
    const indexLoadMs = performance.now() - loadStarted;
    const loadedSize = reloaded.matcher.status().find((status) => status.signalType === 'pdq')?.size ?? 0;
    const loadRssMb = Math.round(process.memoryUsage().rss / 2 ** 20);
    await reloaded.close();

    // Baseline: one addContent (one transaction) per line, for at most 20 s or 50,000 lines.
    const baseline = await createServices({ dataDir: join(directory, 'naive') }, { loadIndexes: false });
    await baseline.banks.createBank({ name: 'BENCH' });
    const baselineStarted = performance.now();
    let baselineLines = 0;
    const text = createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
    outer: for await (const chunk of text as AsyncIterable<string>) {
      for (const line of chunk.split('\n')) {
        const value = line.slice(4);
        if (value.length !== 64) continue;
        await baseline.banks.addContent('BENCH', { signals: { pdq: value } });
        baselineLines++;
        if (baselineLines >= 50_000 || performance.now() - baselineStarted > 20_000) break outer;
      }
    }
    text.destroy();
    const baselineMs = performance.now() - baselineStarted;
    await baseline.close();

    const linesPerSecond = Math.round(report.entries / (importMs / 1000));
    const baselineLinesPerSecond = Math.round(baselineLines / (baselineMs / 1000));
    console.log('');
    printTable(
      ['method', 'lines', 'seconds', 'lines/s', 'peak RSS MB'],
      [
        [
          'Prevail importHashList (batched, streamed)',
          report.entries,
          (importMs / 1000).toFixed(1),
          linesPerSecond,
          Math.round(peakRss / 2 ** 20),
        ],
        ['baseline: addContent per line', baselineLines, (baselineMs / 1000).toFixed(1), baselineLinesPerSecond, '-'],
      ],
    );
    console.log(
      `speed-up: ${(linesPerSecond / Math.max(1, baselineLinesPerSecond)).toFixed(1)}×; file ${(fileBytes / 2 ** 20).toFixed(0)} MB`,
    );
    console.log(
      `index load from storage at start: ${loadedSize.toLocaleString('en')} hashes in ${(indexLoadMs / 1000).toFixed(1)} s (RSS ${loadRssMb} MB)`,
    );
    console.log(
      `RSS while importing (MB): ${rssSamples.map((sample) => `${Math.round((100 * sample.linesDone) / lines)}%: ${sample.rssMb}`).join(', ')}`,
    );
    console.log('');
    await finishBenchmark('import', {
      lines: report.entries,
      added: report.added,
      duplicates: report.duplicates,
      rejected: report.rejected,
      importSeconds: Number((importMs / 1000).toFixed(1)),
      linesPerSecond,
      peakRssMb: Math.round(peakRss / 2 ** 20),
      rssSamples,
      baselineLines,
      baselineLinesPerSecond,
      speedup: Number((linesPerSecond / Math.max(1, baselineLinesPerSecond)).toFixed(1)),
      indexLoadSeconds: Number((indexLoadMs / 1000).toFixed(1)),
      indexLoadedHashes: loadedSize,
      indexLoadRssMb: loadRssMb,
    });
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}
