import type { DecodeOptions } from '../content/index.js';
import { EngineError } from '../core/index.js';
import { hashMedia, type MediaHashes, signalsToBank, type VideoHashOptions } from '../hasher/index.js';
import { pdqQualityThreshold, readVpdqFeatures, signalTypeByName } from '../signals/index.js';
import type { BankPatch, BankRecord, ContentPatch, ContentRecord, NewBank, NewContent } from './bank-records.js';
import type { BankRepository } from './bank-repository.js';
import {
  checkBankName,
  checkDisableUntil,
  checkEnabledRatio,
  checkNote,
  checkPdqThreshold,
  checkVideoSignals,
  checkVideoViews,
} from './bank-rules.js';

/**
 * Told about every change to banks and content, so that in-memory indexes follow the store
 * without rebuilds. Called after the change is committed. (The server's matcher is not a
 * listener: its `BankFollower` applies this process's changes from the change log, awaited
 * through `afterCommit`, in order with other processes'.)
 */
export interface BankChangeListener {
  contentAdded(contents: readonly ContentRecord[]): void;
  contentRemoved(contentIds: readonly number[]): void;
  banksChanged(): void;
}

/** Content as callers give it: signals by type name plus optional provenance. */
export type ContentInput = NewContent;

/**
 * Banks and their content: validation, storage and change notification in one place, used by
 * the CLI, the `/v1` API and the HMA-compatible routes alike.
 */
export class BankService {
  readonly #repository: BankRepository;
  readonly #listeners: BankChangeListener[] = [];
  readonly #afterCommit: (() => Promise<void>)[] = [];

  constructor(repository: BankRepository) {
    this.#repository = repository;
  }

  /** Registers a listener (the matcher) for every subsequent change. */
  subscribe(listener: BankChangeListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Registers work awaited after every committed change, before the write returns: the server's
   * `BankFollower` catching up on the change log, which then applies this change to the matcher
   * in order with other processes' (instead of the matcher listening here). The hook must not
   * throw: the change is committed whatever it does.
   */
  afterCommit(hook: () => Promise<void>): void {
    this.#afterCommit.push(hook);
  }

  get repository(): BankRepository {
    return this.#repository;
  }

  /** @throws EngineError `BANK_INVALID_NAME`, `BANK_INVALID_SETTINGS`, `BANK_ALREADY_EXISTS`. */
  async createBank(input: NewBank): Promise<BankRecord> {
    const bank = await this.#repository.createBank({
      name: checkBankName(input.name),
      description: input.description ?? '',
      enabledRatio: checkEnabledRatio(input.enabledRatio ?? 1),
      pdqThreshold: checkPdqThreshold(input.pdqThreshold ?? 31),
      negative: input.negative ?? false,
      videoViews: input.videoViews === undefined ? [] : checkVideoViews(input.videoViews),
      videoSignals: input.videoSignals === undefined ? [] : checkVideoSignals(input.videoSignals),
    });
    await this.#notify((listener) => listener.banksChanged());
    return bank;
  }

  listBanks(): Promise<BankRecord[]> {
    return this.#repository.listBanks();
  }

  /**
   * Checks that every name in a bank filter (`match --banks`, `/v1/match?banks=`) is a bank: a
   * mistyped name would otherwise filter every bank out and read as "no match".
   * @throws EngineError `BANK_NOT_FOUND` naming the unknown banks.
   */
  async requireBanks(names: readonly string[]): Promise<void> {
    const known = new Set((await this.#repository.listBanks()).map((bank) => bank.name));
    const unknown = names.filter((name) => !known.has(name));
    if (unknown.length > 0) {
      throw new EngineError(
        'BANK_NOT_FOUND',
        `${unknown.length === 1 ? 'bank' : 'banks'} ${unknown.map((name) => `'${name}'`).join(', ')} not found`,
      );
    }
  }

  /** @throws EngineError `BANK_NOT_FOUND` (message as HMA's: `bank 'NAME' not found`). */
  async getBank(name: string): Promise<BankRecord> {
    const bank = await this.#repository.getBankByName(name);
    if (bank === undefined) throw new EngineError('BANK_NOT_FOUND', `bank '${name}' not found`);
    return bank;
  }

  /** @throws EngineError `BANK_NOT_FOUND`, `BANK_INVALID_NAME`, `BANK_INVALID_SETTINGS`, `BANK_ALREADY_EXISTS`. */
  async updateBank(name: string, patch: BankPatch): Promise<BankRecord> {
    const bank = await this.getBank(name);
    const checked: BankPatch = {
      ...(patch.name !== undefined ? { name: checkBankName(patch.name) } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.enabledRatio !== undefined ? { enabledRatio: checkEnabledRatio(patch.enabledRatio) } : {}),
      ...(patch.pdqThreshold !== undefined ? { pdqThreshold: checkPdqThreshold(patch.pdqThreshold) } : {}),
      ...(patch.negative !== undefined ? { negative: patch.negative } : {}),
      ...(patch.videoViews !== undefined ? { videoViews: checkVideoViews(patch.videoViews) } : {}),
      ...(patch.videoSignals !== undefined ? { videoSignals: checkVideoSignals(patch.videoSignals) } : {}),
    };
    const updated = await this.#repository.updateBank(bank.id, checked);
    await this.#notify((listener) => listener.banksChanged());
    return updated;
  }

  /** Deletes a bank and its content; deleting a missing bank is not an error (HMA behaviour). */
  async deleteBank(name: string): Promise<{ deleted: boolean; contentRemoved: number }> {
    const bank = await this.#repository.getBankByName(name);
    if (bank === undefined) return { deleted: false, contentRemoved: 0 };
    const removed = await this.#repository.deleteBank(bank.id);
    await this.#notify((listener) => {
      listener.contentRemoved(removed);
      listener.banksChanged();
    });
    return { deleted: true, contentRemoved: removed.length };
  }

  /**
   * Adds one item by its signals (each validated by its signal type).
   *
   * @throws EngineError `BANK_NOT_FOUND`, `SIGNAL_UNKNOWN`, `SIGNAL_INVALID_HASH`, `CONTENT_INVALID`.
   */
  async addContent(bankName: string, input: ContentInput): Promise<ContentRecord> {
    const bank = await this.getBank(bankName);
    const content = await this.#repository.addContent(bank.id, checkContent(input));
    await this.#notify((listener) => listener.contentAdded([content]));
    return content;
  }

  /**
   * Hashes an image or a video (on this thread) and adds it: `hashMedia` with every banked signal
   * (`bankedSignalNames`), then `addHashedMedia`. An image gets PDQ, a video (told by its bytes,
   * see `sniffMediaFormat`) vPDQ sampled as `video` says (1 frame per second by default, as
   * python-threatexchange) and dense vPDQ (every distinct frame, for live streams; with the extra
   * views the bank's `videoViews` asks for, and TMK+PDQF, `tmk_pdqf`, when its `videoSignals` name it); both get MD5 and SHA-256 of the bytes. Media themselves are never stored (a video passes through a
   * temporary file that is deleted at once). The server hashes in its worker pool instead and
   * calls `addHashedMedia`.
   *
   * @throws EngineError `BANK_NOT_FOUND`, `CONTENT_INVALID`, decoding errors (`IMAGE_*`, `VIDEO_*`).
   */
  async addMedia(
    bankName: string,
    bytes: Uint8Array,
    decode: DecodeOptions,
    details: Omit<ContentInput, 'signals'> = {},
    video: VideoHashOptions = {},
  ): Promise<ContentRecord> {
    const bank = await this.getBank(bankName);
    const hashes = await hashMedia(bytes, {
      signals: signalsToBank(bank.videoSignals),
      dihedral: false,
      decode,
      video,
      videoViews: bank.videoViews,
    });
    return this.addHashedMedia(bankName, hashes, details);
  }

  /**
   * Adds media hashed by `hashMedia` with every banked signal (`bankedSignalNames`). An image's
   * PDQ is refused below quality 50 (it would match noise), a video when none of its frames
   * reaches quality 50. A video's dense vPDQ and TMK+PDQF are stored when they were computed (media hashed for
   * lookup only have none; the video is then found by its 1-per-second frames alone).
   *
   * @throws EngineError `BANK_NOT_FOUND`, `CONTENT_INVALID`.
   */
  async addHashedMedia(
    bankName: string,
    hashes: MediaHashes,
    details: Omit<ContentInput, 'signals'> = {},
  ): Promise<ContentRecord> {
    const { md5, sha256 } = hashes;
    if (md5 === undefined || sha256 === undefined) {
      throw new EngineError('CONTENT_INVALID', 'the media was hashed without its MD5 and SHA-256');
    }
    if (hashes.vpdq !== undefined) {
      const features = readVpdqFeatures(hashes.vpdq);
      if (!features.some((feature) => feature.quality >= pdqQualityThreshold)) {
        throw new EngineError(
          'CONTENT_INVALID',
          `Invalid vpdq signal: none of the video's ${features.length} hashed frames reaches PDQ quality ${pdqQualityThreshold}; it could never match`,
        );
      }
      const dense = hashes.vpdq_dense !== undefined ? { vpdq_dense: hashes.vpdq_dense } : {};
      const tmk = hashes.tmk_pdqf !== undefined ? { tmk_pdqf: hashes.tmk_pdqf } : {};
      return this.addContent(bankName, { ...details, signals: { vpdq: hashes.vpdq, ...dense, ...tmk, md5, sha256 } });
    }
    const { pdq, quality } = hashes;
    if (pdq === undefined || quality === undefined) {
      throw new EngineError('CONTENT_INVALID', 'the media was hashed without PDQ or vPDQ');
    }
    if (quality < pdqQualityThreshold) {
      throw new EngineError(
        'CONTENT_INVALID',
        `Invalid pdq signal: the image's PDQ quality is ${quality}, below ${pdqQualityThreshold}; it would match unrelated images`,
      );
    }
    return this.addContent(bankName, { ...details, signals: { pdq, md5, sha256 } });
  }

  /**
   * Adds many validated items to one bank in one transaction, skipping values it already holds.
   * Used by imports, which validate lines themselves.
   */
  async addContentBatch(
    bank: BankRecord,
    items: readonly ContentInput[],
  ): Promise<{ added: number; duplicates: number; addedIds: number[] }> {
    const result = await this.#repository.addContentBatch(bank.id, items);
    await this.#added(result.addedIds);
    return { added: result.addedIds.length, duplicates: result.duplicateIndexes.length, addedIds: result.addedIds };
  }

  /** @throws EngineError `CONTENT_NOT_FOUND` (message as HMA's: `content 'ID' not found`). */
  async getContent(id: number): Promise<ContentRecord> {
    const content = await this.#repository.getContent(id);
    if (content === undefined) throw new EngineError('CONTENT_NOT_FOUND', `content '${id}' not found`);
    return content;
  }

  /**
   * Changes `disableUntil` or the note. Disabling takes effect for the next lookup: matching
   * reads the content row of every hit.
   */
  async updateContent(id: number, patch: { disableUntil?: number; note?: string | null }): Promise<ContentRecord> {
    await this.getContent(id);
    const checked: ContentPatch = {
      ...(patch.disableUntil !== undefined ? { disableUntil: checkDisableUntil(patch.disableUntil) } : {}),
      ...(patch.note !== undefined ? { note: checkNote(patch.note) } : {}),
    };
    return this.#repository.updateContent(id, checked);
  }

  /** Marks content as quarantined (flood protection) or releases it (`null`). */
  setQuarantine(id: number, quarantinedAt: string | null): Promise<ContentRecord> {
    return this.#repository.updateContent(id, { quarantinedAt });
  }

  /**
   * Tells the listeners (the matcher) of changes committed by another writer of the same store in
   * this process (an exchange's page commit): the added rows are read back, so a listener sees
   * exactly what was committed. Call it after the commit.
   */
  async announceCommitted(addedIds: readonly number[], removedIds: readonly number[]): Promise<void> {
    if (removedIds.length > 0) await this.#notify((listener) => listener.contentRemoved(removedIds));
    await this.#added(addedIds);
  }

  /** Tells of added ids, read back for the listeners only when there are any (a follower reads its own). */
  async #added(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    if (this.#listeners.length === 0) return this.#settle();
    const contents = await this.#repository.getContents(ids);
    await this.#notify((listener) => listener.contentAdded(contents));
  }

  /** Deletes one item; false when it did not exist. */
  async deleteContent(id: number): Promise<boolean> {
    const deleted = await this.#repository.deleteContent(id);
    if (deleted) await this.#notify((listener) => listener.contentRemoved([id]));
    return deleted;
  }

  /** A page of a bank's content in id order. */
  async listContent(bankName: string, options: { afterId?: number; limit: number }): Promise<ContentRecord[]> {
    const bank = await this.getBank(bankName);
    return this.#repository.listContent(bank.id, options);
  }

  /** Tells the listeners, then awaits the `afterCommit` hooks. */
  async #notify(action: (listener: BankChangeListener) => void): Promise<void> {
    for (const listener of this.#listeners) action(listener);
    await this.#settle();
  }

  async #settle(): Promise<void> {
    for (const hook of this.#afterCommit) await hook();
  }
}

/** Validates signals (known types, well-formed values) and the optional fields of new content. */
export function checkContent(input: ContentInput): NewContent {
  const entries = Object.entries(input.signals);
  if (entries.length === 0) throw new EngineError('CONTENT_INVALID', 'No signals given');
  const signals: Record<string, string> = {};
  for (const [type, value] of entries) signals[type] = signalTypeByName(type).parse(value);
  if (
    input.metadata !== undefined &&
    input.metadata !== null &&
    (typeof input.metadata !== 'object' || Array.isArray(input.metadata))
  ) {
    throw new EngineError('CONTENT_INVALID', 'metadata should be a json object');
  }
  return {
    ...input,
    signals,
    note: checkNote(input.note),
    ...(input.disableUntil !== undefined ? { disableUntil: checkDisableUntil(input.disableUntil) } : {}),
  };
}
