import type { KeyObject } from 'node:crypto';
import type { BankService } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import { type FeedPage, feedFormat, signFeedPage } from '../exchanges/index.js';
import type { ExchangeRepository } from './exchange-records.js';

/** Most items a feed page holds. */
export const maxFeedPageItems = 10_000;

/**
 * The publishing side of the Prevail peer exchange: a bank's additions (content ids above the
 * checkpoint) and deletions (tombstones above the checkpoint) as one signed page. Additions come
 * before tombstones in a page, so content added and deleted between two pages ends deleted. What
 * a feed cannot carry: changes to an item's note or enablement (only additions and deletions),
 * and deletions of a whole bank (the feed is then gone: 404).
 */
export class ExchangeFeedPublisher {
  constructor(
    private readonly options: { repository: ExchangeRepository; banks: BankService; signingKey: KeyObject },
  ) {}

  /**
   * The signed page of `bankName` after `after`.
   * @throws EngineError `BANK_NOT_FOUND`; `REQUEST_INVALID` for a checkpoint or limit out of range.
   */
  async page(
    bankName: string,
    after: { content: number; tombstone: number },
    limit: number,
  ): Promise<{ body: string; signature: string }> {
    for (const value of [after.content, after.tombstone]) {
      if (!Number.isSafeInteger(value) || value < 0) {
        throw new EngineError('REQUEST_INVALID', 'after_content and after_tombstone are whole numbers from 0');
      }
    }
    if (!Number.isInteger(limit) || limit < 1 || limit > maxFeedPageItems) {
      throw new EngineError('REQUEST_INVALID', `limit is a whole number from 1 to ${maxFeedPageItems}`);
    }
    const bank = await this.options.banks.getBank(bankName);
    const changes = await this.options.repository.feedChanges(bank.id, after.content, after.tombstone, limit);
    const items: FeedPage['items'][number][] = changes.contents.map((content) => ({
      key: `c${content.id}`,
      record: {
        signals: Object.entries(content.signals).map(([signalType, value]) => ({ signalType, value })),
        metadata: {
          publisherContentId: content.id,
          ...(content.category === null ? {} : { category: content.category }),
          ...(content.externalId === null ? {} : { externalId: content.externalId }),
        },
      },
    }));
    for (const tombstone of changes.tombstones) items.push({ key: `c${tombstone.contentId}`, record: null });
    const page: FeedPage = {
      format: feedFormat,
      bank: bank.name,
      after,
      items,
      checkpoint: {
        content: changes.contents.at(-1)?.id ?? after.content,
        tombstone: changes.tombstones.at(-1)?.seq ?? after.tombstone,
      },
      more: changes.contents.length === limit || changes.tombstones.length === limit,
    };
    return signFeedPage(page, this.options.signingKey);
  }
}
