/**
 * Child process for the crash test: ingests `count` synthetic events (see `crash-events.ts`) in
 * batches into the engine on `dataDir`, printing `acked <last index>` after every batch is
 * durable. The parent kills it with SIGKILL part-way.
 */
import { startTestEngine } from '../../support/engine-harness.js';
import { crashEvents } from './crash-events.js';

const [dataDir, countText] = process.argv.slice(2);
const count = Number(countText);
const { engine } = await startTestEngine({ dataDir: dataDir as string, snapshotEvery: 5000 });
for (let start = 0; start < count; start += 500) {
  await engine.ingest(crashEvents(start, Math.min(count, start + 500)));
  process.stdout.write(`acked ${Math.min(count, start + 500) - 1}\n`);
}
process.stdout.write('done\n');
