import type { EngineEvent } from '../../events/index.js';
import { defineFeatures, type FeatureDefinition, type FeatureSpec } from '../../features/index.js';
import type { LivestreamPackOptions } from './pack-options.js';

/**
 * The names of the pack's features, for its rules to read. Names are storage keys (snapshots and
 * rule hits refer to them): never rename a released one. Every name starts with `session_`, the
 * pack's prefix, then the entity it is kept for (`stream`, `viewer`, `host`).
 */
export const sessionFeatureNames = Object.freeze({
  /** Per stream: when its `session.started` arrived (Unix ms; all-time first_seen). */
  streamStartedAt: 'session_stream_started_at',
  /** Per stream: `session.started` events with visibility private or followers (0 or 1). */
  streamPrivateStarts: 'session_stream_private_starts_1d',
  /** Per stream: `session.started` events whose `data.country` is a corridor country (0 or 1). */
  streamCorridorStarts: 'session_stream_corridor_starts_1d',
  /** Per stream: the viewer count `session.started` declared (`data.viewer_count`; null if none). */
  streamDeclaredViewers: 'session_stream_declared_viewers_1d',
  /** Per stream: distinct viewers who joined it. */
  streamViewers: 'session_stream_viewers_1d',
  /** Per stream: distinct countries of its host (at start) and of its viewers (at join). */
  streamCountries: 'session_stream_countries_1d',
  /** Per stream: gifts sent in it (`gift.sent` naming the stream). */
  streamGifts: 'session_stream_gifts_1d',
  /** Per viewer: when they last sent a gift or a payment (Unix ms; all-time last_seen). */
  viewerLastPaidAt: 'session_viewer_last_paid_at',
  /** Per viewer: distinct platform accounts they sent a gift or a payment to in 2 hours. */
  viewerPaidRecipients: 'session_viewer_paid_recipients_2h',
  /** Per viewer: distinct streams they joined in 7 days. */
  viewerStreams: 'session_viewer_streams_7d',
  /** Per viewer: distinct hosts whose streams they joined in 7 days. */
  viewerHosts: 'session_viewer_hosts_7d',
  /** Per host, read as `host`: when they last received a gift or a payment (Unix ms). */
  hostLastPaidAt: 'session_host_last_paid_at',
  /** Per host, read as `host`: short sessions with exactly one viewer that ended in 7 days. */
  hostShortOneToOneSessions: 'session_host_short_one_to_one_sessions_7d',
});

const isPrivate = (event: EngineEvent): boolean =>
  event.data.visibility === 'private' || event.data.visibility === 'followers';

/**
 * The pack's features for `options`, validated (`defineFeatures`), in the order of
 * `sessionFeatureNames`.
 *
 * Which event carries what (the pack's event contract, see docs/packs/livestream.md):
 * `session.started` has the host as `user`, the session as `stream` and the host's country in
 * `data.country`; `stream.viewer_joined` has the viewer as `user`, the host as `host`, the
 * `stream` and the viewer's country in `data.country`; `gift.sent` has the sender as `user`, the
 * receiver as `recipient` and, when sent during a session, the `stream`; `payment.sent` counts
 * here only when it names the paying platform account as `user` and the paid one as
 * `recipient`; `session.ended` names the host as `user`.
 *
 * Two features are kept under one role and read under another (`readRole`): a host receives
 * money as `recipient` and ends sessions as `user`, but the rules read both when a viewer joins,
 * where the host is `host`. Both roles are of entity type `user`, so it is the same entity.
 *
 * The per-stream features use a 1-day window: a session is assumed to last less than a day.
 * `last_seen` and `first_seen` sit beside windowed features of the same entity type, so an
 * entity keeps them while its windows hold anything (eviction forgets idle entities only).
 */
export function livestreamFeatures(options: LivestreamPackOptions): readonly FeatureSpec[] {
  const corridors: ReadonlySet<string> = new Set(options.corridors);
  const shortSeconds = options.shortSessionMinutes * 60;
  const names = sessionFeatureNames;
  const definitions: FeatureDefinition[] = [
    { name: names.streamStartedAt, entity: 'stream', eventTypes: ['session.started'], aggregate: 'first_seen' },
    {
      name: names.streamPrivateStarts,
      entity: 'stream',
      eventTypes: ['session.started'],
      aggregate: 'count',
      window: '1d',
      filter: isPrivate,
    },
    {
      name: names.streamCorridorStarts,
      entity: 'stream',
      eventTypes: ['session.started'],
      aggregate: 'count',
      window: '1d',
      filter: (event) => typeof event.data.country === 'string' && corridors.has(event.data.country),
    },
    {
      name: names.streamDeclaredViewers,
      entity: 'stream',
      eventTypes: ['session.started'],
      aggregate: 'max',
      field: 'data.viewer_count',
      window: '1d',
    },
    {
      name: names.streamViewers,
      entity: 'stream',
      eventTypes: ['stream.viewer_joined'],
      aggregate: 'distinct',
      field: 'entities.user',
      window: '1d',
    },
    {
      name: names.streamCountries,
      entity: 'stream',
      eventTypes: ['session.started', 'stream.viewer_joined'],
      aggregate: 'distinct',
      field: 'data.country',
      window: '1d',
    },
    { name: names.streamGifts, entity: 'stream', eventTypes: ['gift.sent'], aggregate: 'count', window: '1d' },
    {
      name: names.viewerLastPaidAt,
      entity: 'user',
      eventTypes: ['gift.sent', 'payment.sent'],
      aggregate: 'last_seen',
    },
    {
      name: names.viewerPaidRecipients,
      entity: 'user',
      eventTypes: ['gift.sent', 'payment.sent'],
      aggregate: 'distinct',
      field: 'entities.recipient',
      window: '2h',
    },
    {
      name: names.viewerStreams,
      entity: 'user',
      eventTypes: ['stream.viewer_joined'],
      aggregate: 'distinct',
      field: 'entities.stream',
      window: '7d',
    },
    {
      name: names.viewerHosts,
      entity: 'user',
      eventTypes: ['stream.viewer_joined'],
      aggregate: 'distinct',
      field: 'entities.host',
      window: '7d',
    },
    {
      name: names.hostLastPaidAt,
      entity: 'recipient',
      entityType: 'user',
      readRole: 'host',
      eventTypes: ['gift.sent', 'payment.sent'],
      aggregate: 'last_seen',
    },
    {
      name: names.hostShortOneToOneSessions,
      entity: 'user',
      readRole: 'host',
      eventTypes: ['session.ended'],
      aggregate: 'count',
      window: '7d',
      filter: (event) =>
        typeof event.data.duration_seconds === 'number' &&
        event.data.duration_seconds < shortSeconds &&
        event.data.peak_viewers === 1,
    },
  ];
  return defineFeatures(definitions);
}
