import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BankService } from '../banks/index.js';
import { EngineError, toEngineError } from '../core/index.js';
import type { ExchangeCheckpoint, ExchangeClient, ExchangePage } from '../exchanges/index.js';
import type { Logger } from '../logging/index.js';
import type { ExchangeDefinition, ExchangeRepository, UpstreamItem } from './exchange-records.js';
import { badKeyReason, clampProgress, toUpstreamItem } from './upstream-items.js';

/** How fetches are paced (HMA's values by default). */
export interface FetchSettings {
  /** Commit once this many keys are pending (HMA 5,000). */
  readonly commitEveryRecords?: number;
  /** Commit once this long has passed since the last commit, in ms (HMA 60 s). */
  readonly commitEveryMs?: number;
  /** Stop fetching one exchange after this long, in ms; what was fetched is committed (HMA 240 s). */
  readonly timeBoxMs?: number;
  /** Attempts after the first for a malformed page before the fetch fails and alerts (default 3). */
  readonly malformedRetries?: number;
  /** Wait before retrying a malformed page, doubled each time (default 1 s). */
  readonly malformedBackoffMs?: number;
  /** How long past the time box a lease lasts if its holder dies (default 60 s). */
  readonly leaseMarginMs?: number;
}

/** What one fetch did. */
export interface FetchReport {
  readonly exchange: string;
  /** The upstream was exhausted within the time box. */
  readonly upToDate: boolean;
  /** The time box (or a shutdown's abort) ended the fetch; what was fetched is committed. */
  readonly timedOut: boolean;
  readonly pages: number;
  readonly commits: number;
  readonly upserts: number;
  readonly removals: number;
  /** Keys stored as nothing: every value held by another item of the bank. */
  readonly skipped: number;
  /** Keys refused (malformed) and signal values dropped (unknown type, malformed value). */
  readonly droppedKeys: number;
  readonly droppedSignals: number;
}

/** Makes the client of an exchange (kind, config and opened credentials). */
export type ClientFactory = (exchange: ExchangeDefinition) => Promise<ExchangeClient>;

/**
 * Runs one fetch of one exchange: takes the exchange's database lease (at most one fetcher per
 * exchange across processes; `EXCHANGE_BUSY` otherwise), then asks the client for pages from the
 * committed checkpoint and commits the keyed changes **with** the page's checkpoint in one
 * transaction every `commitEveryRecords` keys or `commitEveryMs`, at the end of the upstream, and
 * when the time box ends. Keys are merged last-write-wins before a commit, and storage leaves
 * unchanged items alone, so replaying pages after a crash changes nothing. After each commit the
 * bank service tells the matcher, so an added or withdrawn value matches (or stops) at once.
 *
 * A page that throws `EXCHANGE_PAGE_MALFORMED` is retried with backoff, then the fetch fails with
 * that code, logged at error level with `alert: true` and recorded in the status: never skipped.
 * Any failure loses only the uncommitted keys; the next fetch resumes from the last commit.
 */
export class ExchangeFetcher {
  readonly #repository: ExchangeRepository;
  readonly #banks: BankService;
  readonly #clientOf: ClientFactory;
  readonly #logger: Logger | undefined;
  readonly #clock: () => number;
  readonly #settings: Required<FetchSettings>;

  constructor(options: {
    repository: ExchangeRepository;
    banks: BankService;
    clientOf: ClientFactory;
    settings?: FetchSettings;
    logger?: Logger;
    clock?: () => number;
  }) {
    this.#repository = options.repository;
    this.#banks = options.banks;
    this.#clientOf = options.clientOf;
    this.#logger = options.logger;
    this.#clock = options.clock ?? Date.now;
    this.#settings = {
      commitEveryRecords: 5000,
      commitEveryMs: 60_000,
      timeBoxMs: 240_000,
      malformedRetries: 3,
      malformedBackoffMs: 1000,
      leaseMarginMs: 60_000,
      ...options.settings,
    };
  }

  /**
   * Fetches `exchange` once (disabled exchanges too: the caller decides).
   * @throws EngineError `EXCHANGE_BUSY`, or the fetch's failure (recorded in the status first).
   */
  async fetch(exchange: ExchangeDefinition, options: { signal?: AbortSignal } = {}): Promise<FetchReport> {
    const settings = this.#settings;
    const owner = `${hostname()}:${process.pid}:${randomUUID()}`;
    const started = this.#clock();
    const leaseUntil = () => new Date(this.#clock() + settings.timeBoxMs + settings.leaseMarginMs).toISOString();
    if (
      !(await this.#repository.tryLease(exchange.id, owner, new Date(started).toISOString(), leaseUntil())) &&
      !(await this.#takeOverDeadHolder(exchange, owner, leaseUntil()))
    ) {
      throw new EngineError(
        'EXCHANGE_BUSY',
        `exchange '${exchange.name}' is being fetched by another process (its lease is held)`,
      );
    }
    const timeBox = new AbortController();
    const timer = setTimeout(() => timeBox.abort(), settings.timeBoxMs);
    const signal = options.signal === undefined ? timeBox.signal : AbortSignal.any([options.signal, timeBox.signal]);
    const totals = { pages: 0, commits: 0, upserts: 0, removals: 0, skipped: 0, droppedKeys: 0, droppedSignals: 0 };
    let upToDate = false;
    let timedOut = false;
    try {
      await this.#repository.startFetch(exchange.id, new Date(started).toISOString());
      const client = await this.#clientOf(exchange);
      const status = await this.#repository.getStatus(exchange.id);
      let checkpoint: ExchangeCheckpoint | null = status.checkpoint;
      let progress = status.progressTimestamp;
      const pending = new Map<string, UpstreamItem | null>();
      let pendingCheckpoint: ExchangeCheckpoint | undefined;
      let lastCommit = this.#clock();
      const commit = async (replacesAll: boolean): Promise<void> => {
        if (pendingCheckpoint === undefined) return;
        const result = await this.#repository.commitPage({
          exchangeId: exchange.id,
          bankId: exchange.bankId,
          exchangeName: exchange.name,
          leaseOwner: owner,
          leaseUntil: leaseUntil(),
          changes: pending,
          replacesAll,
          checkpoint: pendingCheckpoint,
          progressTimestamp: progress,
          committedAt: new Date(this.#clock()).toISOString(),
        });
        totals.commits++;
        totals.upserts += result.upserts;
        totals.removals += result.removals;
        totals.skipped += result.skipped;
        pending.clear();
        pendingCheckpoint = undefined;
        lastCommit = this.#clock();
        await this.#banks.announceCommitted(result.addedIds, result.removedIds);
      };
      for (;;) {
        let page: ExchangePage;
        try {
          page = await this.#page(exchange, client, checkpoint, signal);
        } catch (error) {
          // The time box or a shutdown: stop asking, and commit what was fetched.
          if (signal.aborted) {
            timedOut = true;
            break;
          }
          throw error;
        }
        totals.pages++;
        if (page.replacesAll === true) await commit(false);
        for (const delta of page.deltas) {
          const bad = badKeyReason(delta.key);
          if (bad !== undefined) {
            totals.droppedKeys++;
            this.#logger?.warn({ exchange: exchange.name, reason: bad }, 'exchange key dropped');
            continue;
          }
          const { item, droppedSignals } =
            delta.record === null ? { item: null, droppedSignals: 0 } : toUpstreamItem(delta.record);
          totals.droppedSignals += droppedSignals;
          pending.delete(delta.key);
          pending.set(delta.key, item);
        }
        checkpoint = page.checkpoint;
        pendingCheckpoint = page.checkpoint;
        progress = clampProgress(progress, page.checkpoint);
        if (page.replacesAll === true) await commit(true);
        else if (
          !page.more ||
          pending.size >= settings.commitEveryRecords ||
          this.#clock() - lastCommit >= settings.commitEveryMs
        ) {
          await commit(false);
        }
        if (!page.more) {
          upToDate = true;
          break;
        }
        if (signal.aborted) {
          timedOut = true;
          break;
        }
      }
      await commit(false);
      await this.#repository.finishFetch(exchange.id, {
        endedAt: new Date(this.#clock()).toISOString(),
        succeeded: true,
        upToDate,
        errorCode: null,
        errorMessage: null,
        upserts: totals.upserts,
        removals: totals.removals,
        skipped: totals.skipped,
      });
      this.#logger?.info({ exchange: exchange.name, upToDate, timedOut, ...totals }, 'exchange fetched');
      return { exchange: exchange.name, upToDate, timedOut, ...totals };
    } catch (error) {
      const failure = toEngineError(error);
      await this.#repository
        .finishFetch(exchange.id, {
          endedAt: new Date(this.#clock()).toISOString(),
          succeeded: false,
          upToDate: false,
          errorCode: failure.code,
          errorMessage: failure.message,
          upserts: totals.upserts,
          removals: totals.removals,
          skipped: totals.skipped,
        })
        .catch(() => undefined);
      this.#logger?.error(
        {
          exchange: exchange.name,
          code: failure.code,
          err: failure.message,
          alert: failure.code === 'EXCHANGE_PAGE_MALFORMED' || failure.code === 'EXCHANGE_SIGNATURE_INVALID',
        },
        'exchange fetch failed; the next fetch resumes from the last commit',
      );
      throw failure;
    } finally {
      clearTimeout(timer);
      await this.#repository.releaseLease(exchange.id, owner).catch(() => undefined);
    }
  }

  /**
   * Takes the lease over at once when its holder was a process of this host that no longer exists
   * (it was killed mid-fetch): waiting out its expiry would only delay the resume. A holder on
   * another host is left until its lease expires.
   */
  async #takeOverDeadHolder(exchange: ExchangeDefinition, owner: string, until: string): Promise<boolean> {
    const holder = (await this.#repository.getStatus(exchange.id)).leaseOwner;
    if (holder === null) return false;
    const [host, pidText] = holder.split(':');
    const pid = Number(pidText);
    if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isAlive(pid))
      return false;
    const taken = await this.#repository.takeOverLease(exchange.id, holder, owner, until);
    if (taken)
      this.#logger?.warn(
        { exchange: exchange.name, previousHolder: holder },
        'took over the lease of a fetcher that died',
      );
    return taken;
  }

  /** One page, a malformed one retried with backoff; the checkpoint is checked to be storable. */
  async #page(
    exchange: ExchangeDefinition,
    client: ExchangeClient,
    checkpoint: ExchangeCheckpoint | null,
    signal: AbortSignal,
  ): Promise<ExchangePage> {
    let wait = this.#settings.malformedBackoffMs;
    for (let attempt = 0; ; attempt++) {
      try {
        const page = await client.fetchPage(checkpoint, { signal });
        checkPage(page);
        return page;
      } catch (error) {
        signal.throwIfAborted();
        const failure = toEngineError(error);
        if (failure.code !== 'EXCHANGE_PAGE_MALFORMED' || attempt >= this.#settings.malformedRetries) throw failure;
        this.#logger?.warn(
          { exchange: exchange.name, attempt: attempt + 1, err: failure.message },
          'malformed exchange page; retrying',
        );
        await sleep(wait, undefined, { signal });
        wait *= 2;
      }
    }
  }
}

/** Whether a process of this host with this id exists (signal 0 checks without sending). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Largest checkpoint stored, as JSON text. */
const maxCheckpointLength = 65_536;

function checkPage(page: ExchangePage): void {
  const fine =
    typeof page === 'object' &&
    page !== null &&
    Array.isArray(page.deltas) &&
    typeof page.more === 'boolean' &&
    typeof page.checkpoint === 'object' &&
    page.checkpoint !== null &&
    !Array.isArray(page.checkpoint);
  if (!fine)
    throw new EngineError('EXCHANGE_PAGE_MALFORMED', 'the client returned a page without deltas, checkpoint or more');
  let text: string | undefined;
  try {
    text = JSON.stringify(page.checkpoint);
  } catch {
    text = undefined;
  }
  if (text === undefined || text.length > maxCheckpointLength) {
    throw new EngineError(
      'EXCHANGE_PAGE_MALFORMED',
      `the page's checkpoint is not JSON of at most ${maxCheckpointLength} characters`,
    );
  }
}
