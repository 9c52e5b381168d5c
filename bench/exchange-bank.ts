/**
 * `npm run bench -- exchange --part 2 [--entries N]` (N default 200,000; the issue's 10,000,000 is
 * `--entries 10000000`): the NCMEC contract server (a child process, entries generated on demand)
 * into an empty bank **through the fetch runner** (`prevail exchange fetch`: the client's windows
 * and pages, HMA's commit every 5,000 keys with the checkpoint, the matcher following each
 * commit), side by side in one run with `prevail bank import` (`importHashList`) of the same
 * entries' PDQ values as a typed file into an empty bank. Each side: entries/s, peak RSS (sampled
 * every 100 ms), and how long after it returns the index answers a lookup of the last entry.
 *
 * Not the same work: an exchange item carries two signals (MD5 and PDQ) and the upstream record as
 * metadata and is read over HTTP as XML; an imported line is one PDQ from a local file. The ratio
 * is what the exchange path costs beyond a bulk import of the same values.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { finished } from 'node:stream/promises';
import { createServices, type Services } from '../src/app/index.js';
import { importHashList } from '../src/banks/index.js';
import { credentials, measured, option, perSecond, startServer } from './lib/exchange-side.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

/** The generated upstream's values for entry `i` (as `generatedUpstream` makes them). */
function entryHashes(i: number): { md5: string; pdq: string } {
  const hex = i.toString(16).padStart(16, '0');
  return { md5: `${hex}${hex}`, pdq: `${hex}${hex}${hex}${hex}` };
}

/** Milliseconds until the matcher finds `pdq` in `bank` (polled; at most 60 s). */
async function untilIndexAnswers(services: Services, bank: string, pdq: string): Promise<number> {
  const started = performance.now();
  for (let tries = 0; tries < 60_000; tries++) {
    const found = await services.matcher.match({ signals: { pdq } });
    if (found.matches.some((match) => match.bank === bank)) return Math.round(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  throw new Error(`the index never answered for ${bank}`);
}

export async function runIntoBank(args: string[]): Promise<void> {
  const entries = option(args, '--entries', 200_000);
  const machine = describeMachine();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const firstTimestamp = nowSeconds - Math.ceil(entries / perSecond) - 3600;
  console.log(
    `exchange (part 2: into a bank) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${entries.toLocaleString('en')} NCMEC entries, SQLite`,
  );
  const directory = await mkdtemp(join(tmpdir(), 'prevail-exchange-bench-'));
  const { url, child } = await startServer(entries, firstTimestamp);
  const last = entryHashes(entries - 1);
  try {
    // Side 1: the fetch runner.
    const fetched = await createServices(
      { dataDir: join(directory, 'exchange') },
      { exchanges: { evidenceKeys: `b1:${'4b'.repeat(32)}`, fetch: { timeBoxMs: 6 * 3_600_000 } } },
    );
    let exchangeSide: { seconds: number; peakRssMb: number; upserts: number; indexMs: number };
    try {
      await fetched.exchanges.add({ name: 'NCMEC_BENCH', kind: 'ncmec', config: { environment: url } });
      await fetched.exchanges.setCredentials({ kind: 'ncmec' }, credentials);
      const run = await measured(() => fetched.exchanges.fetch('NCMEC_BENCH'));
      if (!run.result.upToDate) throw new Error('the fetch ended before the upstream did (time box)');
      exchangeSide = {
        seconds: run.seconds,
        peakRssMb: run.peakRssMb,
        upserts: run.result.upserts,
        indexMs: await untilIndexAnswers(fetched, 'NCMEC_BENCH', last.pdq),
      };
    } finally {
      await fetched.close();
    }

    // Side 2: prevail bank import of the same PDQ values.
    const file = join(directory, 'hashes.txt');
    const output = createWriteStream(file);
    for (let start = 0; start < entries; start += 10_000) {
      let chunk = '';
      for (let i = start; i < Math.min(entries, start + 10_000); i++) chunk += `pdq ${entryHashes(i).pdq}\n`;
      if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
    }
    output.end();
    await finished(output);
    const imported = await createServices({ dataDir: join(directory, 'import') });
    let importSide: { seconds: number; peakRssMb: number; entries: number; indexMs: number };
    try {
      await imported.banks.createBank({ name: 'IMPORT_BENCH' });
      const run = await measured(() =>
        importHashList(imported.banks, 'IMPORT_BENCH', createReadStream(file), { format: 'typed' }),
      );
      importSide = {
        seconds: run.seconds,
        peakRssMb: run.peakRssMb,
        entries: run.result.entries,
        indexMs: await untilIndexAnswers(imported, 'IMPORT_BENCH', last.pdq),
      };
    } finally {
      await imported.close();
    }

    const exchangeRate = Math.round(entries / exchangeSide.seconds);
    const importRate = Math.round(entries / importSide.seconds);
    console.log('');
    printTable(
      ['side', 'entries', 'seconds', 'entries/s', 'peak RSS MB', 'index answers after (ms)'],
      [
        [
          'exchange fetch (HTTP XML → fetch runner → bank, 2 signals + metadata)',
          exchangeSide.upserts,
          exchangeSide.seconds.toFixed(1),
          exchangeRate,
          exchangeSide.peakRssMb,
          exchangeSide.indexMs,
        ],
        [
          'prevail bank import (typed file, 1 PDQ per line)',
          importSide.entries,
          importSide.seconds.toFixed(1),
          importRate,
          importSide.peakRssMb,
          importSide.indexMs,
        ],
      ],
    );
    console.log(`exchange / import: ${(exchangeRate / importRate).toFixed(2)}× the rate`);
    console.log('');
    await finishBenchmark('exchange-bank', {
      part: 2,
      entries,
      exchange: { ...exchangeSide, seconds: Number(exchangeSide.seconds.toFixed(1)), entriesPerSecond: exchangeRate },
      import: { ...importSide, seconds: Number(importSide.seconds.toFixed(1)), entriesPerSecond: importRate },
      ratio: Number((exchangeRate / importRate).toFixed(2)),
    });
  } finally {
    child.kill();
    await rm(directory, { recursive: true, force: true });
  }
}
