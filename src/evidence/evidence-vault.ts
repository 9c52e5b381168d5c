import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { type FileHandle, mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError, isEngineError } from '../core/index.js';
import { writeFileAtomic } from './atomic-file.js';
import { parseWrappedKey, unwrapDataKey, type WrappedDataKey, wrapDataKey, wrappedKeyText } from './key-envelope.js';
import { defaultKeyId, type EvidenceKeyRing, singleKeyRing } from './key-ring.js';
import { type EvidenceHold, holdCovers, isHoldActive, readHolds, writeHolds } from './legal-holds.js';

/** What the vault records in the audit log (the shape of `AuditLog.record`'s actions). */
export interface EvidenceAuditAction {
  readonly actor: string;
  readonly action:
    | 'evidence.preserve'
    | 'evidence.preserve_bundle'
    | 'evidence.discard'
    | 'evidence.view'
    | 'evidence.purge'
    | 'evidence.hold'
    | 'evidence.release'
    | 'evidence.rotate_key';
  readonly subject: string;
  readonly reason: string;
  readonly detail?: unknown;
}

/** The clear-text facts kept beside an evidence item (never the media itself). */
export interface EvidenceRecord {
  readonly id: string;
  /** What it is, e.g. `stream_frame`, `upload`, `cybertip_report_xml`. */
  readonly kind: string;
  /** The entity it is evidence about, e.g. `stream:s-123`, `case:12`. */
  readonly subject: string;
  readonly mediaType: string;
  readonly createdAt: string;
  /** Kept at least until then (a legal hold keeps it longer); purged after. */
  readonly retainUntil: string;
  /** SHA-256 of the media bytes (before encryption), for chain of custody. */
  readonly sha256: string;
  readonly bytes: number;
  /** Why it was kept: bank matches, event ids, stream time… */
  readonly context: unknown;
  /** The preservation bundle it was kept in (`preserveBundle`), when it was. */
  readonly bundle?: { readonly id: string; readonly kind: string };
}

/** One item as `list` shows it: its record, the key it is wrapped with, and what keeps it. */
export interface EvidenceListing {
  readonly record: EvidenceRecord;
  /** The key id its data key is wrapped with (`default` for an item of the first format, PVEV1). */
  readonly keyId: string;
  /** The active legal holds covering it. */
  readonly holds: readonly string[];
  /** Past `retainUntil` (kept only while a hold covers it). */
  readonly expired: boolean;
}

/** What `rotateKey` did. */
export interface KeyRotation {
  readonly currentKeyId: string;
  /** Items whose key file was rewritten to the current key. */
  readonly rewrapped: number;
  /** Items of the first format (PVEV1, no key file) given a data key and a key file. */
  readonly converted: number;
  /** Items already under the current key. */
  readonly unchanged: number;
  /** Items left as they were because they could not be read (with the error code). */
  readonly failed: readonly { readonly id: string; readonly code: string }[];
}

/** The media of one item to preserve, and what it is. */
export interface EvidenceMedia {
  readonly kind: string;
  readonly mediaType: string;
  readonly media: Uint8Array;
  readonly context: unknown;
}

/** How long an item is kept: an instant, or a duration from now (default: the vault's retention). */
export interface EvidenceRetention {
  readonly retainUntil?: Date | string;
  readonly retentionMs?: number;
}

export interface EvidenceVaultOptions {
  readonly directory: string;
  /** The key ring (see `evidenceKeyRingFromEnvironment`): new items are wrapped with its current key. */
  readonly keyRing?: EvidenceKeyRing;
  /** One 32-byte key (id `default`), today's `PREVAIL_EVIDENCE_KEY`; ignored when `keyRing` is given. */
  readonly key?: Uint8Array;
  /** Default retention of a new item: one year, the US REPORT Act preservation period. */
  readonly retentionMs?: number;
  readonly audit: (action: EvidenceAuditAction) => Promise<unknown>;
  readonly now?: () => number;
}

const legacyMagic = Buffer.from('PVEV1');
const magic = Buffer.from('PVEV2');
const headerBytes = magic.length + 12 + 16;
const dayMs = 86_400_000;
const oneYearMs = 365 * dayMs;
const longestRetentionMs = 100 * 366 * dayMs;
const idPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const holdIdPattern = /^hold-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const kindPattern = /^[a-z][a-z0-9_]{0,63}$/;
const mediaTypePattern = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/i;
const maxBundleItems = 1000;
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const maxHoldItems = 10_000;

function invalid(message: string): EngineError {
  return new EngineError('EVIDENCE_INVALID', message);
}

/** A subject or similar label: 1 to 255 characters, no control characters, no lone surrogates. */
function checkLabel(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 255) {
    throw invalid(`${field} must be text of 1 to 255 characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(value) || loneSurrogate.test(value)) {
    throw invalid(`${field} must not hold control characters or half a character`);
  }
  return value;
}

/**
 * Evidence preservation: media kept only when an operator turns it on, encrypted at rest, every
 * write and every read recorded in the audit log with its reason, and deleted when its retention
 * ends unless a legal hold keeps it. Prevail keeps hashes and metadata by default; this is the
 * explicit exception the design allows (matched media, and what was reported to NCMEC, which the
 * law asks a provider to preserve for a year from the report's receipt).
 *
 * Envelope encryption: each item has its own random 32-byte data key; the media is encrypted with
 * it (AES-256-GCM, a fresh nonce), and the data key is wrapped (AES-256-GCM) by a key-encryption
 * key of the ring, named by its key id. Rotating the ring's key rewrites only the small key files.
 *
 * Layout in `directory`:
 * - `<id>.json`: the `EvidenceRecord` (no media), bound to the ciphertext as GCM additional data,
 *   so neither can be swapped or edited without `open` failing;
 * - `<id>.evidence`: "PVEV2" + 12-byte nonce + 16-byte tag + ciphertext (data key);
 * - `<id>.key`: the wrapped data key (`WrappedDataKey`), bound to the item id and the key id;
 * - `holds.json`: the legal holds.
 * Items of the first format ("PVEV1", encrypted directly with the single key, no key file) stay
 * readable with the ring's `default` key (or any ring key) and `rotateKey` converts them.
 */
export class EvidenceVault {
  readonly #options: EvidenceVaultOptions;
  readonly #ring: EvidenceKeyRing;
  /** Changes to the holds file, one after another (read, change, write whole). */
  #holdsTail: Promise<unknown> = Promise.resolve();

  constructor(options: EvidenceVaultOptions) {
    if (options.keyRing === undefined && options.key === undefined) {
      throw new EngineError('CONFIG_INVALID', 'the evidence vault needs a key ring or a key');
    }
    this.#ring = options.keyRing ?? singleKeyRing(options.key ?? new Uint8Array());
    for (const key of this.#ring.keys.values()) {
      if (key.length !== 32) throw new EngineError('CONFIG_INVALID', 'each evidence key must be 32 bytes');
    }
    if (!this.#ring.keys.has(this.#ring.currentKeyId)) {
      throw new EngineError('CONFIG_INVALID', `the evidence key ring has no key ${this.#ring.currentKeyId}`);
    }
    this.#options = options;
  }

  /** The id of the key new items are wrapped with. */
  get currentKeyId(): string {
    return this.#ring.currentKeyId;
  }

  /**
   * Encrypts and stores `media`; returns its record. The audit entry is written first.
   * `retainUntil` (or `retentionMs` from now) sets how long it is kept; default the vault's
   * retention (one year).
   * @throws EngineError `EVIDENCE_INVALID` (a malformed kind, subject, media type, context or
   *   retention), nothing stored.
   */
  async preserve(
    item: EvidenceMedia &
      EvidenceRetention & {
        subject: string;
        actor: string;
        reason: string;
      },
  ): Promise<EvidenceRecord> {
    const sealed = this.#seal(item, item.subject, this.#retainUntil(item), undefined);
    await this.#options.audit({
      actor: item.actor,
      action: 'evidence.preserve',
      subject: sealed.record.subject,
      reason: item.reason,
      detail: {
        evidence: sealed.record.id,
        kind: sealed.record.kind,
        sha256: sealed.record.sha256,
        retainUntil: sealed.record.retainUntil,
        keyId: sealed.keyFile.keyId,
      },
    });
    await this.#write(sealed);
    return sealed.record;
  }

  /**
   * Preserves several items as one: all are stored or none is (when one write fails, the items
   * already written are removed, and the removal is audited). Meant for what a report sent to
   * NCMEC must keep on its receipt: the report XML, its files, the case timeline, the subject's
   * events and links. Each record names the bundle (`bundle: {id, kind}`); one audit entry lists
   * every item.
   * @throws EngineError `EVIDENCE_INVALID` (no items, more than 1,000, or any item malformed),
   *   nothing stored; the write's own error when storing fails (nothing left stored).
   */
  async preserveBundle(
    bundle: EvidenceRetention & {
      subject: string;
      kind: string;
      items: readonly EvidenceMedia[];
      actor: string;
      reason: string;
    },
  ): Promise<{ bundleId: string; records: EvidenceRecord[] }> {
    const subject = checkLabel(bundle.subject, 'the subject');
    if (!kindPattern.test(String(bundle.kind))) throw invalid('a bundle kind is lower-case letters, digits and _');
    if (!Array.isArray(bundle.items) || bundle.items.length === 0 || bundle.items.length > maxBundleItems) {
      throw invalid(`a bundle holds 1 to ${maxBundleItems} items`);
    }
    const retainUntil = this.#retainUntil(bundle);
    const bundleId = `bundle-${randomUUID()}`;
    const sealed = bundle.items.map((item) =>
      this.#seal(item, subject, retainUntil, { id: bundleId, kind: bundle.kind }),
    );
    await this.#options.audit({
      actor: bundle.actor,
      action: 'evidence.preserve_bundle',
      subject,
      reason: bundle.reason,
      detail: {
        bundle: bundleId,
        kind: bundle.kind,
        retainUntil,
        keyId: this.#ring.currentKeyId,
        items: sealed.map(({ record }) => ({ evidence: record.id, kind: record.kind, sha256: record.sha256 })),
      },
    });
    const written: string[] = [];
    try {
      for (const item of sealed) {
        written.push(item.record.id);
        await this.#write(item);
      }
    } catch (error) {
      for (const id of written) await this.#remove(id).catch(() => undefined);
      await this.#options
        .audit({
          actor: bundle.actor,
          action: 'evidence.discard',
          subject,
          reason: 'the bundle could not be stored whole',
          detail: { bundle: bundleId, ids: written },
        })
        .catch(() => undefined);
      throw error;
    }
    return { bundleId, records: sealed.map(({ record }) => record) };
  }

  /**
   * Decrypts an item for a person, after recording who and why in the audit log. An item past
   * its retention is readable only while a legal hold covers it.
   * @throws EngineError EVIDENCE_NOT_FOUND (no such item, a malformed id, or past retention and
   *   not held), EVIDENCE_KEY_UNKNOWN (its key id is not in the ring) or EVIDENCE_UNREADABLE
   *   (wrong key, or the item, its record or its key file was altered).
   */
  async open(
    id: string,
    reader: { actor: string; reason: string },
  ): Promise<{ record: EvidenceRecord; media: Buffer }> {
    const { record, recordText, sealed } = await this.#read(id);
    if (Date.parse(record.retainUntil) <= this.#now() && (await this.#holdsOn(record)).length === 0) {
      throw new EngineError('EVIDENCE_NOT_FOUND', `evidence item ${id} is past its retention`);
    }
    await this.#options.audit({
      actor: reader.actor,
      action: 'evidence.view',
      subject: record.subject,
      reason: reader.reason,
      detail: { evidence: id },
    });
    return { record, media: await this.#decrypt(id, recordText, sealed) };
  }

  /**
   * The items of the vault (of one `subject` when given), oldest first, with their key ids and
   * active holds. Metadata only: nothing is decrypted, so nothing is audited. Records that cannot
   * be read are left out (`open` names the problem).
   */
  async list(filter: { subject?: string } = {}): Promise<EvidenceListing[]> {
    const holds = (await readHolds(this.#options.directory)).filter((hold) => isHoldActive(hold, this.#now()));
    const listings: EvidenceListing[] = [];
    for (const id of await this.#ids()) {
      const record = await this.#readRecord(id).catch(() => undefined);
      if (record === undefined || (filter.subject !== undefined && record.subject !== filter.subject)) continue;
      const keyId = await this.#keyIdOf(id).catch(() => '?');
      listings.push({
        record,
        keyId,
        holds: holds.filter((hold) => holdCovers(hold, record)).map((hold) => hold.id),
        expired: Date.parse(record.retainUntil) <= this.#now(),
      });
    }
    return listings.sort(
      (a, b) => a.record.createdAt.localeCompare(b.record.createdAt) || a.record.id.localeCompare(b.record.id),
    );
  }

  /**
   * Deletes the items whose retention has ended and that no active legal hold covers; returns
   * their ids (audited as one entry). Unexpired and held items are never touched.
   * @throws EngineError `EVIDENCE_UNREADABLE` when the holds file is malformed (nothing purged).
   */
  async purgeExpired(actor: string): Promise<string[]> {
    const holds = (await readHolds(this.#options.directory)).filter((hold) => isHoldActive(hold, this.#now()));
    const expired: string[] = [];
    for (const id of await this.#ids()) {
      try {
        const record = await this.#readRecord(id);
        if (Date.parse(record.retainUntil) > this.#now()) continue;
        if (holds.some((hold) => holdCovers(hold, record))) continue;
        expired.push(id);
      } catch {
        // An unreadable record is left for a person to look at, never deleted blindly.
      }
    }
    if (expired.length === 0) return [];
    await this.#options.audit({
      actor,
      action: 'evidence.purge',
      subject: 'evidence',
      reason: 'retention ended',
      detail: { ids: expired },
    });
    for (const id of expired) await this.#remove(id);
    return expired;
  }

  /**
   * Places a legal hold over every item of `subject` (those preserved later too) or over
   * `itemIds`, until it is released or `until` passes. Audited, then written to `holds.json`.
   * @throws EngineError `EVIDENCE_INVALID` (neither or both of subject and itemIds, a malformed
   *   id or date), `EVIDENCE_NOT_FOUND` (an item id the vault does not hold).
   */
  async placeHold(request: {
    subject?: string;
    itemIds?: readonly string[];
    reason: string;
    actor: string;
    until?: Date | string;
  }): Promise<EvidenceHold> {
    const bySubject = request.subject !== undefined;
    if (bySubject === (request.itemIds !== undefined))
      throw invalid('a hold names exactly one of a subject or item ids');
    let scope: { subject: string } | { itemIds: string[] };
    if (bySubject) {
      scope = { subject: checkLabel(request.subject, 'the subject') };
    } else {
      const ids = request.itemIds;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > maxHoldItems) {
        throw invalid(`a hold names 1 to ${maxHoldItems} item ids`);
      }
      for (const id of ids) {
        if (typeof id !== 'string' || !idPattern.test(id)) throw invalid('an evidence id is a lower-case UUID');
        await this.#readRecord(id);
      }
      scope = { itemIds: [...new Set(ids as string[])] };
    }
    const until = request.until === undefined ? undefined : this.#futureInstant(request.until, 'until');
    const hold: EvidenceHold = {
      id: `hold-${randomUUID()}`,
      ...scope,
      reason: request.reason,
      placedBy: request.actor,
      placedAt: new Date(this.#now()).toISOString(),
      ...(until !== undefined ? { until } : {}),
    };
    return this.#changeHolds(async (holds) => {
      await this.#options.audit({
        actor: request.actor,
        action: 'evidence.hold',
        subject: bySubject ? (request.subject as string) : 'evidence',
        reason: request.reason,
        detail: { hold: hold.id, ...scope, ...(until !== undefined ? { until } : {}) },
      });
      return { holds: [...holds, hold], result: hold };
    });
  }

  /**
   * Releases an active legal hold (audited first); the items it covered fall back to their own
   * `retainUntil`. The hold stays in the file, marked released.
   * @throws EngineError `EVIDENCE_HOLD_NOT_FOUND` (no active hold has that id).
   */
  async releaseHold(request: { holdId: string; reason: string; actor: string }): Promise<EvidenceHold> {
    if (typeof request.holdId !== 'string' || !holdIdPattern.test(request.holdId)) {
      throw new EngineError('EVIDENCE_HOLD_NOT_FOUND', 'no legal hold has that id');
    }
    return this.#changeHolds(async (holds) => {
      const index = holds.findIndex((hold) => hold.id === request.holdId && isHoldActive(hold, this.#now()));
      const held = holds[index];
      if (held === undefined)
        throw new EngineError('EVIDENCE_HOLD_NOT_FOUND', `no active legal hold ${request.holdId}`);
      await this.#options.audit({
        actor: request.actor,
        action: 'evidence.release',
        subject: held.subject ?? 'evidence',
        reason: request.reason,
        detail: { hold: held.id },
      });
      const released: EvidenceHold = {
        ...held,
        releasedAt: new Date(this.#now()).toISOString(),
        releasedBy: request.actor,
        releaseReason: request.reason,
      };
      return { holds: holds.map((hold, at) => (at === index ? released : hold)), result: released };
    });
  }

  /** The legal holds in force now (placed, not released, not lapsed). */
  async activeHolds(): Promise<EvidenceHold[]> {
    return (await readHolds(this.#options.directory)).filter((hold) => isHoldActive(hold, this.#now()));
  }

  /**
   * Rewraps every item not under the ring's current key: its data key is unwrapped with the old
   * key and wrapped with the current one, and only `<id>.key` is rewritten (to a temporary name,
   * then renamed: a crash leaves the old or the new key file, both readable while the old key is
   * in the ring). Items of the first format are converted (a data key, the media re-encrypted,
   * the key file written first). Items that cannot be read are counted and left alone. Audited as
   * one entry with the counts once done.
   */
  async rotateKey(actor: string, reason: string): Promise<KeyRotation> {
    let rewrapped = 0;
    let converted = 0;
    let unchanged = 0;
    const failed: { id: string; code: string }[] = [];
    for (const id of await this.#ids()) {
      try {
        const outcome = await this.#rotateOne(id);
        if (outcome === 'rewrapped') rewrapped++;
        else if (outcome === 'converted') converted++;
        else unchanged++;
      } catch (error) {
        failed.push({ id, code: isEngineError(error) ? error.code : 'INTERNAL' });
      }
    }
    const rotation: KeyRotation = { currentKeyId: this.#ring.currentKeyId, rewrapped, converted, unchanged, failed };
    await this.#options.audit({
      actor,
      action: 'evidence.rotate_key',
      subject: 'evidence',
      reason,
      detail: { ...rotation, failed: failed.slice(0, 100), failedCount: failed.length },
    });
    return rotation;
  }

  /**
   * One item of a rotation. An item of the current format is rewrapped without reading its
   * media; one of the first format is converted: the key file first, then the media, so a crash
   * between leaves a first-format file that still opens (and is converted again next time).
   */
  async #rotateOne(id: string): Promise<'rewrapped' | 'converted' | 'unchanged'> {
    if ((await this.#head(id)).equals(magic)) {
      await this.#readRecord(id);
      const wrapped = await this.#readKeyFile(id);
      if (wrapped.keyId === this.#ring.currentKeyId) return 'unchanged';
      const dataKey = unwrapDataKey(this.#ring, id, wrapped);
      await writeFileAtomic(this.#path(id, 'key'), wrappedKeyText(wrapDataKey(this.#ring, id, dataKey)));
      return 'rewrapped';
    }
    const { recordText, sealed } = await this.#read(id);
    const media = await this.#decrypt(id, recordText, sealed);
    const dataKey = randomBytes(32);
    const resealed = encryptMedia(dataKey, recordText, media);
    await writeFileAtomic(this.#path(id, 'key'), wrappedKeyText(wrapDataKey(this.#ring, id, dataKey)));
    await writeFileAtomic(this.#path(id, 'evidence'), resealed);
    return 'converted';
  }

  /** Checks an item and encrypts it under a new data key (nothing written yet). */
  #seal(
    item: EvidenceMedia,
    subject: string,
    retainUntil: string,
    bundle: EvidenceRecord['bundle'],
  ): { record: EvidenceRecord; recordText: string; sealed: Buffer; keyFile: WrappedDataKey } {
    checkLabel(subject, 'the subject');
    if (typeof item.kind !== 'string' || !kindPattern.test(item.kind)) {
      throw invalid('an evidence kind is lower-case letters, digits and _ (at most 64), e.g. stream_frame');
    }
    if (typeof item.mediaType !== 'string' || !mediaTypePattern.test(item.mediaType)) {
      throw invalid('the media type must be type/subtype, e.g. image/png');
    }
    if (!(item.media instanceof Uint8Array)) throw invalid('the media must be bytes');
    const nowMs = this.#now();
    const record: EvidenceRecord = {
      id: randomUUID(),
      kind: item.kind,
      subject,
      mediaType: item.mediaType,
      createdAt: new Date(nowMs).toISOString(),
      retainUntil,
      sha256: createHash('sha256').update(item.media).digest('hex'),
      bytes: item.media.length,
      context: item.context,
      ...(bundle !== undefined ? { bundle } : {}),
    };
    let recordText: string;
    try {
      recordText = `${JSON.stringify(record, null, 2)}\n`;
    } catch (error) {
      throw new EngineError('EVIDENCE_INVALID', 'the context must be JSON (no cycles, no big integers)', {
        cause: error,
      });
    }
    if (loneSurrogate.test(recordText)) throw invalid('the context must not hold half a character');
    const dataKey = randomBytes(32);
    return {
      record,
      recordText,
      sealed: encryptMedia(dataKey, recordText, item.media),
      keyFile: wrapDataKey(this.#ring, record.id, dataKey),
    };
  }

  /** Writes an item's three files: the record, then the key file, then the media (mode 0600). */
  async #write(item: { record: EvidenceRecord; recordText: string; sealed: Buffer; keyFile: WrappedDataKey }) {
    await mkdir(this.#options.directory, { recursive: true, mode: 0o700 });
    const { id } = item.record;
    try {
      await writeFileAtomic(this.#path(id, 'json'), item.recordText);
      await writeFileAtomic(this.#path(id, 'key'), wrappedKeyText(item.keyFile));
      await writeFileAtomic(this.#path(id, 'evidence'), item.sealed);
    } catch (error) {
      await this.#remove(id).catch(() => undefined);
      throw error;
    }
  }

  /** Removes an item's files, the record last (so an interrupted removal is retried by the next purge). */
  async #remove(id: string): Promise<void> {
    let failure: unknown;
    for (const extension of ['evidence', 'key', 'json'] as const) {
      // Each file is tried even when an earlier one could not be removed; the first failure is thrown after.
      await rm(this.#path(id, extension), { force: true }).catch((error: unknown) => {
        failure ??= error;
      });
    }
    if (failure !== undefined) throw failure;
  }

  async #read(id: string): Promise<{ record: EvidenceRecord; recordText: string; sealed: Buffer }> {
    if (typeof id !== 'string' || !idPattern.test(id)) {
      throw new EngineError('EVIDENCE_NOT_FOUND', 'no evidence item has that id (an id is a lower-case UUID)');
    }
    let recordText: string;
    let sealed: Buffer;
    try {
      recordText = await readFile(this.#path(id, 'json'), 'utf8');
      sealed = await readFile(this.#path(id, 'evidence'));
    } catch {
      throw new EngineError('EVIDENCE_NOT_FOUND', `no evidence item ${id}`);
    }
    return { record: parseRecord(id, recordText), recordText, sealed };
  }

  async #readRecord(id: string): Promise<EvidenceRecord> {
    let text: string;
    try {
      text = await readFile(this.#path(id, 'json'), 'utf8');
    } catch {
      throw new EngineError('EVIDENCE_NOT_FOUND', `no evidence item ${id}`);
    }
    return parseRecord(id, text);
  }

  async #readKeyFile(id: string): Promise<WrappedDataKey> {
    let text: string;
    try {
      text = await readFile(this.#path(id, 'key'), 'utf8');
    } catch (error) {
      throw new EngineError('EVIDENCE_UNREADABLE', `evidence item ${id} has no key file`, { cause: error });
    }
    return parseWrappedKey(id, text);
  }

  /** The key id an item is wrapped with: its key file's, or `default` for the first format. */
  async #keyIdOf(id: string): Promise<string> {
    return (await this.#head(id)).equals(magic) ? (await this.#readKeyFile(id)).keyId : defaultKeyId;
  }

  /** The format mark of an item's media file (its first five bytes), without reading the media. */
  async #head(id: string): Promise<Buffer> {
    let handle: FileHandle;
    try {
      handle = await open(this.#path(id, 'evidence'), 'r');
    } catch {
      throw new EngineError('EVIDENCE_NOT_FOUND', `no evidence item ${id}`);
    }
    try {
      const head = Buffer.alloc(magic.length);
      const { bytesRead } = await handle.read(head, 0, magic.length, 0);
      return head.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  }

  async #decrypt(id: string, recordText: string, sealed: Buffer): Promise<Buffer> {
    const head = sealed.subarray(0, magic.length);
    if (head.equals(magic)) {
      const dataKey = unwrapDataKey(this.#ring, id, await this.#readKeyFile(id));
      try {
        return decryptMedia(dataKey, recordText, sealed);
      } catch (error) {
        throw unreadable(id, error);
      }
    }
    if (head.equals(legacyMagic)) {
      // The first format: encrypted with the single key itself; `default` first, then the others.
      const keyIds = [defaultKeyId, ...[...this.#ring.keys.keys()].filter((keyId) => keyId !== defaultKeyId)];
      for (const keyId of keyIds) {
        const key = this.#ring.keys.get(keyId);
        if (key === undefined) continue;
        try {
          return decryptMedia(key, recordText, sealed);
        } catch {
          // Not this key: the next.
        }
      }
    }
    throw unreadable(id, undefined);
  }

  async #holdsOn(record: EvidenceRecord): Promise<EvidenceHold[]> {
    return (await readHolds(this.#options.directory)).filter(
      (hold) => isHoldActive(hold, this.#now()) && holdCovers(hold, record),
    );
  }

  /** Runs one change of the holds file after the previous one: read, change, write whole. */
  #changeHolds<T>(change: (holds: EvidenceHold[]) => Promise<{ holds: EvidenceHold[]; result: T }>): Promise<T> {
    const run = this.#holdsTail.then(async () => {
      await mkdir(this.#options.directory, { recursive: true, mode: 0o700 });
      const { holds, result } = await change(await readHolds(this.#options.directory));
      await writeHolds(this.#options.directory, holds);
      return result;
    });
    this.#holdsTail = run.catch(() => undefined);
    return run;
  }

  /** The ids of the items of the vault (their record files), sorted. */
  async #ids(): Promise<string[]> {
    const names = await readdir(this.#options.directory).catch(() => [] as string[]);
    return names
      .filter((name) => name.endsWith('.json'))
      .map((name) => name.slice(0, -'.json'.length))
      .filter((id) => idPattern.test(id))
      .sort();
  }

  #retainUntil(retention: EvidenceRetention): string {
    if (retention.retainUntil !== undefined && retention.retentionMs !== undefined) {
      throw invalid('give retainUntil or retentionMs, not both');
    }
    if (retention.retainUntil !== undefined) return this.#futureInstant(retention.retainUntil, 'retainUntil');
    const ms = retention.retentionMs ?? this.#options.retentionMs ?? oneYearMs;
    if (!Number.isSafeInteger(ms) || ms <= 0 || ms > longestRetentionMs) {
      throw invalid('retentionMs must be a positive whole number of milliseconds, at most 100 years');
    }
    return new Date(this.#now() + ms).toISOString();
  }

  /** An instant after now and within 100 years, as ISO text. */
  #futureInstant(value: Date | string, field: string): string {
    const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : Number.NaN;
    if (!Number.isFinite(ms)) throw invalid(`${field} is not a date`);
    if (ms <= this.#now()) throw invalid(`${field} must be in the future`);
    if (ms > this.#now() + longestRetentionMs) throw invalid(`${field} must be within 100 years`);
    return new Date(ms).toISOString();
  }

  #path(id: string, extension: 'json' | 'evidence' | 'key'): string {
    return join(this.#options.directory, `${id}.${extension}`);
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}

function unreadable(id: string, cause: unknown): EngineError {
  return new EngineError(
    'EVIDENCE_UNREADABLE',
    `evidence item ${id} cannot be decrypted: wrong key, or it was altered`,
    {
      cause,
    },
  );
}

function parseRecord(id: string, text: string): EvidenceRecord {
  try {
    const record = JSON.parse(text) as EvidenceRecord;
    if (record.id !== id || typeof record.retainUntil !== 'string' || typeof record.subject !== 'string') {
      throw new Error('not this item’s record');
    }
    return record;
  } catch (error) {
    throw new EngineError('EVIDENCE_UNREADABLE', `evidence item ${id}: its record is malformed`, { cause: error });
  }
}

/** "PVEV2" + nonce + tag + ciphertext of `media` under `key`, the record text as additional data. */
function encryptMedia(key: Uint8Array, recordText: string, media: Uint8Array): Buffer {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(recordText));
  const ciphertext = Buffer.concat([cipher.update(media), cipher.final()]);
  return Buffer.concat([magic, nonce, cipher.getAuthTag(), ciphertext]);
}

/** The inverse of `encryptMedia` (either format: the header is the same length). */
function decryptMedia(key: Uint8Array, recordText: string, sealed: Buffer): Buffer {
  if (sealed.length < headerBytes) throw new Error('too short for an evidence file');
  const nonce = sealed.subarray(magic.length, magic.length + 12);
  const tag = sealed.subarray(magic.length + 12, headerBytes);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce);
  decipher.setAAD(Buffer.from(recordText));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(headerBytes)), decipher.final()]);
}
