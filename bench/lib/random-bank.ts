/**
 * A bank for the stream benchmarks (`stream`, `stream-cost`): 10,000 random PDQ hashes, added in
 * batches of 500, so that each frame's lookup does real index work rather than search an empty
 * bank. The hashes are random (nothing real), so no frame of the synthetic clips ever matches.
 */
import { join } from 'node:path';
import { createServices, type Services } from '../../src/app/index.js';

/** Services on a fresh store under `directory`/data with one bank of 10,000 random PDQ hashes. */
export async function openRandomBank(directory: string): Promise<Services> {
  const services = await createServices({ dataDir: join(directory, 'data') });
  const bank = await services.banks.createBank({ name: 'BENCH' });
  const hex = () => Array.from({ length: 64 }, () => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
  for (let i = 0; i < 10_000; i += 500) {
    await services.banks.addContentBatch(
      bank,
      Array.from({ length: 500 }, () => ({ signals: { pdq: hex() } })),
    );
  }
  return services;
}
