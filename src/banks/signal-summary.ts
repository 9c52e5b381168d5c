import { createHash } from 'node:crypto';

/**
 * Longest signal value (in characters) that answers about bank content show in full. A PDQ
 * hash, an MD5 or a SHA-256 is at most 64 characters; a video's vPDQ grows about 80 characters a
 * sampled second and a `tmk_pdqf` value is always 351,128. Listing a page of 1,000 items with
 * their TMK+PDQF would answer 351 MB, so longer values are summarised (`SignalSummary`) and the
 * whole value is given only where it is asked for: one item's signals
 * (`GET /v1/content/<id>/signals`, `prevail bank signals <id>`), exports and exchange feeds.
 */
export const largestShownSignalLength = 4096;

/** What an answer about content says of a value longer than `largestShownSignalLength`. */
export interface SignalSummary {
  /** SHA-256 (hex) of the value's text as stored (UTF-8): tells two values apart, or one equal to a file's. */
  readonly valueSha256: string;
  /** Length of the value's text in bytes (UTF-8). */
  readonly valueBytes: number;
}

/** An item's signals as answers about content show them: short values in full, long ones summarised. */
export interface SummarisedSignals {
  /** Signal type → value, for every value of at most `largestShownSignalLength` characters. */
  readonly signals: Record<string, string>;
  /** Signal type → summary, for every longer value (`{}` when none). */
  readonly largeSignals: Record<string, SignalSummary>;
}

/**
 * Splits an item's signals into those shown in full and those summarised (see
 * `largestShownSignalLength`). Every answer about content (the `/v1` API, `prevail bank show`
 * and `bank add`) goes through here, so one rule decides which values are too long to show.
 */
export function summariseSignals(signals: Readonly<Record<string, string>>): SummarisedSignals {
  const shown: Record<string, string> = {};
  const large: Record<string, SignalSummary> = {};
  for (const [type, value] of Object.entries(signals)) {
    if (value.length <= largestShownSignalLength) {
      shown[type] = value;
      continue;
    }
    const bytes = Buffer.from(value, 'utf8');
    large[type] = { valueSha256: createHash('sha256').update(bytes).digest('hex'), valueBytes: bytes.byteLength };
  }
  return { signals: shown, largeSignals: large };
}
