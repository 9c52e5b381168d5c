/** Typologies: weighted sets of rules whose points add up per subject, with alert and case thresholds. */

export type { TypologyContribution } from './typology-contribution.js';
export { defineTypologies, parseDuration, type TypologyDefinition } from './typology-definition.js';
export { type Contribution, type ScoreChange, type TypologyAlert, TypologyScores } from './typology-scores.js';
