/**
 * The indicator families Prevail ships lexicons and rules for: the non-sexual families of the
 * chat-signals taxonomy (`../shared/notes/chat-signals.md` §4). Anything else an operator needs
 * is loaded as their own private lexicon bank under a family name of theirs (`custom:<name>`).
 *
 * Family names are storage keys (events, features, rules, lexicon files): never rename one.
 */
export const indicatorFamilies = [
  /** Keep the chat between the two; do your parents check your phone; don't tell anyone. */
  'secrecy',
  /** Move to another app (often an encrypted or disappearing-message one); share a handle. */
  'platform_move',
  /** Age, school, grade, where you live, who is at home. */
  'age_location_probe',
  /** Gifts, money, in-game currency or items offered. */
  'gifts',
  /** Requests for pictures or a camera call, in neutral words. */
  'photo_call_request',
  /** Proposals to meet, rides, addresses, routines. */
  'meeting',
  /** Threats to show something to named friends, family, school or followers. */
  'exposure_threat',
  /** Time pressure: "within the hour", "by tonight". */
  'deadline',
  /** Buy gift cards and send codes, pay a P2P handle or a wallet. */
  'payment_instruction',
  /** Obfuscation: leetspeak, spaced letters, homoglyphs, sudden script switch. */
  'evasion',
] as const;

/** A shipped family, or an operator's own (`custom:<lowercase_name>`). */
export type IndicatorFamily = (typeof indicatorFamilies)[number] | `custom:${string}`;

/** True for a shipped family name or a well-formed `custom:` one. */
export function isIndicatorFamily(value: string): value is IndicatorFamily {
  return (indicatorFamilies as readonly string[]).includes(value) || /^custom:[a-z][a-z0-9_]{0,62}$/.test(value);
}
