/**
 * What the wellness module keeps and hands out: media items of a case (references to media, never
 * the media), preferences, exposure limits, reveal records, and the `WellnessRepository` contract
 * that `storage/` implements over SQLite and PostgreSQL.
 */

/** Where a case item's media is: a platform URL registered on the event, or a preserved evidence item. */
export type MediaOrigin = 'url' | 'evidence';
/** What a media item is, as the event declared it (`image` when it did not say). */
export type MediaKind = 'image' | 'video';

/**
 * One media item of a case as the console lists it (contract D). `id` is opaque, stable for the
 * same source in the same case, and not derivable without the server's secret (an HMAC), so an id
 * seen in one case opens nothing in another. `harm` is what the warning screen names before any
 * reveal: the bank category of the match, and the typology of the case.
 */
export interface MediaItem {
  readonly id: string;
  readonly caseId: number;
  readonly kind: MediaKind;
  readonly harm: { readonly category: string | null; readonly typology: string | null };
  readonly origin: MediaOrigin;
}

/** Where the bytes of a media item are (kept server-side; never sent to the browser). */
export type MediaSource =
  | { readonly origin: 'url'; readonly url: string }
  | { readonly origin: 'evidence'; readonly evidenceId: string };

/** A listed item with its source, as the service resolves an id. */
export interface ResolvedMedia extends MediaItem {
  readonly source: MediaSource;
  /** The timeline entry it came from (`event:<id>`). */
  readonly ref: string;
}

/**
 * How a person sees media. Organisation defaults (`settings.manage`) and per-person overrides
 * merge field by field (`warningScreens` key by key); see `preferences.ts` for bounds and defaults.
 */
export interface WellnessPreferences {
  /** Gaussian blur sigma in pixels of the rendition (3–60; default 16, strong at 320 px). Never 0: renditions are always blurred. */
  readonly blurSigma: number;
  readonly greyscale: boolean;
  /** Videos start muted (the console has no audio track to play anyway: renditions are stills). */
  readonly muteVideo: boolean;
  /**
   * Whether a warning screen comes before a reveal, per harm: keys are a bank category or a
   * typology, `*` the default. The category's key wins, then the typology's, then `*`.
   */
  readonly warningScreens: Readonly<Record<string, boolean>>;
  /** How long a revealed item stays clear before the console re-blurs it (3–60 s; default 10). */
  readonly revealSeconds: number;
  /** Longest side of a rendition in pixels (64–640; default 320). */
  readonly renditionSize: number;
}

/** A warn (soft) and a stop (hard) threshold. */
export interface Threshold {
  readonly warn: number;
  readonly stop: number;
}

/** Organisation exposure limits per person (counted from reveals; days and ISO weeks in UTC). */
export interface ExposureLimits {
  readonly itemsPerDay: Threshold;
  readonly secondsPerDay: Threshold;
  readonly itemsPerWeek: Threshold;
  readonly secondsPerWeek: Threshold;
}

/** One reveal as stored (`media_reveals`): what later tells NCMEC truthfully whether a file was viewed. */
export interface RevealRecord {
  readonly id: number;
  readonly login: string;
  readonly caseId: number;
  readonly itemId: string;
  readonly revealedAt: string;
  /** When the single-use link stops working. */
  readonly expiresAt: string;
  /** The reveal time granted (the person's `revealSeconds`). */
  readonly seconds: number;
  /** When the clear image was served; null while it was not (then the file was not viewed). */
  readonly servedAt: string | null;
}

/** What a reveal inserts. `tokenDigest` is the SHA-256 of the link's random token (the token itself is never stored). */
export type NewReveal = Omit<RevealRecord, 'id' | 'servedAt'> & { readonly tokenDigest: string };

/** Stored settings: the organisation's (`org`) or a person's (`person:<login>`), as JSON values. */
export type SettingsScope = 'org' | `person:${string}`;

/**
 * The wellness store. Storage keeps values only; the service decides (bounds, merges, budgets).
 */
export interface WellnessRepository {
  /** The stored JSON of a scope (preferences or limits), or undefined. */
  getSettings(scope: SettingsScope, name: 'preferences' | 'limits'): Promise<unknown>;
  putSettings(
    scope: SettingsScope,
    name: 'preferences' | 'limits',
    value: unknown,
    at: string,
    by: string,
  ): Promise<void>;
  addReveal(reveal: NewReveal): Promise<RevealRecord>;
  /**
   * Marks the reveal with this token digest served at `at`, only if it was not served and has not
   * expired (one compare-and-set: two concurrent uses serve once). Returns the record when this
   * call served it, else undefined; `findReveal` tells why.
   */
  serveReveal(tokenDigest: string, at: string): Promise<RevealRecord | undefined>;
  findReveal(tokenDigest: string): Promise<RevealRecord | undefined>;
  /** A person's reveals at or after `since` (ISO), oldest first. */
  revealsOf(login: string, since: string): Promise<RevealRecord[]>;
  /** Every reveal at or after `since` and before `until` (for the aggregate; the service drops who). */
  revealsBetween(since: string, until: string): Promise<RevealRecord[]>;
  /** Whether any reveal of the item in the case was served. */
  wasServed(caseId: number, itemId: string): Promise<boolean>;
}
