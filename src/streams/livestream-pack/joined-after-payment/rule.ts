import { z } from 'zod';
import { defineBuiltinRule, featureValue } from '../../../rules/index.js';
import { sessionFeatureNames } from '../features.js';
import { livestreamSources, scoreViewerAndHost, wholeMinutes } from '../rule-support.js';

const configSchema = z.strictObject({
  /**
   * The payment is at most this long before the session started (or after it, before the
   * join), and the viewer joins at most this long after the start. At most 60: the viewer's
   * recipients are counted over 2 hours, which covers twice this.
   */
  withinMinutes: z.number().int().min(1).max(60),
  /** Only private or followers-only sessions (public streams with tipping fans are ordinary). */
  privateOnly: z.boolean(),
  /** The viewer paid at most this many distinct accounts in the last 2 hours. */
  maxRecentRecipients: z.number().int().min(1).max(10),
  /** Points to each typology (viewer and host). */
  points: z.number().positive().max(1000),
});

function relativeToStart(timeMs: number, startMs: number): string {
  return timeMs <= startMs
    ? `${wholeMinutes(startMs - timeMs)} min before it started`
    : `${wholeMinutes(timeMs - startMs)} min after it started`;
}

/**
 * A session starting minutes after a payment between the same accounts. Runs on
 * `stream.viewer_joined` (viewer V as `user`, host H as `host`) and fires when, with W =
 * `withinMinutes` and S the session's start (`session_stream_started_at`):
 *
 * - V joins at most W after S;
 * - V's last gift or payment (`session_viewer_last_paid_at`) and H's last gift or payment
 *   received (`session_host_last_paid_at`, kept as `recipient`, read as `host`) both fall
 *   between W before S and the join;
 * - V paid at most `maxRecentRecipients` distinct accounts in 2 hours
 *   (`session_viewer_paid_recipients_2h`);
 * - with `privateOnly`, the session is private or followers-only.
 *
 * Approximation: features are kept per entity, not per pair, so "V paid H" is inferred: V paid
 * someone, H was paid by someone, both in the same minutes, and V paid nobody else (default 1
 * recipient). When both times are the same instant the reason says so (almost surely one
 * payment). A payment counts when it names the paying and paid platform accounts as `user` and
 * `recipient` (the payment service resolves H's payment account to H).
 *
 * Effects: points to V's `livestream_paying_viewer` and H's `livestream_host_at_risk` scores.
 */
export const joinedAfterPayment = defineBuiltinRule({
  id: 'session_joined_after_payment',
  version: 1,
  description: 'A viewer joins a session that started minutes after they paid its host',
  events: ['stream.viewer_joined'],
  configSchema,
  defaultConfig: { withinMinutes: 30, privateOnly: true, maxRecentRecipients: 1, points: 35 },
  evaluate(context, config) {
    const names = sessionFeatureNames;
    const startMs = featureValue(context, names.streamStartedAt);
    const viewerPaidMs = featureValue(context, names.viewerLastPaidAt);
    const hostPaidMs = featureValue(context, names.hostLastPaidAt);
    const recipients = featureValue(context, names.viewerPaidRecipients);
    if (startMs === undefined || viewerPaidMs === undefined || hostPaidMs === undefined || recipients === undefined) {
      return { fired: false };
    }
    if (config.privateOnly && (featureValue(context, names.streamPrivateStarts) ?? 0) < 1) return { fired: false };
    const joinMs = context.event.timeMs;
    const withinMs = config.withinMinutes * 60_000;
    const inWindow = (timeMs: number) => timeMs >= startMs - withinMs && timeMs <= joinMs;
    const fired =
      joinMs >= startMs &&
      joinMs - startMs <= withinMs &&
      inWindow(viewerPaidMs) &&
      inWindow(hostPaidMs) &&
      recipients <= config.maxRecentRecipients;
    if (!fired) return { fired: false };
    const reason =
      `viewer joined ${wholeMinutes(joinMs - startMs)} min after the session started; ` +
      `the viewer last paid ${relativeToStart(viewerPaidMs, startMs)} and the host was last paid ` +
      `${relativeToStart(hostPaidMs, startMs)}${viewerPaidMs === hostPaidMs ? ' (the same instant)' : ''}; ` +
      `the viewer paid ${recipients} account${recipients === 1 ? '' : 's'} in 2 hours ` +
      `(window ${config.withinMinutes} min; ${livestreamSources.paymentThenSession})`;
    return { fired: true, reason, effects: scoreViewerAndHost(config.points) };
  },
});
