import { z } from 'zod';
import { describeIssues, EngineError } from '../core/index.js';
import type { ExposureLimits, MediaItem, WellnessPreferences } from './wellness-records.js';

/**
 * The built-in defaults, from the Tech Coalition guidebook and the review notes (§3): strong blur,
 * greyscale on, muted video, a warning screen before every reveal, 10 s of reveal, small renditions.
 */
export const defaultPreferences: WellnessPreferences = {
  blurSigma: 16,
  greyscale: true,
  muteVideo: true,
  warningScreens: { '*': true },
  revealSeconds: 10,
  renditionSize: 320,
};

/** The built-in exposure limits per person (days and ISO weeks in UTC). */
export const defaultLimits: ExposureLimits = {
  itemsPerDay: { warn: 30, stop: 40 },
  secondsPerDay: { warn: 300, stop: 400 },
  itemsPerWeek: { warn: 120, stop: 160 },
  secondsPerWeek: { warn: 1200, stop: 1600 },
};

const harmKey = z.string().min(1).max(100);

/** A partial preferences object as a person or the organisation sends it (unknown fields refused). */
export const preferencesPatch = z.strictObject({
  blurSigma: z.number().min(3).max(60).optional(),
  greyscale: z.boolean().optional(),
  muteVideo: z.boolean().optional(),
  warningScreens: z.record(harmKey, z.boolean()).optional(),
  revealSeconds: z.number().int().min(3).max(60).optional(),
  renditionSize: z.number().int().min(64).max(640).optional(),
});
export type PreferencesPatch = z.infer<typeof preferencesPatch>;

const threshold = z
  .strictObject({ warn: z.number().int().nonnegative(), stop: z.number().int().positive() })
  .refine((value) => value.warn <= value.stop, 'warn must not be above stop');

/** Exposure limits as the organisation sends them (each field optional; absent = unchanged). */
export const limitsPatch = z.strictObject({
  itemsPerDay: threshold.optional(),
  secondsPerDay: threshold.optional(),
  itemsPerWeek: threshold.optional(),
  secondsPerWeek: threshold.optional(),
});
export type LimitsPatch = z.infer<typeof limitsPatch>;

/**
 * Validates a preferences patch (a request body, or a stored value read back).
 * @throws EngineError REQUEST_INVALID naming each problem.
 */
export function parsePreferences(value: unknown): PreferencesPatch {
  const result = preferencesPatch.safeParse(value ?? {});
  if (!result.success) throw new EngineError('REQUEST_INVALID', describeIssues(result.error.issues, 'the body'));
  return result.data;
}

/**
 * Validates an exposure-limits patch.
 * @throws EngineError REQUEST_INVALID naming each problem.
 */
export function parseLimits(value: unknown): LimitsPatch {
  const result = limitsPatch.safeParse(value ?? {});
  if (!result.success) throw new EngineError('REQUEST_INVALID', describeIssues(result.error.issues, 'the body'));
  return result.data;
}

/** The effective preferences: built-in defaults, then the organisation's, then the person's (warning screens key by key). */
export function mergePreferences(...layers: readonly PreferencesPatch[]): WellnessPreferences {
  let merged: WellnessPreferences = defaultPreferences;
  for (const layer of layers) {
    const { warningScreens, ...rest } = layer;
    const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined));
    merged = {
      ...merged,
      ...defined,
      warningScreens: { ...merged.warningScreens, ...(warningScreens ?? {}) },
    };
  }
  return merged;
}

/** The effective limits: built-in defaults, then the organisation's. */
export function mergeLimits(patch: LimitsPatch): ExposureLimits {
  const defined = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
  return { ...defaultLimits, ...defined };
}

/**
 * Whether a warning screen comes before revealing an item of this harm: the category's key, then
 * the typology's, then `*` (true when none is set: warn unless told not to).
 */
export function warnsBefore(preferences: WellnessPreferences, harm: MediaItem['harm']): boolean {
  const screens = preferences.warningScreens;
  if (harm.category !== null && screens[harm.category] !== undefined) return screens[harm.category] === true;
  if (harm.typology !== null && screens[harm.typology] !== undefined) return screens[harm.typology] === true;
  return screens['*'] ?? true;
}
