/**
 * `npm run bench -- exchange [--entries N]` (N default 10,000,000), part 1: the NCMEC client's
 * parsing throughput. The NCMEC contract server (a child process; entries generated on demand, so
 * its memory does not grow with N) serves N entries; side by side in one run:
 *
 * - **client**: `createNcmecClient(…).fetchPage` from `null` until up to date — adaptive windows,
 *   cursor paging, XML parsing with saxes, one keyed delta per entry with signals and metadata;
 * - **baseline**: the same pages read raw (`readUpstream`, bodies read and dropped, `next`
 *   followed by text search), one window over everything: the transport's ceiling on this
 *   machine, so the ratio is what parsing and mapping cost.
 *
 * Each side reports entries/s and its peak RSS (sampled every 100 ms). Part 2 (`--part 2`, in
 * `exchange-bank.ts`): through the fetch runner into a bank, beside `prevail bank import`.
 */
import { createNcmecClient, type ExchangeCheckpoint, readUpstream } from '../src/exchanges/index.js';
import { runIntoBank } from './exchange-bank.js';
import { credentials, measured, option, perSecond, startServer } from './lib/exchange-side.js';
import { describeMachine } from './lib/machine.js';
import { finishBenchmark, printTable } from './lib/report.js';

export async function run(args: string[]): Promise<void> {
  if (args.includes('--part') && option(args, '--part', 1) === 2) return runIntoBank(args);
  const entries = option(args, '--entries', 10_000_000);
  const machine = describeMachine();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const firstTimestamp = nowSeconds - Math.ceil(entries / perSecond) - 3600;
  console.log(
    `exchange (part 1: NCMEC client parsing) on ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; ${entries.toLocaleString('en')} upstream entries, 1,000 per page`,
  );
  const { url, child } = await startServer(entries, firstTimestamp);
  try {
    const client = await measured(async () => {
      const ncmec = createNcmecClient({ baseUrl: url }, credentials, { retries: 2 });
      let checkpoint: ExchangeCheckpoint | null = null;
      let deltas = 0;
      let signals = 0;
      let pages = 0;
      for (let guard = 0; guard < 1_000_000; guard++) {
        const page = await ncmec.fetchPage(checkpoint);
        pages++;
        deltas += page.deltas.length;
        for (const delta of page.deltas) signals += delta.record?.signals.length ?? 0;
        checkpoint = page.checkpoint;
        if (!page.more) break;
      }
      return { deltas, signals, pages };
    });

    const baseline = await measured(async () => {
      const headers = {
        authorization: `Basic ${Buffer.from(`${credentials.user}:${credentials.password}`).toString('base64')}`,
      };
      const to = new Date((nowSeconds - 5) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      let path: string | undefined = `/v2/entries?from=1970-01-01T00:00:00Z&to=${to}`;
      let bytes = 0;
      let pages = 0;
      while (path !== undefined && pages < 1_000_000) {
        const text: string = await (await readUpstream(`${url}${path}`, { headers, retries: 2 })).text();
        bytes += text.length;
        pages++;
        const next: string | undefined = /<next>([^<]*)<\/next>/.exec(text)?.[1];
        path = next?.replaceAll('&amp;', '&');
      }
      return { bytes, pages };
    });

    // Windows are inclusive at both ends, so an entry on a window's boundary second comes twice
    // (keyed: harmless); fewer deltas than entries would be a loss.
    if (client.result.deltas < entries) {
      throw new Error(`the client returned ${client.result.deltas} deltas for ${entries} entries`);
    }
    const boundaryRepeats = client.result.deltas - entries;
    const clientRate = Math.round(entries / client.seconds);
    const baselineRate = Math.round(entries / baseline.seconds);
    console.log('');
    printTable(
      ['side', 'entries', 'pages', 'seconds', 'entries/s', 'peak RSS MB'],
      [
        [
          'NCMEC client (windows, saxes, deltas)',
          client.result.deltas,
          client.result.pages,
          client.seconds.toFixed(1),
          clientRate,
          client.peakRssMb,
        ],
        [
          'baseline: raw page reads, no parsing',
          entries,
          baseline.result.pages,
          baseline.seconds.toFixed(1),
          baselineRate,
          baseline.peakRssMb,
        ],
      ],
    );
    console.log(
      `client / raw transport: ${(clientRate / baselineRate).toFixed(2)}× the rate; ${(baseline.result.bytes / entries).toFixed(0)} bytes of XML per entry; ${client.result.signals.toLocaleString('en')} signals mapped; ${boundaryRepeats} boundary repeats`,
    );
    console.log('');
    await finishBenchmark('exchange', {
      part: 1,
      entries,
      client: {
        seconds: Number(client.seconds.toFixed(1)),
        entriesPerSecond: clientRate,
        peakRssMb: client.peakRssMb,
        pages: client.result.pages,
        signals: client.result.signals,
      },
      baseline: {
        seconds: Number(baseline.seconds.toFixed(1)),
        entriesPerSecond: baselineRate,
        peakRssMb: baseline.peakRssMb,
        pages: baseline.result.pages,
      },
      boundaryRepeats,
      ratio: Number((clientRate / baselineRate).toFixed(2)),
    });
  } finally {
    child.kill();
  }
}
