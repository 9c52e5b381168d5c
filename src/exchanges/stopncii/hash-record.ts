import { z } from 'zod';
import { signalTypeByName } from '../../signals/index.js';
import type { ExchangeDelta, ExchangeSignal } from '../exchange-client.js';
import { parseJsonPage } from '../upstream-page.js';

/** StopNCII signal types Prevail can match, mapped to Prevail names; others are kept, unmatched. */
const signalBySignalType: ReadonlyMap<string, string> = new Map([
  ['imagepdq', 'pdq'],
  ['videomd5', 'md5'],
]);

/** Statuses StopNCII's own code says "should be deleted by client". */
const deletingStatuses = new Set(['withdrawn', 'deleted']);

/**
 * The envelope of a `FetchHashes` page, checked strictly (a page that is not one is malformed and
 * never half-used); records are checked one by one, leniently, by {@link stopnciiRecordDelta}.
 */
const pageSchema = z.looseObject({
  hashRecords: z.array(z.unknown()).max(1_000_000),
  hasMoreRecords: z.boolean(),
  nextPageToken: z.string().max(8192).nullish(),
  nextSetTimestamp: z.number().finite().nullish(),
});

export type StopnciiPage = z.infer<typeof pageSchema>;

/**
 * Parses a `FetchHashes` body.
 *
 * @throws EngineError `EXCHANGE_PAGE_MALFORMED` for a body that is not JSON (TE#2004's corrupt
 *   200), nests too deep for the parser, or lacks `hashRecords` / `hasMoreRecords`.
 */
export function parseFetchHashesPage(body: string): StopnciiPage {
  return parseJsonPage(body, pageSchema, 'not a FetchHashes page (hashRecords, hasMoreRecords)');
}

/**
 * One StopNCII hash record as a delta keyed `<signal type>:<value>` (Prevail's signal name and
 * normalised value; for a type Prevail cannot match, or a value its type refuses, StopNCII's own
 * type name and the value as sent), or `undefined` for a record with no `hashValue` or
 * `signalType` (it cannot be keyed; counted as skipped).
 *
 * - **Deletes** when `hashStatus` is Withdrawn or Deleted (pytx compares the wrong field and never
 *   deletes), and when the record lists cases and every one of them is Withdrawn or Deleted.
 * - Everything else the record says is kept in `metadata` under StopNCII's names: `hashStatus`,
 *   `caseNumbers` (case → status, for audit), `hashRegions`, `lastModtimestamp`, `CSPFeedbacks`,
 *   unknown fields and enum values (`"Undefined"`, numbers) alike; nothing is dropped for them.
 */
export function stopnciiRecordDelta(raw: unknown): ExchangeDelta | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const record = raw as Record<string, unknown>;
  const { hashValue, signalType } = record;
  if (typeof hashValue !== 'string' || hashValue.trim() === '' || hashValue.length > 65_536) return undefined;
  if (typeof signalType !== 'string' && typeof signalType !== 'number') return undefined;
  const upstreamType = String(signalType);
  const prevailType = signalBySignalType.get(upstreamType.toLowerCase());
  let signal: ExchangeSignal | undefined;
  if (prevailType !== undefined) {
    try {
      signal = { signalType: prevailType, value: signalTypeByName(prevailType).parse(hashValue) };
    } catch {
      signal = undefined;
    }
  }
  const key = signal === undefined ? `${upstreamType}:${hashValue}` : `${signal.signalType}:${signal.value}`;
  if (isWithdrawn(record)) return { key, record: null };
  const { hashValue: _value, ...metadata } = record;
  if (prevailType !== undefined && signal === undefined) metadata.invalidHash = true;
  return { key, record: { signals: signal === undefined ? [] : [signal], metadata } };
}

function isWithdrawn(record: Record<string, unknown>): boolean {
  if (typeof record.hashStatus === 'string' && deletingStatuses.has(record.hashStatus.toLowerCase())) return true;
  const cases = record.caseNumbers;
  if (cases === null || typeof cases !== 'object' || Array.isArray(cases)) return false;
  const statuses = Object.values(cases);
  return (
    statuses.length > 0 &&
    statuses.every((status) => typeof status === 'string' && deletingStatuses.has(status.toLowerCase()))
  );
}
