import { defineTypologies, type TypologyDefinition } from '../../typologies/index.js';

/**
 * The pack's two typologies. A live session has two people in it with different next steps, so
 * the same hits are scored twice:
 *
 * - `livestream_paying_viewer`, subject `user` (the viewer: the `user` of `gift.sent` and
 *   `stream.viewer_joined`): the possible remote offender, whose case may lead to a CyberTipline
 *   or financial-intelligence report.
 * - `livestream_host_at_risk`, subject `host` (the host: `host` of `stream.viewer_joined`; a
 *   gift's `recipient`, named per effect): protective. The host may be a child or a trafficked
 *   person streamed by a facilitator, or the facilitator; the review is about safeguarding,
 *   not about sanctioning the account.
 *
 * Names are storage keys: never rename one.
 */
export const livestreamTypologyNames = Object.freeze({
  payingViewer: 'livestream_paying_viewer',
  hostAtRisk: 'livestream_host_at_risk',
});

/**
 * Both typologies use `distinct_rules` scoring: each rule counts once (its largest contribution
 * in the 30-day window), however often it fires. With the default points (40, 35, 30) and an
 * alert at 60, no rule alerts alone and any two together do; a case opens at 100, when all three
 * agree. The livestream note calls these signals candidates, not validated: two independent
 * ones must agree before a person is asked to look.
 */
export const livestreamTypologies: readonly TypologyDefinition[] = Object.freeze(
  defineTypologies([
    {
      name: livestreamTypologyNames.payingViewer,
      description:
        'a viewer who pays hosts of private, one-to-one sessions (corridor, payment-then-session, repeated short sessions)',
      subject: 'user',
      window: '30d',
      alert_threshold: 60,
      case_threshold: 100,
      case_priority: 'high',
      scoring: 'distinct_rules',
    },
    {
      name: livestreamTypologyNames.hostAtRisk,
      description: 'a host whose private sessions look paid for by one remote viewer: protective review',
      subject: 'host',
      window: '30d',
      alert_threshold: 60,
      case_threshold: 100,
      case_priority: 'high',
      scoring: 'distinct_rules',
    },
  ]),
);
