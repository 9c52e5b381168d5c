import { EngineError, isEngineError } from '../core/index.js';
import type { Logger } from '../logging/index.js';
import { checkPlan } from './check-plan.js';
import { type CybertipCall, fileInfoCall, finishCall, retractCall, submitCall, uploadCall } from './cybertip-call.js';
import type { CybertipOutcome } from './cybertip-client.js';
import { ReportLedger } from './report-ledger.js';
import { defaultRetryPolicy, nextAttemptAt, type RetryPolicy } from './retry-policy.js';
import type {
  LedgerEntry,
  SubmissionError,
  SubmissionFileRecord,
  SubmissionFileSource,
  SubmissionPatch,
  SubmissionPlan,
  SubmissionRecord,
} from './submission-records.js';
import type { SubmissionRepository } from './submission-repository.js';

/** What the submitter writes to the audit log (the shape of `AuditLog.record`'s actions). */
export interface SubmissionAuditAction {
  readonly actor: string;
  readonly action:
    | 'report.cybertip.create'
    | 'report.cybertip.finish'
    | 'report.cybertip.retract'
    | 'report.cybertip.fail';
  readonly subject: string;
  readonly reason: string;
  readonly detail?: unknown;
}

export interface CybertipSubmitterOptions {
  /** Sends the calls (`CybertipClient`, or anything with its `send`). */
  readonly client: { send(call: CybertipCall, signal?: AbortSignal): Promise<CybertipOutcome> };
  readonly repository: SubmissionRepository;
  /** The bytes of a file at the moment of reporting: from the evidence vault, or fetched from the platform's URL. */
  readonly readFile: (source: SubmissionFileSource) => Promise<Uint8Array>;
  /** Renders a file's stored `details` into its `<fileDetails>` document once NCMEC gave the ids. */
  readonly renderFileDetails: (details: unknown, ids: { readonly reportId: string; readonly fileId: string }) => string;
  readonly audit: (action: SubmissionAuditAction) => Promise<unknown>;
  /**
   * Called once when NCMEC accepted `/finish`, with the finished record: the receipt that starts
   * the one-year preservation (the integrator preserves the report and its files there). A
   * failure is logged and retried by `retryDue`; success is recorded so it is never called again.
   */
  readonly onReceipt: (record: SubmissionRecord) => Promise<void>;
  readonly now?: () => Date;
  readonly retry?: RetryPolicy;
  /** How long a run holds a submission before another process may take it over (default 10 minutes). */
  readonly leaseMs?: number;
  readonly logger?: Logger;
  /**
   * Called after each step is stored (`submitted`, `uploaded:<n>`, `described:<n>`, `finished`).
   * A throw stops the run there and propagates, as a crash would: nothing more is written, the
   * lease is kept until it runs out. For progress reports and for tests that simulate a crash.
   */
  readonly afterStep?: (record: SubmissionRecord, step: string) => void | Promise<void>;
}

/** Why a step could not go on: the failed call (or local read) and how bad it is. */
class StepFailure extends Error {
  constructor(readonly failure: SubmissionError) {
    super(failure.text);
  }
}

/** Evidence that is gone or a URL Prevail may not fetch will not come back by retrying. */
const permanentReadCodes = new Set([
  'EVIDENCE_NOT_FOUND',
  'EVIDENCE_UNREADABLE',
  'INPUT_NOT_FOUND',
  'INPUT_EMPTY',
  'INPUT_TOO_LARGE',
  'URL_INVALID',
  'URL_HOST_NOT_ALLOWED',
]);

const auditReason = 'report to the NCMEC CyberTipline (18 U.S.C. § 2258A)';

/**
 * Sends reports to NCMEC's CyberTipline and keeps every step, so that each case decision yields
 * exactly one finished report, whatever crashes, restarts or network failures happen between
 * the calls. The documented sequence is `/submit` → (`/upload` → `/fileinfo`)* → `/finish`;
 * every step is stored before the next call, so a run continues where the last one stopped:
 *
 * - `created` (nothing acknowledged) → `/submit`; the report id is stored → `submitted`;
 * - per file, in order: `/upload` (the file id is stored → `uploaded`), `/fileinfo` (→ `described`);
 * - `/finish` → `finished` (a 5102 "already finished" for our own report counts, for a finish
 *   whose answer was lost), the ledger line, then `onReceipt`.
 *
 * Transient failures (NCMEC 1000, 1100, 1110, 1111, HTTP 5xx, timeouts, connection failures) wait
 * for the retry policy's next attempt (`retryDue`); permanent ones, or running out of attempts,
 * end the submission: an opened report is retracted (`retracted`; `failed` when even that fails),
 * one never opened is `failed`. Every request and answer is kept (`exchanges`).
 */
export class CybertipSubmitter {
  readonly #options: CybertipSubmitterOptions;
  readonly #repository: SubmissionRepository;
  readonly #now: () => Date;
  readonly #retry: RetryPolicy;
  readonly #leaseMs: number;
  readonly #ledger: ReportLedger;
  /** Runs in this process, by submission id: one run per submission at a time. */
  readonly #running = new Map<number, Promise<SubmissionRecord>>();

  constructor(options: CybertipSubmitterOptions) {
    this.#options = options;
    this.#repository = options.repository;
    this.#now = options.now ?? (() => new Date());
    this.#retry = options.retry ?? defaultRetryPolicy;
    this.#leaseMs = options.leaseMs ?? 10 * 60_000;
    this.#ledger = new ReportLedger(options.repository);
  }

  /**
   * Submits a plan and resolves to its record when the run stops: `finished`, `retracted`,
   * `failed`, or still `created`/`submitted` with `nextAttemptAt` set (a transient failure waits
   * for `retryDue`). A plan whose idempotency key is known returns the stored record and sends
   * nothing.
   *
   * @throws EngineError `REQUEST_INVALID` for a malformed plan (nothing stored);
   *   `CASE_ALREADY_REPORTED` when the ledger shows the case reported to NCMEC (or a report of
   *   it is under way) and the plan is not `supplemental`.
   */
  async submit(plan: SubmissionPlan): Promise<SubmissionRecord> {
    checkPlan(plan);
    const existing = await this.#repository.findByIdempotencyKey(plan.idempotencyKey);
    if (existing !== undefined) return existing;
    if (plan.supplemental !== true) await this.#refuseSecondReport(plan.caseId);
    const now = this.#now();
    const { record, created } = await this.#repository.createSubmission(
      {
        idempotencyKey: plan.idempotencyKey,
        caseId: plan.caseId,
        supplemental: plan.supplemental === true,
        actor: plan.actor ?? 'system:submitter',
        reportXml: plan.reportXml,
        files: plan.files.map((file, position) => ({
          position,
          name: file.name,
          source: file.source,
          details: JSON.parse(JSON.stringify(file.details)) as unknown,
        })),
        createdAt: now.toISOString(),
      },
      this.#leaseUntil(),
    );
    if (!created) return record;
    await this.#options.audit({
      actor: record.actor,
      action: 'report.cybertip.create',
      subject: `case:${record.caseId}`,
      reason: auditReason,
      detail: { submission: record.id, idempotencyKey: record.idempotencyKey, files: record.files.length },
    });
    return this.#runOnce(record.id);
  }

  /**
   * Continues, at start, every submission a previous process left unfinished (a crash between
   * any two calls) whose lease has run out and that waits for no later retry; also delivers
   * receipts not yet delivered. Resolves to the records as the runs left them.
   *
   * `takeOverLeases`: continue them even while their lease runs, for a deployment where this is
   * the only process that submits (one SQLite file, one server), so any lease in the store was
   * left by this process's previous life and a restart need not wait for it to run out. Never
   * with several processes on one database: two could then run the same submission.
   */
  resumePending(options: { readonly takeOverLeases?: boolean } = {}): Promise<SubmissionRecord[]> {
    return this.#continueWorkable(options.takeOverLeases === true);
  }

  /**
   * For a periodic job: runs the submissions whose next attempt is due (and anything
   * `resumePending` would pick up). Resolves to the records as the runs left them.
   */
  retryDue(): Promise<SubmissionRecord[]> {
    return this.#continueWorkable();
  }

  /** The stored record of a submission. */
  find(id: number): Promise<SubmissionRecord | undefined> {
    return this.#repository.findSubmission(id);
  }

  /** The case's submissions, oldest first (for the console). */
  submissionsOf(caseId: number): Promise<SubmissionRecord[]> {
    return this.#repository.submissionsOfCase(caseId);
  }

  /** Where the case's reports went (NCMEC, FIUs…), oldest first. */
  ledger(caseId: number): Promise<LedgerEntry[]> {
    return this.#ledger.entries(caseId);
  }

  async #refuseSecondReport(caseId: number): Promise<void> {
    const reported = await this.#ledger.reportedTo(caseId, 'ncmec');
    if (reported.length > 0)
      throw new EngineError(
        'CASE_ALREADY_REPORTED',
        `case ${caseId} was reported to NCMEC (report ${reported.map((entry) => entry.externalId).join(', ')}); mark a further report supplemental`,
      );
    const underway = (await this.#repository.submissionsOfCase(caseId)).filter(
      (record) => record.status === 'created' || record.status === 'submitted',
    );
    if (underway.length > 0)
      throw new EngineError(
        'CASE_ALREADY_REPORTED',
        `a report of case ${caseId} to NCMEC is under way (submission ${underway[0]?.id}); mark a further report supplemental`,
      );
  }

  async #continueWorkable(takeOver = false): Promise<SubmissionRecord[]> {
    const results: SubmissionRecord[] = [];
    const ids = await this.#repository.workable(this.#now().toISOString(), 100, takeOver);
    for (const id of ids) {
      if (this.#running.has(id)) continue;
      if (!(await this.#repository.claim(id, this.#now().toISOString(), this.#leaseUntil(), takeOver))) continue;
      results.push(await this.#runOnce(id));
    }
    return results;
  }

  /** Runs a submission this process holds the lease of, once at a time in this process. */
  #runOnce(id: number): Promise<SubmissionRecord> {
    const running = this.#running.get(id);
    if (running !== undefined) return running;
    const run = this.#run(id).finally(() => this.#running.delete(id));
    this.#running.set(id, run);
    return run;
  }

  #leaseUntil(): string {
    return new Date(this.#now().getTime() + this.#leaseMs).toISOString();
  }

  async #reload(id: number): Promise<SubmissionRecord> {
    const record = await this.#repository.findSubmission(id);
    if (record === undefined) throw new EngineError('INTERNAL', `submission ${id} vanished`);
    return record;
  }

  /** Writes a patch (renewing the lease, or releasing it when `release`) and returns the record. */
  async #update(id: number, patch: Omit<SubmissionPatch, 'updatedAt'>, release = false): Promise<SubmissionRecord> {
    await this.#repository.updateSubmission(
      id,
      { ...patch, updatedAt: this.#now().toISOString() },
      release ? null : this.#leaseUntil(),
    );
    return this.#reload(id);
  }

  async #step(record: SubmissionRecord, step: string): Promise<void> {
    await this.#options.afterStep?.(record, step);
  }

  async #run(id: number): Promise<SubmissionRecord> {
    let record = await this.#reload(id);
    if (record.status === 'finished') return this.#deliverReceipt(record);
    if (record.status !== 'created' && record.status !== 'submitted') return record;
    record = await this.#update(id, { attempts: record.attempts + 1, nextAttemptAt: null });
    try {
      if (record.status === 'created') {
        const outcome = await this.#call(record, submitCall(record.reportXml));
        const reportId = outcome.response?.reportId;
        if (reportId === undefined)
          throw new StepFailure({ endpoint: '/submit', kind: 'permanent', text: 'the answer has no reportId' });
        record = await this.#update(id, { status: 'submitted', reportId });
        await this.#step(record, 'submitted');
      }
      const reportId = record.reportId as string;
      for (const file of record.files) {
        let current: SubmissionFileRecord = file;
        if (current.step === 'pending') {
          current = await this.#upload(record, reportId, current);
          record = await this.#update(id, {});
          await this.#step(record, `uploaded:${current.position}`);
        }
        if (current.step === 'uploaded') {
          await this.#describe(record, reportId, current);
          record = await this.#update(id, {});
          await this.#step(record, `described:${current.position}`);
        }
      }
      const finish = await this.#call(record, finishCall(reportId), [5102]);
      const finishedAt = this.#now().toISOString();
      record = await this.#update(id, { status: 'finished', finishedAt, lastError: null });
      await this.#ledger.record({
        caseId: record.caseId,
        destination: 'ncmec',
        externalId: reportId,
        status: 'finished',
        at: finishedAt,
      });
      await this.#options.audit({
        actor: record.actor,
        action: 'report.cybertip.finish',
        subject: `case:${record.caseId}`,
        reason: auditReason,
        detail: { submission: id, reportId, files: record.files.length, answer: finish.text },
      });
      this.#options.logger?.info({ submission: id, caseId: record.caseId, reportId }, 'CyberTipline report finished');
      await this.#step(record, 'finished');
      return await this.#deliverReceipt(record);
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      return this.#handleFailure(await this.#reload(id), error.failure);
    }
  }

  /** Reads, uploads and records one file; returns it as `uploaded`. */
  async #upload(record: SubmissionRecord, reportId: string, file: SubmissionFileRecord): Promise<SubmissionFileRecord> {
    let bytes: Uint8Array;
    try {
      bytes = await this.#options.readFile(file.source);
    } catch (error) {
      const code = isEngineError(error) ? error.code : undefined;
      throw new StepFailure({
        endpoint: '/upload',
        kind: code !== undefined && permanentReadCodes.has(code) ? 'permanent' : 'transient',
        text: `file ${file.position + 1} (${file.name}) could not be read: ${code ?? ''}${code === undefined ? '' : ': '}${error instanceof Error ? error.message : String(error)}`,
      });
    }
    const call = uploadCall(reportId, { name: file.name, bytes });
    const outcome = await this.#call(record, call);
    const fileId = outcome.response?.fileId;
    if (fileId === undefined)
      throw new StepFailure({ endpoint: '/upload', kind: 'permanent', text: 'the answer has no fileId' });
    const remoteHash = outcome.response?.hash;
    const patch = {
      step: 'uploaded' as const,
      fileId,
      size: call.digest.size,
      sha256: call.digest.sha256,
      ...(remoteHash === undefined ? {} : { remoteHash }),
    };
    await this.#repository.updateFile(record.id, file.position, patch);
    return { ...file, ...patch };
  }

  async #describe(record: SubmissionRecord, reportId: string, file: SubmissionFileRecord): Promise<void> {
    let xml: string;
    try {
      xml = this.#options.renderFileDetails(file.details, { reportId, fileId: file.fileId as string });
    } catch (error) {
      throw new StepFailure({
        endpoint: '/fileinfo',
        kind: 'permanent',
        text: `the details of file ${file.position + 1} (${file.name}) could not be rendered: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
    await this.#call(record, fileInfoCall(xml));
    await this.#repository.updateFile(record.id, file.position, { step: 'described' });
  }

  /**
   * Sends one call, keeping the request before it goes and the answer when it comes.
   *
   * @throws StepFailure unless the outcome is ok (or its response code is one of `alsoOk`).
   */
  async #call(record: SubmissionRecord, call: CybertipCall, alsoOk: readonly number[] = []): Promise<CybertipOutcome> {
    const seq = await this.#repository.addExchange({
      submissionId: record.id,
      endpoint: call.endpoint,
      method: call.method,
      requestBody: call.recorded,
      sentAt: this.#now().toISOString(),
    });
    const outcome = await this.#options.client.send(call);
    await this.#repository.answerExchange(record.id, seq, {
      answeredAt: this.#now().toISOString(),
      ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
      ...(outcome.responseBody === undefined ? {} : { responseBody: outcome.responseBody }),
      ...(outcome.response === undefined ? {} : { responseCode: outcome.response.responseCode }),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
    });
    const code = outcome.response?.responseCode;
    if (outcome.kind === 'ok' || (code !== undefined && alsoOk.includes(code))) return outcome;
    throw new StepFailure({
      endpoint: call.endpoint,
      kind: outcome.kind === 'transient' ? 'transient' : 'permanent',
      text: outcome.text,
      ...(code === undefined ? {} : { responseCode: code }),
      ...(outcome.httpStatus === undefined ? {} : { httpStatus: outcome.httpStatus }),
    });
  }

  /** A transient failure waits for its retry while the policy allows; anything else ends the submission. */
  async #handleFailure(record: SubmissionRecord, failure: SubmissionError): Promise<SubmissionRecord> {
    const now = this.#now();
    if (failure.kind === 'transient') {
      const next = nextAttemptAt(this.#retry, record.attempts, new Date(record.createdAt), now);
      if (next !== undefined) {
        this.#options.logger?.warn(
          {
            submission: record.id,
            caseId: record.caseId,
            endpoint: failure.endpoint,
            nextAttemptAt: next.toISOString(),
          },
          `CyberTipline call failed, will retry: ${failure.text}`,
        );
        return this.#update(record.id, { nextAttemptAt: next.toISOString(), lastError: failure }, true);
      }
      failure = { ...failure, text: `gave up after ${record.attempts} attempts: ${failure.text}` };
    }
    let status: 'failed' | 'retracted' = 'failed';
    let retraction: string | undefined;
    if (record.status === 'submitted' && record.reportId !== undefined) {
      try {
        const outcome = await this.#call(record, retractCall(record.reportId), [5101]);
        status = 'retracted';
        retraction = outcome.text;
      } catch (error) {
        if (!(error instanceof StepFailure)) throw error;
        retraction = `the retraction failed too: ${error.failure.text}`;
      }
    }
    this.#options.logger?.error(
      { submission: record.id, caseId: record.caseId, endpoint: failure.endpoint, status },
      `CyberTipline report stopped: ${failure.text}`,
    );
    const stopped = await this.#update(record.id, { status, lastError: failure }, true);
    await this.#options.audit({
      actor: record.actor,
      action: status === 'retracted' ? 'report.cybertip.retract' : 'report.cybertip.fail',
      subject: `case:${record.caseId}`,
      reason: auditReason,
      detail: {
        submission: record.id,
        ...(record.reportId === undefined ? {} : { reportId: record.reportId }),
        error: failure,
        ...(retraction === undefined ? {} : { retraction }),
      },
    });
    return stopped;
  }

  /** Calls `onReceipt` once for a finished submission; a failure waits for `retryDue`. */
  async #deliverReceipt(record: SubmissionRecord): Promise<SubmissionRecord> {
    if (record.receiptDeliveredAt !== undefined) {
      return this.#update(record.id, {}, true);
    }
    try {
      await this.#options.onReceipt(record);
    } catch (error) {
      const retryAt = new Date(this.#now().getTime() + this.#retry.firstDelayMs).toISOString();
      this.#options.logger?.error(
        { submission: record.id, caseId: record.caseId, reportId: record.reportId, nextAttemptAt: retryAt },
        `the receipt of a finished CyberTipline report could not be delivered: ${error instanceof Error ? error.message : String(error)}`,
      );
      return this.#update(record.id, { nextAttemptAt: retryAt }, true);
    }
    return this.#update(record.id, { receiptDeliveredAt: this.#now().toISOString(), nextAttemptAt: null }, true);
  }
}
