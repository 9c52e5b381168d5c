import type { TypologyEffect } from '../../rules/index.js';
import { livestreamTypologyNames } from './typologies.js';

/**
 * What the pack's rules share: reading a feature value, the source each reason cites, and the
 * typology effects they add. Kept apart from any one rule so the three cite and score alike.
 */

/**
 * The sources each rule's reason cites: section 4 ("platform-side metadata / behavioural
 * signals") of `notes/livestream-and-grooming.md`, and for corridors the FINTRAC alerts as
 * summarised in `notes/ocse-financial-indicators.md` (F01). The note calls these candidate rule
 * features, not validated ones: hence shadow mode and typologies that need two rules to agree.
 */
export const livestreamSources = Object.freeze({
  privateCorridor:
    'source: livestream note §4 "1-to-1 or very small audience private streams", "calls from high-risk corridors"; corridors FINTRAC-20/25 via OCSE note F01',
  paymentThenSession:
    'source: livestream note §4 "session start shortly after an incoming gift/payment", "payment followed by call within minutes"',
  repeatedShortSessions: 'source: livestream note §4 "repeated short sessions with the same foreign counterpart"',
});

/**
 * The two typology effects of a hit: `points` to the viewer's score and to the host's.
 * `hostRole` is the event role naming the host when it is not `host` (a gift's `recipient`).
 */
export function scoreViewerAndHost(points: number, hostRole = 'host'): TypologyEffect[] {
  return [
    { kind: 'typology', typology: livestreamTypologyNames.payingViewer, points },
    {
      kind: 'typology',
      typology: livestreamTypologyNames.hostAtRisk,
      points,
      ...(hostRole === 'host' ? {} : { subject: hostRole }),
    },
  ];
}

/** Whole minutes in `milliseconds`, rounded down, for reasons. */
export function wholeMinutes(milliseconds: number): number {
  return Math.floor(milliseconds / 60_000);
}
