/**
 * Child process for the crash test: ingests `count` synthetic payments in batches into the
 * engine on `dataDir`, printing `acked <last index>` after every batch is durable. The parent
 * kills it with SIGKILL part-way.
 */
import { startTestEngine, syntheticEvent } from '../../support/engine-harness.js';

const [dataDir, countText] = process.argv.slice(2);
const count = Number(countText);
const { engine } = await startTestEngine({ dataDir: dataDir as string, snapshotEvery: 5000 });
const base = Date.parse('2026-11-01T00:00:00Z');
for (let start = 0; start < count; start += 500) {
  const batch = [];
  for (let i = start; i < Math.min(count, start + 500); i++) {
    batch.push(
      syntheticEvent(
        'payment.sent',
        { payment_account: `acct-${i % 100}`, payee_account: `payee-${i % 37}` },
        { amount: 1 + (i % 50), currency: 'USD', payee_country: i % 3 === 0 ? 'PH' : 'GB' },
        new Date(base + i * 1000).toISOString(),
        `crash-${i}`,
      ),
    );
  }
  await engine.ingest(batch);
  process.stdout.write(`acked ${Math.min(count, start + 500) - 1}\n`);
}
process.stdout.write('done\n');
