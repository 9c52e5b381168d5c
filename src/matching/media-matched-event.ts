import { randomUUID } from 'node:crypto';
import type { Match, MatchProvenance } from './match-types.js';

/**
 * Where the matched media came from, as `data.source` of the event says it, so that rules can
 * tell a live-stream frame from media a caller sent:
 * - `api`: `POST /v1/match` (an upload, a URL or hashes), with `entities`;
 * - `hma`: an HMA-compatible `/m/lookup` given Prevail's `entities` parameter;
 * - `stream`: a sampled frame of a watched live stream (or video), at `frameTimestamp` seconds of
 *   stream time.
 */
export type MatchSource =
  | { readonly kind: 'api' }
  | { readonly kind: 'hma' }
  | { readonly kind: 'stream'; readonly frameTimestamp: number };

/** One match as a `media.matched` event carries it: what rules see (`matches[i]`). */
export interface EventMatch {
  readonly bank: string;
  readonly contentId: number;
  readonly signalType: string;
  readonly distance: number;
  /** The exchange that fetched the matched item (absent for items added any other way). */
  readonly exchange?: string;
}

/**
 * Where a reviewer can see the matched media (the event's `data.media`): a platform URL, or a
 * preserved evidence item (`evidenceId`: a matched stream frame, or a matched upload to
 * `/v1/match` or HMA `POST /m/lookup` when evidence preservation is on; `kind` says image or
 * video). The event keeps the reference, never the media: the bytes stay in the encrypted vault.
 */
export interface EventMedia {
  readonly url?: string;
  readonly evidenceId?: string;
  readonly kind?: 'image' | 'video';
}

/**
 * A `media.matched` event, ready for the signals engine's ingestion. `Entities` is the caller's
 * `entities` as given: the engine validates it (a stream's are always role → id strings).
 */
export interface MediaMatchedEvent<Entities = Readonly<Record<string, string>>> {
  readonly id: string;
  readonly type: 'media.matched';
  readonly time: string;
  readonly entities: Entities;
  readonly data: {
    readonly matches: readonly EventMatch[];
    /** The looked-up signal values (`pdq`, `md5`, `sha256`); a stream frame's also `frame_timestamp`. */
    readonly signals: Readonly<Record<string, string | number>>;
    readonly source: MatchSource['kind'];
    /** Where the review console can show the media (absent: nowhere; only hashes are known). */
    readonly media?: EventMedia;
  };
}

const idPrefixes: Readonly<Record<MatchSource['kind'], string>> = {
  api: 'match',
  hma: 'hma-match',
  stream: 'stream-match',
};

/**
 * The one place a match becomes an event: the `media.matched` event for the matches of one
 * lookup, about `entities`, whichever route, stream or command looked it up. `data.matches` holds
 * each match's bank, content id, signal type and distance, and for an item an exchange fetched the
 * exchange's name (nothing else: the upstream key and metadata stay in the banks); `data.signals` the looked-up values given (undefined ones left out) and, for a stream
 * frame, `frame_timestamp` (seconds, to the millisecond); `data.source` where the media came from;
 * `data.media`, when given, where a reviewer can see it (a platform URL, or the evidence item a
 * matched frame or upload was kept as).
 * The id is new each time (`match-…`, `hma-match-…`, `stream-match-…`).
 *
 * @example
 * mediaMatchedEvent({ entities: { user: 'u1' }, matches, signals: { md5 }, source: { kind: 'api' } })
 */
export function mediaMatchedEvent<Entities>(input: {
  readonly entities: Entities;
  readonly matches: readonly (Pick<Match, keyof Omit<EventMatch, 'exchange'>> & {
    readonly provenance?: Pick<MatchProvenance, 'upstream'>;
  })[];
  readonly signals: Readonly<Record<string, string | undefined>>;
  readonly source: MatchSource;
  readonly time?: Date;
  readonly media?: EventMedia;
}): MediaMatchedEvent<Entities> {
  const signals: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(input.signals)) if (value !== undefined) signals[name] = value;
  if (input.source.kind === 'stream') signals.frame_timestamp = Math.round(input.source.frameTimestamp * 1000) / 1000;
  return {
    id: `${idPrefixes[input.source.kind]}-${randomUUID()}`,
    type: 'media.matched',
    time: (input.time ?? new Date()).toISOString(),
    entities: input.entities,
    data: {
      matches: input.matches.map((match) => ({
        bank: match.bank,
        contentId: match.contentId,
        signalType: match.signalType,
        distance: match.distance,
        ...(match.provenance?.upstream !== undefined ? { exchange: match.provenance.upstream.exchange } : {}),
      })),
      signals,
      source: input.source.kind,
      ...(input.media !== undefined ? { media: input.media } : {}),
    },
  };
}
