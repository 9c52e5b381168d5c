/**
 * Points a rule added to a typology for a subject, with its reason, as the engine records them
 * and reloads them at start to rebuild the scores. The typologies module owns the shape;
 * `storage/` stores it.
 */
export interface TypologyContribution {
  readonly typology: string;
  readonly subject: string;
  readonly ruleId: string;
  readonly eventId: string;
  readonly points: number;
  readonly reason: string;
  readonly time: string;
}
