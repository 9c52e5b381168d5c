import { createHash, randomBytes } from 'node:crypto';
import { type AuditAction, checkReason } from '../audit/index.js';
import type { CaseTimelineEntry } from '../cases/index.js';
import { type FetchPolicy, fetchUrl } from '../content/index.js';
import { EngineError } from '../core/index.js';
import type { EvidenceVault } from '../evidence/index.js';
import { can, type Permission, type Person, personActor } from '../people/index.js';
import {
  type AggregateDay,
  aggregateDays,
  dayStart,
  type ExposureReport,
  exposureOf,
  isoWeekStart,
} from './exposure.js';
import { type CategoryLookup, caseOfItemId, listCaseMedia, type MediaCaseHints, sameItemId } from './media-items.js';
import { mergeLimits, mergePreferences, type PreferencesPatch, parseLimits, parsePreferences } from './preferences.js';
import { type DecodeBounds, type DecodedMedia, decodeMedia, renderRendition, renderReveal } from './renditions.js';
import type {
  ExposureLimits,
  MediaItem,
  ResolvedMedia,
  RevealRecord,
  WellnessPreferences,
  WellnessRepository,
} from './wellness-records.js';

/** Where the service's audit entries go (`AuditLog` satisfies it). */
export interface WellnessAudit {
  record(...actions: AuditAction[]): Promise<unknown>;
}

export interface WellnessServiceOptions {
  readonly repository: WellnessRepository;
  readonly audit: WellnessAudit;
  /** At least 32 bytes: keys the item ids (see `PREVAIL_CONSOLE_SECRET` in `src/config/`). */
  readonly secret: Uint8Array;
  /** A case's timeline (unaudited: the case view that listed the items was audited), or undefined for no such case. */
  readonly timelineOf: (caseId: number) => Promise<readonly CaseTimelineEntry[] | undefined>;
  /** The policy URL media are fetched under: the server's own (`HttpConfig.fetchPolicy`). */
  readonly fetchPolicy: FetchPolicy;
  /** The evidence vault, when preservation is on (evidence media are unavailable without it). */
  readonly evidence?: EvidenceVault;
  /** A bank item's category, for matches whose event carries none. */
  readonly categoryOf?: CategoryLookup;
  /** The names of queues without child-safety material, for rotation suggestions (from `queues/`). */
  readonly rotationQueues?: () => readonly string[] | Promise<readonly string[]>;
  /**
   * Whether the person may see this case (their queue allows it; from `queues/`/`review/`).
   * Absent: the `cases.review` permission alone decides.
   */
  readonly mayAccessCase?: (person: Person, caseId: number) => Promise<boolean>;
  readonly decode?: DecodeBounds;
  /** Where reveal links point (default `/console/api/media/reveal/`). */
  readonly revealPath?: string;
  /** How long a reveal link lives, in milliseconds (default 60 s). */
  readonly revealLinkMs?: number;
  readonly now?: () => number;
}

/** What a reveal hands back (contract D). */
export interface RevealGrant {
  /** The single-use link: `/console/api/media/reveal/<token>`. */
  readonly url: string;
  readonly expiresAt: string;
  /** How long the console shows the clear image before re-blurring it. */
  readonly revealSeconds: number;
}

/** The organisation's settings (`GET/PUT /console/api/wellness/defaults`). */
export interface WellnessDefaults {
  readonly preferences: WellnessPreferences;
  readonly limits: ExposureLimits;
}

const cachedItems = 2000;
const cachedMedia = 8;
const mediaCacheMs = 120_000;
const defaultRevealLinkMs = 60_000;

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function requirePerson(person: Person | undefined): Person {
  if (person === undefined || person.disabled) throw new EngineError('AUTH_REQUIRED', 'sign in to the console first');
  return person;
}

function requirePermission(person: Person, permission: Permission): void {
  if (!can(person, permission)) throw new EngineError('AUTH_FORBIDDEN', `this needs the ${permission} permission`);
}

/**
 * What protects reviewers from what they review.
 *
 * - **Media**: a case's items come from its timeline (`listMedia`); the browser only ever gets
 *   small, blurred, greyscale renditions (`rendition`), decoded server-side from the platform URL
 *   (fetched under the server's URL policy) or from the evidence vault (an audited read).
 * - **Reveal**: an explicit, audited (`media.reveal`), budgeted action granting one short-lived
 *   link; served once (`serveReveal`), watermarked with the reviewer's login; the `media_reveals`
 *   row records whether the file was viewed (`wasViewed`, what an NCMEC report says).
 * - **Wellness**: organisation defaults and personal overrides, the exposure budget with its
 *   warn / stop and rotation suggestion, and the wellness lead's aggregate (never who, what or which case).
 */
export class WellnessService {
  #options: WellnessServiceOptions;
  readonly #items = new Map<string, ResolvedMedia>();
  readonly #media = new Map<string, { at: number; media: Promise<DecodedMedia> }>();

  constructor(options: WellnessServiceOptions) {
    if (options.secret.length < 32)
      throw new EngineError('CONFIG_INVALID', 'the console secret must be at least 32 bytes');
    this.#options = options;
  }

  /**
   * Connects the seams other modules own, when they are built after this service (in
   * `createServices`): the queues without child-safety material for rotation suggestions, and who
   * may see which case. Each given one replaces the current one.
   */
  connect(seams: Pick<WellnessServiceOptions, 'rotationQueues' | 'mayAccessCase'>): void {
    this.#options = { ...this.#options, ...seams };
  }

  /**
   * The media items of a case from its timeline entries (see `listCaseMedia`): references only;
   * nothing is fetched here.
   */
  async listMedia(
    caseId: number,
    entries: readonly CaseTimelineEntry[],
    traits?: MediaCaseHints,
  ): Promise<MediaItem[]> {
    const resolved = await listCaseMedia(this.#options.secret, caseId, entries, {
      ...(traits !== undefined ? { traits } : {}),
      ...(this.#options.categoryOf !== undefined ? { categoryOf: this.#options.categoryOf } : {}),
    });
    for (const item of resolved) this.#remember(item);
    return resolved.map(({ id, caseId: itemCase, kind, harm, origin }) => ({
      id,
      caseId: itemCase,
      kind,
      harm,
      origin,
    }));
  }

  /**
   * What a hotline report names of a case's media: each item with its source (evidence item or
   * URL) and whether a person viewed it — true only when the reveal audit shows a reveal of that
   * item was served (`wasViewed`); granted but never served, or never revealed, is `false`.
   */
  async mediaForReport(
    caseId: number,
    entries: readonly CaseTimelineEntry[],
  ): Promise<(ResolvedMedia & { readonly viewed: boolean })[]> {
    const resolved = await listCaseMedia(this.#options.secret, caseId, entries, {
      ...(this.#options.categoryOf !== undefined ? { categoryOf: this.#options.categoryOf } : {}),
    });
    return Promise.all(resolved.map(async (item) => ({ ...item, viewed: await this.wasViewed(caseId, item.id) })));
  }

  /**
   * A blurred rendition of an item (JPEG): small, blurred and greyscale per the person's
   * preferences; `frame` picks a video's key frame (0, the poster, by default). `kind` is what the
   * bytes turned out to be (an event may say `image` for a video).
   *
   * @throws EngineError `AUTH_REQUIRED`, `AUTH_FORBIDDEN` (no `cases.review`, or not this case's
   *   queue), `MEDIA_NOT_FOUND`, and the fetch and decode errors (`URL_*`, `IMAGE_*`, `VIDEO_*`,
   *   `EVIDENCE_*`).
   */
  async rendition(
    itemId: string,
    who: Person | undefined,
    options: { frame?: number } = {},
  ): Promise<{ jpeg: Buffer; frames: number; item: MediaItem; kind: 'image' | 'video' }> {
    const person = requirePerson(who);
    requirePermission(person, 'cases.review');
    const item = await this.#resolve(itemId, person);
    const media = await this.#load(item, person);
    const still = media.stills[this.#frameIndex(media, options.frame)];
    if (still === undefined) throw new EngineError('MEDIA_NOT_FOUND', `item ${itemId} has no frame ${options.frame}`);
    const preferences = await this.preferences(person);
    return { jpeg: await renderRendition(still, preferences), frames: media.stills.length, item, kind: media.kind };
  }

  /**
   * Grants one reveal of an item: checks `media.reveal` and the exposure budget (at `stop`:
   * `EXPOSURE_LIMIT`), writes the `media.reveal` audit entry (who, item, case, when, seconds),
   * records the reveal, and returns a single-use link valid for 60 s.
   *
   * @throws EngineError `AUTH_REQUIRED`, `AUTH_FORBIDDEN`, `MEDIA_NOT_FOUND`, `EXPOSURE_LIMIT`, `REASON_REQUIRED`.
   */
  async reveal(
    itemId: string,
    who: Person | undefined,
    options: { reason?: string | undefined; frame?: number | undefined } = {},
  ): Promise<RevealGrant> {
    const person = requirePerson(who);
    requirePermission(person, 'media.reveal');
    const item = await this.#resolve(itemId, person);
    const reason = checkReason(options.reason ?? 'revealed to decide the case');
    const exposure = await this.exposure(person);
    if (exposure.status === 'stop') {
      throw new EngineError('EXPOSURE_LIMIT', exposure.suggestion?.message ?? 'the exposure limit is reached');
    }
    const preferences = await this.preferences(person);
    const nowMs = this.#now();
    const revealedAt = new Date(nowMs).toISOString();
    const expiresAt = new Date(nowMs + (this.#options.revealLinkMs ?? defaultRevealLinkMs)).toISOString();
    const frame = options.frame ?? 0;
    const token = `${randomBytes(24).toString('base64url')}.${frame}`;
    await this.#options.audit.record({
      actor: personActor(person),
      action: 'media.reveal',
      subject: `case:${item.caseId}`,
      reason,
      detail: {
        item: item.id,
        case: item.caseId,
        origin: item.origin,
        at: revealedAt,
        seconds: preferences.revealSeconds,
      },
    });
    await this.#options.repository.addReveal({
      tokenDigest: digest(token),
      login: person.login,
      caseId: item.caseId,
      itemId: item.id,
      revealedAt,
      expiresAt,
      seconds: preferences.revealSeconds,
    });
    return {
      url: `${this.#options.revealPath ?? '/console/api/media/reveal/'}${token}`,
      expiresAt,
      revealSeconds: preferences.revealSeconds,
    };
  }

  /**
   * Serves a reveal link once: the clear still, at most 1,024 px, the reviewer's login and the
   * time watermarked across it. Only the person it was granted to may open it.
   *
   * @throws EngineError `AUTH_REQUIRED`, `AUTH_FORBIDDEN` (another person's link), `REVEAL_EXPIRED`
   *   (unknown, used or past its 60 s), and the fetch and decode errors.
   */
  async serveReveal(token: string, who: Person | undefined): Promise<{ jpeg: Buffer; reveal: RevealRecord }> {
    const person = requirePerson(who);
    requirePermission(person, 'media.reveal');
    const tokenDigest = digest(token);
    const found = await this.#options.repository.findReveal(tokenDigest);
    if (found === undefined) throw new EngineError('REVEAL_EXPIRED', 'this reveal link is unknown');
    if (found.login !== person.login)
      throw new EngineError('AUTH_FORBIDDEN', 'this reveal link was granted to someone else');
    const expired = (served: boolean) =>
      new EngineError('REVEAL_EXPIRED', served ? 'this reveal link was used already' : 'this reveal link has expired');
    const servedAt = new Date(this.#now()).toISOString();
    if (found.servedAt !== null || found.expiresAt <= servedAt) throw expired(found.servedAt !== null);
    // The picture is made first and the link marked served only then: a row marked served is a
    // file that was shown (what a report's "viewed" says), never one that failed to load.
    const item = await this.#resolve(found.itemId, person);
    const media = await this.#load(item, person);
    const frame = Number(token.split('.')[1] ?? 0);
    const still = media.stills[this.#frameIndex(media, frame)];
    if (still === undefined) throw new EngineError('MEDIA_NOT_FOUND', `item ${found.itemId} has no frame ${frame}`);
    const jpeg = await renderReveal(still, person.login, servedAt);
    const reveal = await this.#options.repository.serveReveal(tokenDigest, servedAt);
    if (reveal === undefined) throw expired(true);
    return { jpeg, reveal };
  }

  /** Whether a reviewer was served the item in the clear (what `fileViewedByEsp` must say). */
  wasViewed(caseId: number, itemId: string): Promise<boolean> {
    return this.#options.repository.wasServed(caseId, itemId);
  }

  /** The person's effective preferences: built-in defaults, then the organisation's, then theirs. */
  async preferences(who: Person | undefined): Promise<WellnessPreferences> {
    const person = requirePerson(who);
    const [organisation, own] = await Promise.all([
      this.#storedPreferences('org'),
      this.#storedPreferences(`person:${person.login}`),
    ]);
    return mergePreferences(organisation, own);
  }

  /** The person's own overrides as stored (what `PUT` replaced). */
  async ownPreferences(who: Person | undefined): Promise<PreferencesPatch> {
    const person = requirePerson(who);
    return this.#storedPreferences(`person:${person.login}`);
  }

  /**
   * Replaces the person's overrides (validated; unknown fields refused) and returns the effective
   * preferences. Audited as `wellness.preferences`.
   * @throws EngineError `AUTH_REQUIRED`, `REQUEST_INVALID`.
   */
  async setPreferences(who: Person | undefined, patch: unknown): Promise<WellnessPreferences> {
    const person = requirePerson(who);
    const value = parsePreferences(patch);
    await this.#options.audit.record({
      actor: personActor(person),
      action: 'wellness.preferences',
      subject: `person:${person.login}`,
      reason: 'changed own wellness preferences',
      detail: value,
    });
    await this.#options.repository.putSettings(
      `person:${person.login}`,
      'preferences',
      value,
      new Date(this.#now()).toISOString(),
      personActor(person),
    );
    return this.preferences(person);
  }

  /** The organisation's defaults and limits (anyone signed in may read them: they are the rules everyone works under). */
  async defaults(who: Person | undefined): Promise<WellnessDefaults> {
    requirePerson(who);
    return { preferences: mergePreferences(await this.#storedPreferences('org')), limits: await this.#limits() };
  }

  /**
   * Changes the organisation's defaults and limits (`settings.manage`); each part given replaces
   * the stored one. Audited as `wellness.defaults`.
   * @throws EngineError `AUTH_REQUIRED`, `AUTH_FORBIDDEN`, `REQUEST_INVALID`.
   */
  async setDefaults(
    who: Person | undefined,
    body: { preferences?: unknown; limits?: unknown },
  ): Promise<WellnessDefaults> {
    const person = requirePerson(who);
    requirePermission(person, 'settings.manage');
    const preferences = body.preferences === undefined ? undefined : parsePreferences(body.preferences);
    const limits = body.limits === undefined ? undefined : parseLimits(body.limits);
    if (limits !== undefined) {
      for (const [name, threshold] of Object.entries(mergeLimits(limits))) {
        if (threshold.warn > threshold.stop)
          throw new EngineError('REQUEST_INVALID', `${name}: warn must not be above stop`);
      }
    }
    await this.#options.audit.record({
      actor: personActor(person),
      action: 'wellness.defaults',
      subject: 'wellness',
      reason: 'changed the organisation wellness defaults',
      detail: { preferences, limits },
    });
    const at = new Date(this.#now()).toISOString();
    if (preferences !== undefined)
      await this.#options.repository.putSettings('org', 'preferences', preferences, at, personActor(person));
    if (limits !== undefined)
      await this.#options.repository.putSettings('org', 'limits', limits, at, personActor(person));
    return this.defaults(person);
  }

  /** The person's own exposure today and this ISO week, the status and a suggestion. */
  async exposure(who: Person | undefined): Promise<ExposureReport> {
    const person = requirePerson(who);
    const nowMs = this.#now();
    const since = new Date(Math.min(isoWeekStart(nowMs), dayStart(nowMs))).toISOString();
    const [reveals, limits, queues] = await Promise.all([
      this.#options.repository.revealsOf(person.login, since),
      this.#limits(),
      this.#options.rotationQueues?.() ?? [],
    ]);
    return exposureOf(reveals, limits, nowMs, queues);
  }

  /**
   * The wellness lead's view (`wellness.aggregate`): per-day totals over everybody for the last
   * `days` days (1–366, default 28) — items, seconds, people revealing, and how many people fell in
   * each bucket of items. Never who, never a case, never media.
   * @throws EngineError `AUTH_REQUIRED`, `AUTH_FORBIDDEN`, `REQUEST_INVALID`.
   */
  async aggregate(who: Person | undefined, days = 28): Promise<{ days: AggregateDay[] }> {
    const person = requirePerson(who);
    requirePermission(person, 'wellness.aggregate');
    if (!Number.isInteger(days) || days < 1 || days > 366)
      throw new EngineError('REQUEST_INVALID', 'days must be an integer from 1 to 366');
    const nowMs = this.#now();
    const fromMs = dayStart(nowMs) - (days - 1) * 86_400_000;
    const reveals = await this.#options.repository.revealsBetween(
      new Date(fromMs).toISOString(),
      new Date(dayStart(nowMs) + 86_400_000).toISOString(),
    );
    return { days: aggregateDays(reveals, fromMs, days) };
  }

  async #storedPreferences(scope: 'org' | `person:${string}`): Promise<PreferencesPatch> {
    const stored = await this.#options.repository.getSettings(scope, 'preferences');
    return stored === undefined ? {} : parsePreferences(stored);
  }

  async #limits(): Promise<ExposureLimits> {
    const stored = await this.#options.repository.getSettings('org', 'limits');
    return mergeLimits(stored === undefined ? {} : parseLimits(stored));
  }

  #remember(item: ResolvedMedia): void {
    this.#items.delete(item.id);
    this.#items.set(item.id, item);
    while (this.#items.size > cachedItems) this.#items.delete(this.#items.keys().next().value as string);
  }

  /** The item an id names, if the person may see its case: from the listing cache, else re-listed from the case timeline. */
  async #resolve(itemId: string, person: Person): Promise<ResolvedMedia> {
    const caseId = caseOfItemId(itemId);
    if (caseId === undefined) throw new EngineError('MEDIA_NOT_FOUND', 'no media item has that id');
    if (this.#options.mayAccessCase !== undefined && !(await this.#options.mayAccessCase(person, caseId))) {
      throw new EngineError('AUTH_FORBIDDEN', 'this case is not in a queue you may work');
    }
    const cached = this.#items.get(itemId);
    if (cached !== undefined) return cached;
    const entries = await this.#options.timelineOf(caseId);
    if (entries !== undefined) {
      const items = await listCaseMedia(this.#options.secret, caseId, entries, {
        ...(this.#options.categoryOf !== undefined ? { categoryOf: this.#options.categoryOf } : {}),
      });
      for (const item of items) this.#remember(item);
      const found = items.find((item) => sameItemId(item.id, itemId));
      if (found !== undefined) return found;
    }
    throw new EngineError('MEDIA_NOT_FOUND', 'no media item has that id');
  }

  #frameIndex(media: DecodedMedia, frame: number | undefined): number {
    const index = frame ?? 0;
    if (!Number.isInteger(index) || index < 0 || index >= media.stills.length) {
      throw new EngineError(
        'MEDIA_NOT_FOUND',
        `the item has ${media.stills.length} frame(s); there is no frame ${frame}`,
      );
    }
    return index;
  }

  /**
   * The decoded stills of an item, shared for two minutes by the renditions of its frames (a
   * filmstrip is one fetch and one ffmpeg run, not eight); at most 8 items are held, server-side only.
   */
  #load(item: ResolvedMedia, person: Person): Promise<DecodedMedia> {
    const nowMs = this.#now();
    for (const [key, entry] of this.#media) if (nowMs - entry.at > mediaCacheMs) this.#media.delete(key);
    // Evidence is cached per person, so that each person's first read is an audited vault read.
    const key = item.origin === 'evidence' ? `${item.id}\n${person.login}` : item.id;
    const cached = this.#media.get(key);
    if (cached !== undefined) return cached.media;
    const media = this.#fetch(item, person).then((bytes) =>
      decodeMedia(bytes, this.#options.decode ?? { maxPixels: 50_000_000 }),
    );
    this.#media.set(key, { at: nowMs, media });
    media.catch(() => this.#media.delete(key));
    while (this.#media.size > cachedMedia) this.#media.delete(this.#media.keys().next().value as string);
    return media;
  }

  async #fetch(item: ResolvedMedia, person: Person): Promise<Uint8Array> {
    if (item.source.origin === 'url') return fetchUrl(item.source.url, this.#options.fetchPolicy);
    const vault = this.#options.evidence;
    if (vault === undefined) {
      throw new EngineError('EVIDENCE_NOT_FOUND', 'evidence preservation is off: no evidence item can be read');
    }
    const { media } = await vault.open(item.source.evidenceId, {
      actor: personActor(person),
      reason: `review of case ${item.caseId} (media item ${item.id})`,
    });
    return media;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}
