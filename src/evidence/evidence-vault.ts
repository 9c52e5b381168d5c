import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { EngineError } from '../core/index.js';

/** What the vault records in the audit log (the shape of `AuditLog.record`'s actions). */
export interface EvidenceAuditAction {
  readonly actor: string;
  readonly action: 'evidence.preserve' | 'evidence.view' | 'evidence.purge';
  readonly subject: string;
  readonly reason: string;
  readonly detail?: unknown;
}

/** The clear-text facts kept beside an evidence item (never the media itself). */
export interface EvidenceRecord {
  readonly id: string;
  /** What it is, e.g. `stream_frame`. */
  readonly kind: string;
  /** The entity it is evidence about, e.g. `stream:s-123`. */
  readonly subject: string;
  readonly mediaType: string;
  readonly createdAt: string;
  readonly retainUntil: string;
  /** SHA-256 of the media bytes (before encryption), for chain of custody. */
  readonly sha256: string;
  readonly bytes: number;
  /** Why it was kept: bank matches, event ids, stream time… */
  readonly context: unknown;
}

export interface EvidenceVaultOptions {
  readonly directory: string;
  /** 32-byte AES-256-GCM key (see `evidenceKeyFromEnvironment`). */
  readonly key: Uint8Array;
  /** Default one year, the US REPORT Act preservation period. */
  readonly retentionMs?: number;
  readonly audit: (action: EvidenceAuditAction) => Promise<unknown>;
  readonly now?: () => number;
}

const magic = Buffer.from('PVEV1');
const oneYearMs = 365 * 86_400_000;
const idPattern = /^[0-9a-f-]{36}$/;

/**
 * Evidence preservation: media kept only when an operator turns it on, encrypted at rest
 * (AES-256-GCM with a key the operator holds, a fresh nonce per item), every write and every read
 * recorded in the audit log with its reason, and deleted when its retention ends. Prevail keeps
 * hashes and metadata by default; this is the explicit exception the design allows (a matched
 * live-stream frame a reviewer or a hotline report will need).
 *
 * Layout: `<directory>/<id>.evidence` = "PVEV1" + 12-byte nonce + 16-byte tag + ciphertext, and
 * `<id>.json` = the `EvidenceRecord` (no media). The record is bound to the ciphertext as GCM
 * additional data, so neither can be swapped or edited without `open` failing.
 */
export class EvidenceVault {
  readonly #options: EvidenceVaultOptions;

  constructor(options: EvidenceVaultOptions) {
    if (options.key.length !== 32) throw new EngineError('CONFIG_INVALID', 'the evidence key must be 32 bytes');
    this.#options = options;
  }

  /** Encrypts and stores `media`; returns its record. The audit entry is written first. */
  async preserve(item: {
    kind: string;
    subject: string;
    mediaType: string;
    media: Uint8Array;
    context: unknown;
    actor: string;
    reason: string;
  }): Promise<EvidenceRecord> {
    const nowMs = this.#now();
    const record: EvidenceRecord = {
      id: randomUUID(),
      kind: item.kind,
      subject: item.subject,
      mediaType: item.mediaType,
      createdAt: new Date(nowMs).toISOString(),
      retainUntil: new Date(nowMs + (this.#options.retentionMs ?? oneYearMs)).toISOString(),
      sha256: createHash('sha256').update(item.media).digest('hex'),
      bytes: item.media.length,
      context: item.context,
    };
    const recordText = `${JSON.stringify(record, null, 2)}\n`;
    const nonce = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#options.key, nonce);
    cipher.setAAD(Buffer.from(recordText));
    const sealed = Buffer.concat([cipher.update(item.media), cipher.final()]);
    await this.#options.audit({
      actor: item.actor,
      action: 'evidence.preserve',
      subject: item.subject,
      reason: item.reason,
      detail: { evidence: record.id, sha256: record.sha256, retainUntil: record.retainUntil },
    });
    await mkdir(this.#options.directory, { recursive: true, mode: 0o700 });
    await writeFile(join(this.#options.directory, `${record.id}.json`), recordText, { mode: 0o600 });
    await writeFile(
      join(this.#options.directory, `${record.id}.evidence`),
      Buffer.concat([magic, nonce, cipher.getAuthTag(), sealed]),
      { mode: 0o600 },
    );
    return record;
  }

  /**
   * Decrypts an item for a person, after recording who and why in the audit log.
   * @throws EngineError EVIDENCE_NOT_FOUND (no such item, or past retention) or
   *   EVIDENCE_UNREADABLE (wrong key, or the item or its record was altered).
   */
  async open(
    id: string,
    reader: { actor: string; reason: string },
  ): Promise<{ record: EvidenceRecord; media: Buffer }> {
    if (!idPattern.test(id)) throw new EngineError('EVIDENCE_NOT_FOUND', `no evidence item ${id}`);
    let recordText: string;
    let sealed: Buffer;
    try {
      recordText = await readFile(join(this.#options.directory, `${id}.json`), 'utf8');
      sealed = await readFile(join(this.#options.directory, `${id}.evidence`));
    } catch {
      throw new EngineError('EVIDENCE_NOT_FOUND', `no evidence item ${id}`);
    }
    const record = JSON.parse(recordText) as EvidenceRecord;
    if (Date.parse(record.retainUntil) <= this.#now()) {
      throw new EngineError('EVIDENCE_NOT_FOUND', `evidence item ${id} is past its retention`);
    }
    await this.#options.audit({
      actor: reader.actor,
      action: 'evidence.view',
      subject: record.subject,
      reason: reader.reason,
      detail: { evidence: id },
    });
    try {
      if (!sealed.subarray(0, magic.length).equals(magic)) throw new Error('not an evidence file');
      const nonce = sealed.subarray(magic.length, magic.length + 12);
      const tag = sealed.subarray(magic.length + 12, magic.length + 28);
      const decipher = createDecipheriv('aes-256-gcm', this.#options.key, nonce);
      decipher.setAAD(Buffer.from(recordText));
      decipher.setAuthTag(tag);
      const media = Buffer.concat([decipher.update(sealed.subarray(magic.length + 28)), decipher.final()]);
      return { record, media };
    } catch (error) {
      throw new EngineError(
        'EVIDENCE_UNREADABLE',
        `evidence item ${id} cannot be decrypted: wrong key, or it was altered`,
        {
          cause: error,
        },
      );
    }
  }

  /** Deletes the items whose retention has ended; returns their ids (audited as one entry). */
  async purgeExpired(actor: string): Promise<string[]> {
    const names = await readdir(this.#options.directory).catch(() => [] as string[]);
    const expired: string[] = [];
    for (const name of names.filter((file) => file.endsWith('.json')).sort()) {
      const id = name.slice(0, -'.json'.length);
      try {
        const record = JSON.parse(await readFile(join(this.#options.directory, name), 'utf8')) as EvidenceRecord;
        if (Date.parse(record.retainUntil) <= this.#now()) expired.push(id);
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
    for (const id of expired) {
      await rm(join(this.#options.directory, `${id}.evidence`), { force: true });
      await rm(join(this.#options.directory, `${id}.json`), { force: true });
    }
    return expired;
  }

  #now(): number {
    return this.#options.now?.() ?? Date.now();
  }
}

/**
 * The evidence key from the `PREVAIL_EVIDENCE_KEY` setting (64 hex characters = 32 bytes), as
 * the composition root read it (`src/config/`).
 * @throws EngineError CONFIG_INVALID when it is missing or malformed.
 */
export function evidenceKeyFromEnvironment(environment: {
  readonly PREVAIL_EVIDENCE_KEY?: string | undefined;
}): Buffer {
  const text = environment.PREVAIL_EVIDENCE_KEY ?? '';
  if (!/^[0-9a-fA-F]{64}$/.test(text)) {
    throw new EngineError(
      'CONFIG_INVALID',
      'evidence preservation needs PREVAIL_EVIDENCE_KEY: 64 hex characters (32 random bytes, e.g. "openssl rand -hex 32"), kept outside the data directory',
    );
  }
  return Buffer.from(text, 'hex');
}
