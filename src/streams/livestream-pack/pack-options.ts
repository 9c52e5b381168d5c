import { z } from 'zod';
import { describeIssues, EngineError } from '../../core/index.js';
import { defaultCorridorCountries } from '../../packs/index.js';

/**
 * The pack-wide settings that shape its features rather than one rule: features are computed
 * before any rule runs and cannot see a rule's configuration, so a threshold that decides which
 * events a feature counts (a country list, a duration) lives here. Rule thresholds that compare
 * feature values live in each rule's own config (`builtin-rules.yaml`).
 *
 * Changing an option changes what a feature counts, so a deployment that changes one should
 * let the feature snapshot rebuild (the engine does when a feature's definition changes).
 */
export const livestreamPackOptionsSchema = z.strictObject({
  /**
   * Host countries (ISO 3166-1 alpha-2) of the high-risk corridors: a session started from one
   * of them counts in `session_stream_corridor_starts_1d`. Default: the shared list (`src/packs/corridors.ts`).
   */
  corridors: z
    .array(z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166-1 alpha-2 country code such as "PH"'))
    .min(1)
    .max(250)
    .refine((countries) => new Set(countries).size === countries.length, 'must not list a country twice'),
  /** A session that ended before this many minutes counts as short. Default 15. */
  shortSessionMinutes: z.number().int().min(1).max(240),
});

/** The validated pack options. */
export type LivestreamPackOptions = z.output<typeof livestreamPackOptionsSchema>;

/** The options the default pack (`livestreamPack`) is built with. */
export const defaultLivestreamPackOptions: Readonly<LivestreamPackOptions> = Object.freeze({
  corridors: [...defaultCorridorCountries],
  shortSessionMinutes: 15,
});

/**
 * Merges `overrides` onto the defaults and validates the result.
 *
 * @throws EngineError CONFIG_INVALID naming each bad field.
 */
export function parseLivestreamPackOptions(overrides: unknown = {}): LivestreamPackOptions {
  const input =
    typeof overrides === 'object' && overrides !== null && !Array.isArray(overrides)
      ? { ...defaultLivestreamPackOptions, ...overrides }
      : overrides;
  const parsed = livestreamPackOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, '(options)');
    throw new EngineError('CONFIG_INVALID', `livestream pack options are invalid: ${problems}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
