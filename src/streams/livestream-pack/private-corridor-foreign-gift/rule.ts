import { z } from 'zod';
import { defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { sessionFeatureNames } from '../features.js';
import { livestreamSources, scoreViewerAndHost } from '../rule-support.js';

const configSchema = z.strictObject({
  /** A session counts as private when at most this many viewers joined it (and it declared no more). */
  maxViewers: z.number().int().min(1).max(10),
  /** Fires from this gift in the session on (1: the first gift). */
  minGifts: z.number().int().min(1).max(100),
  /** Points to each typology (viewer and host). */
  points: z.number().positive().max(1000),
});

/**
 * Private 1-to-1 stream from a high-risk corridor with a paying foreign viewer. Runs on a
 * `gift.sent` that names the session as `stream` (a gift without it says nothing about a
 * session and never fires) and fires when, for that session:
 *
 * - it started `private` or `followers`-only (`session_stream_private_starts_1d` ≥ 1);
 * - its host's country (`session.started.data.country`) is a corridor country of the pack
 *   options (`session_stream_corridor_starts_1d` ≥ 1);
 * - at most `maxViewers` viewers joined it, and `session.started.data.viewer_count`, when given,
 *   was at most `maxViewers` too;
 * - a viewer from another country than the host joined it: the distinct countries of the host
 *   and its viewers (`session_stream_countries_1d`) are at least 2. Exact, since the corridor
 *   test guarantees the host's country is among them;
 * - this is at least the `minGifts`-th gift in it.
 *
 * Approximation: "the foreign viewer" and "the gift's sender" are not checked to be the same
 * account; with at most two viewers they nearly always are.
 *
 * Effects: points to the sender's `livestream_paying_viewer` score and to the recipient's
 * `livestream_host_at_risk` score. It fires on every qualifying gift; the typologies count a
 * rule once, so repeated gifts do not add up.
 */
export const privateCorridorForeignGift = defineBuiltinRule({
  id: 'session_private_corridor_foreign_gift',
  version: 1,
  description: 'A gift in a private one-to-one session hosted from a high-risk corridor, with a viewer from elsewhere',
  events: ['gift.sent'],
  configSchema,
  defaultConfig: { maxViewers: 2, minGifts: 1, points: 40 },
  evaluate(context, config) {
    if (context.event.entities.stream === undefined) return { fired: false };
    const names = sessionFeatureNames;
    const privateStarts = featureValue(context, names.streamPrivateStarts);
    const corridorStarts = featureValue(context, names.streamCorridorStarts);
    const viewers = featureValue(context, names.streamViewers);
    const declared = featureValue(context, names.streamDeclaredViewers);
    const countries = featureValue(context, names.streamCountries);
    const gifts = featureValue(context, names.streamGifts);
    if (
      privateStarts === undefined ||
      corridorStarts === undefined ||
      viewers === undefined ||
      countries === undefined ||
      gifts === undefined
    ) {
      return { fired: false };
    }
    const audience = Math.max(viewers, declared ?? 0);
    const fired =
      privateStarts >= 1 &&
      corridorStarts >= 1 &&
      audience <= config.maxViewers &&
      countries >= 2 &&
      gifts >= config.minGifts;
    if (!fired) return { fired: false };
    const reason =
      `gift ${gifts} in a private session with ${audience} viewer${audience === 1 ? '' : 's'} ` +
      `(at most ${config.maxViewers}), hosted from a high-risk corridor country, ` +
      `with a viewer from another country (${livestreamSources.privateCorridor})`;
    return { fired: true, reason, effects: scoreViewerAndHost(config.points, 'recipient') };
  },
});
