import { defineTypologies, type TypologyDefinition } from '../../typologies/index.js';

/**
 * The chat pack's typologies. Names are storage keys, and the case trait `typology` that queue
 * routing reads (`queues.yaml`: `when: { typology: [chat_minor_to_minor] }` gives minor↔minor
 * cases their own queue). Never rename one.
 */
export const chatTypologyNames = Object.freeze({
  grooming: 'chat_grooming',
  sextortion: 'chat_sextortion',
  metadataRisk: 'chat_metadata_risk',
  minorToMinor: 'chat_minor_to_minor',
});

/**
 * - `chat_grooming`, subject `user` (the adult sender): the grooming rule gives 100 (a case) only
 *   for ≥ 2 families, or one family and strong metadata, with an age gap; a classifier score
 *   alone gives 50 (an alert, no case).
 * - `chat_sextortion`, subject `user` (the sender of the threat): the fast path gives 100, an
 *   urgent case at once.
 * - `chat_metadata_risk`, subject `user`: 20 points per metadata signal once three agree (alert
 *   at 60), a case at five (100). Needs no text.
 * - `chat_minor_to_minor`, subject `dyad`: its own queue, and the CyberTipline
 *   `minorToMinorInteraction` annotation (the label `minor_to_minor_interaction` on the dyad).
 */
export const chatTypologies: readonly TypologyDefinition[] = Object.freeze(
  defineTypologies([
    {
      name: chatTypologyNames.grooming,
      description:
        'grooming: two indicator families (or one and strong metadata) from an adult to a minor with an age gap',
      subject: 'user',
      window: '30d',
      alert_threshold: 50,
      case_threshold: 100,
      case_priority: 'high',
      scoring: 'distinct_rules',
    },
    {
      name: chatTypologyNames.sextortion,
      description: 'sextortion fast path: a new contact threatens exposure and asks for payment or sets a deadline',
      subject: 'user',
      window: '7d',
      alert_threshold: 100,
      case_threshold: 100,
      case_priority: 'urgent',
      scoring: 'distinct_rules',
    },
    {
      name: chatTypologyNames.metadataRisk,
      description:
        'contact pattern without text: adult fan-out to minors, new contacts, new account, reports, late night, asymmetry, gifts',
      subject: 'user',
      window: '30d',
      alert_threshold: 60,
      case_threshold: 100,
      case_priority: 'high',
      scoring: 'distinct_rules',
    },
    {
      name: chatTypologyNames.minorToMinor,
      description: 'two minors: indicator families between them (own queue; minorToMinorInteraction when reported)',
      subject: 'dyad',
      window: '30d',
      alert_threshold: 100,
      case_threshold: 100,
      case_priority: 'medium',
      scoring: 'distinct_rules',
    },
  ]),
);
