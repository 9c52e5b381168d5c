import { EngineError } from '../../core/index.js';
import { childNamed, childText, parseXmlPage, type XmlElement } from '../xml-tree.js';

/** One `<image>`, `<video>` (or a kind NCMEC adds later) or its `deleted…` tombstone. */
export interface NcmecEntry {
  /** The lower-cased element name without `deleted` (`image`, `video`, or an unknown kind, kept). */
  readonly entryType: string;
  readonly deleted: boolean;
  readonly element: XmlElement;
}

/** A parsed `<queryResult>` page. */
export interface NcmecQueryResult {
  readonly entries: NcmecEntry[];
  /** The relative `next` cursor, or `null` on the last page. */
  readonly next: string | null;
  /**
   * The estimated number of entries in the whole window (pytx: `max − start + page length` from
   * the `next` parameters), or this page's length when there is no `next`.
   */
  readonly estimatedWindowEntries: number;
}

/**
 * Reads a `<queryResult>` page of `GET /v2/entries`. Every child of `<images>`, `<videos>` (and any
 * other block NCMEC may add beside them) is an entry; a `deleted…` name marks a tombstone. The
 * `next` cursor must be a path on the same server (`/…`, never `//host` or a scheme): it is
 * appended to the base URL, where the credentials go.
 *
 * @throws EngineError `EXCHANGE_PAGE_MALFORMED` for a page that is not such a result.
 */
export function parseQueryResult(xml: string): NcmecQueryResult {
  const root = parseXmlPage(xml);
  if (root.name !== 'queryResult') {
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', `expected <queryResult>, got <${root.name.slice(0, 40)}>`);
  }
  const entries: NcmecEntry[] = [];
  for (const block of root.children) {
    if (block.name === 'paging') continue;
    for (const element of block.children) {
      const lower = element.name.toLowerCase();
      const deleted = lower.startsWith('deleted');
      entries.push({ entryType: deleted ? lower.slice('deleted'.length) : lower, deleted, element });
    }
  }
  const pagingNext = childText(childNamed(root, 'paging') ?? root, 'next');
  const next = childNamed(root, 'paging') === undefined ? null : (pagingNext ?? null);
  if (next !== null && !/^\/(?!\/)[^\s\\]*$/.test(next)) {
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'the next cursor is not a path on the same server');
  }
  return { entries, next, estimatedWindowEntries: estimate(next, entries.length) };
}

function estimate(next: string | null, pageLength: number): number {
  if (next === null) return pageLength;
  const params = new URL(next, 'http://cursor.invalid').searchParams;
  const start = Number(params.get('start'));
  const max = Number(params.get('max'));
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(max) || max < start) return pageLength;
  return max - start + pageLength;
}
