import { z } from 'zod';
import { type BuiltinRule, defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { sessionFeatureNames } from '../features.js';
import { livestreamSources, scoreViewerAndHost } from '../rule-support.js';

const configSchema = z.strictObject({
  /** Short one-viewer sessions the host ended in 7 days, and streams of it the viewer joined. */
  minShortSessions: z.number().int().min(2).max(50),
  /** The viewer joined at most this many distinct hosts in 7 days (1: only this one). */
  maxHostsPerViewer: z.number().int().min(1).max(5),
  /** Points to each typology (viewer and host). */
  points: z.number().positive().max(1000),
});

/** The rule's id: a storage key, never renamed. */
export const repeatedShortOneToOneId = 'session_repeated_short_one_to_one';

/**
 * Repeated short sessions with one counterpart. Runs on `stream.viewer_joined` (viewer V as
 * `user`, host H as `host`) and fires when, in the last 7 days:
 *
 * - H ended at least `minShortSessions` sessions shorter than `shortSessionMinutes` (a pack
 *   option, default 15) with exactly one viewer (`session.ended.data.peak_viewers` = 1;
 *   `session_host_short_one_to_one_sessions_7d`, kept as `user`, read as `host`);
 * - V joined at least `minShortSessions` distinct streams (`session_viewer_streams_7d`, this one
 *   included) and at most `maxHostsPerViewer` distinct hosts (`session_viewer_hosts_7d`): with
 *   the default 1, every stream V joined was H's.
 *
 * Approximation: no feature is kept per (host, viewer) pair, so "the same viewer was the only
 * viewer of those short sessions" is inferred: V joined only H's sessions, as many of them as H
 * had short one-viewer sessions. It cannot over-count a viewer who watches several hosts (they
 * are left out), and it misses them too. Sessions without `peak_viewers` are not counted.
 *
 * Effects: points to V's `livestream_paying_viewer` and H's `livestream_host_at_risk` scores.
 *
 * @param shortSessionMinutes the pack option its feature counts with; only the reason uses it.
 */
export function createRepeatedShortOneToOne(shortSessionMinutes: number): BuiltinRule {
  return defineBuiltinRule({
    id: repeatedShortOneToOneId,
    version: 1,
    description: 'A viewer who joins only one host, whose recent sessions are short and one-to-one',
    events: ['stream.viewer_joined'],
    configSchema,
    defaultConfig: { minShortSessions: 3, maxHostsPerViewer: 1, points: 30 },
    evaluate(context, config) {
      const names = sessionFeatureNames;
      const shortSessions = featureValue(context, names.hostShortOneToOneSessions);
      const streams = featureValue(context, names.viewerStreams);
      const hosts = featureValue(context, names.viewerHosts);
      if (shortSessions === undefined || streams === undefined || hosts === undefined) return { fired: false };
      const fired =
        shortSessions >= config.minShortSessions &&
        streams >= config.minShortSessions &&
        hosts >= 1 &&
        hosts <= config.maxHostsPerViewer;
      if (!fired) return { fired: false };
      const reason =
        `host ended ${shortSessions} sessions shorter than ${shortSessionMinutes} min with exactly one viewer in 7 days; ` +
        `this viewer joined ${streams} streams in 7 days, ` +
        `${hosts === 1 ? "all of them this host's" : `of ${hosts} hosts`} ` +
        `(${livestreamSources.repeatedShortSessions})`;
      return { fired: true, reason, effects: scoreViewerAndHost(config.points) };
    },
  });
}
