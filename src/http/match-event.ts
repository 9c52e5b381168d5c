import type { IngestResult, OpenedEngine } from '../engine/index.js';
import { type EventMedia, type Match, type MatchSource, mediaMatchedEvent } from '../matching/index.js';

/**
 * Feeds a lookup's actionable matches to the signals engine as one `media.matched` event (built
 * by `mediaMatchedEvent`, the one owner of that shape), so that rules see the match together with
 * the same accounts' sessions, chats and payments. Nothing is sent — and undefined is returned —
 * when the engine does not run, nothing matched, or the caller named no `entities` (a lookup
 * about nobody counts for no one).
 *
 * A lookup by URL names that URL as the event's `data.media`, so that the review console can show
 * the media of the case (fetched again, under the same URL policy, only when a reviewer opens it);
 * a matched upload kept in the evidence vault names its evidence item instead.
 *
 * `wait: true` answers with the event's verdict (`/v1/match`); otherwise it resolves once the
 * event is durable in the log, without waiting for the rules.
 */
export async function ingestMatchEvent(
  engine: OpenedEngine | undefined,
  input: {
    readonly entities: unknown;
    readonly matches: readonly Match[];
    readonly signals: Readonly<Record<string, string | undefined>>;
    readonly source: MatchSource;
    /** Where a reviewer can see the media (the URL that was matched), carried as `data.media`. */
    readonly media?: EventMedia;
  },
  options: { readonly wait: boolean },
): Promise<IngestResult | undefined> {
  if (engine === undefined || input.matches.length === 0 || input.entities === undefined) return undefined;
  const [result] = await engine.engine.ingest([mediaMatchedEvent(input)], { wait: options.wait });
  return result;
}
