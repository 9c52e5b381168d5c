import type { ExchangeCheckpoint, ExchangeClient, ExchangeRecord } from '../../src/exchanges/index.js';

/**
 * What the fetch runner does, minus storage, for client tests: asks for pages from `checkpoint`
 * until the client says it is up to date, applying each page's deltas to `bank` (last write wins,
 * a tombstone deletes) and moving to its checkpoint. Bounded by `maxPages`; returns the last
 * checkpoint and how many pages were read.
 */
export async function fetchInto(
  client: ExchangeClient,
  bank: Map<string, ExchangeRecord>,
  checkpoint: ExchangeCheckpoint | null,
  maxPages = 200,
): Promise<{ checkpoint: ExchangeCheckpoint | null; pages: number }> {
  let current = checkpoint;
  for (let pages = 1; pages <= maxPages; pages++) {
    const page = await client.fetchPage(current);
    for (const delta of page.deltas) {
      if (delta.record === null) bank.delete(delta.key);
      else bank.set(delta.key, delta.record);
    }
    current = page.checkpoint;
    if (!page.more) return { checkpoint: current, pages };
  }
  throw new Error(`still not up to date after ${maxPages} pages`);
}
