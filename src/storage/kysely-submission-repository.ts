import type { Kysely, Selectable } from 'kysely';
import type {
  ExchangeAnswer,
  LedgerEntry,
  NewSubmission,
  SubmissionError,
  SubmissionExchange,
  SubmissionFilePatch,
  SubmissionFileRecord,
  SubmissionFileStep,
  SubmissionPatch,
  SubmissionRecord,
  SubmissionRepository,
  SubmissionStatus,
} from '../submissions/index.js';
import { type DialectName, sqlBoolean } from './dialect.js';
import { isUniqueViolation } from './storage-errors.js';
import type {
  SubmissionDatabase,
  SubmissionExchangesTable,
  SubmissionFilesTable,
  SubmissionsTable,
} from './submission-tables.js';

function toFile(row: Selectable<SubmissionFilesTable>): SubmissionFileRecord {
  return {
    position: Number(row.position),
    name: row.name,
    source: JSON.parse(row.source_json),
    details: JSON.parse(row.details_json),
    step: row.step as SubmissionFileStep,
    ...(row.file_id === null ? {} : { fileId: row.file_id }),
    ...(row.size === null ? {} : { size: Number(row.size) }),
    ...(row.sha256 === null ? {} : { sha256: row.sha256 }),
    ...(row.remote_hash === null ? {} : { remoteHash: row.remote_hash }),
  };
}

function toSubmission(row: Selectable<SubmissionsTable>, files: SubmissionFileRecord[]): SubmissionRecord {
  return {
    id: Number(row.id),
    idempotencyKey: row.idempotency_key,
    caseId: Number(row.case_id),
    destination: 'ncmec',
    supplemental: row.supplemental === true || row.supplemental === 1,
    actor: row.actor,
    status: row.status as SubmissionStatus,
    reportXml: row.report_xml,
    ...(row.report_id === null ? {} : { reportId: row.report_id }),
    files,
    attempts: Number(row.attempts),
    ...(row.next_attempt_at === null ? {} : { nextAttemptAt: row.next_attempt_at }),
    ...(row.last_error_json === null ? {} : { lastError: JSON.parse(row.last_error_json) as SubmissionError }),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    ...(row.finished_at === null ? {} : { finishedAt: row.finished_at }),
    ...(row.receipt_delivered_at === null ? {} : { receiptDeliveredAt: row.receipt_delivered_at }),
  };
}

function toExchange(row: Selectable<SubmissionExchangesTable>): SubmissionExchange {
  return {
    submissionId: Number(row.submission_id),
    seq: Number(row.seq),
    endpoint: row.endpoint,
    method: row.method as 'GET' | 'POST',
    requestBody: row.request_body,
    sentAt: row.sent_at,
    ...(row.answered_at === null ? {} : { answeredAt: row.answered_at }),
    ...(row.http_status === null ? {} : { httpStatus: Number(row.http_status) }),
    ...(row.response_body === null ? {} : { responseBody: row.response_body }),
    ...(row.response_code === null ? {} : { responseCode: Number(row.response_code) }),
    ...(row.error === null ? {} : { error: row.error }),
  };
}

/** The submission store on SQLite and PostgreSQL (the same queries on both). */
export class KyselySubmissionRepository implements SubmissionRepository {
  constructor(
    private readonly db: Kysely<SubmissionDatabase>,
    private readonly dialect: DialectName,
  ) {}

  async createSubmission(
    submission: NewSubmission,
    leaseUntil: string,
  ): Promise<{ record: SubmissionRecord; created: boolean }> {
    let id: number;
    try {
      id = await this.db.transaction().execute(async (transaction) => {
        const row = await transaction
          .insertInto('submissions')
          .values({
            idempotency_key: submission.idempotencyKey,
            case_id: submission.caseId,
            destination: 'ncmec',
            supplemental: sqlBoolean(this.dialect, submission.supplemental),
            actor: submission.actor,
            status: 'created',
            report_xml: submission.reportXml,
            report_id: null,
            attempts: 0,
            next_attempt_at: null,
            last_error_json: null,
            created_at: submission.createdAt,
            updated_at: submission.createdAt,
            finished_at: null,
            receipt_delivered_at: null,
            lease_until: leaseUntil,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const submissionId = Number(row.id);
        if (submission.files.length > 0)
          await transaction
            .insertInto('submission_files')
            .values(
              submission.files.map((file) => ({
                submission_id: submissionId,
                position: file.position,
                name: file.name,
                source_json: JSON.stringify(file.source),
                details_json: JSON.stringify(file.details ?? null),
                step: 'pending',
                file_id: null,
                size: null,
                sha256: null,
                remote_hash: null,
              })),
            )
            .execute();
        return submissionId;
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.findByIdempotencyKey(submission.idempotencyKey);
      if (existing === undefined) throw error;
      return { record: existing, created: false };
    }
    const record = await this.findSubmission(id);
    if (record === undefined) throw new Error(`submission ${id} was not stored`);
    return { record, created: true };
  }

  async #withFiles(row: Selectable<SubmissionsTable> | undefined): Promise<SubmissionRecord | undefined> {
    if (row === undefined) return undefined;
    const files = await this.db
      .selectFrom('submission_files')
      .selectAll()
      .where('submission_id', '=', row.id)
      .orderBy('position')
      .execute();
    return toSubmission(row, files.map(toFile));
  }

  async findSubmission(id: number): Promise<SubmissionRecord | undefined> {
    return this.#withFiles(await this.db.selectFrom('submissions').selectAll().where('id', '=', id).executeTakeFirst());
  }

  async findByIdempotencyKey(key: string): Promise<SubmissionRecord | undefined> {
    return this.#withFiles(
      await this.db.selectFrom('submissions').selectAll().where('idempotency_key', '=', key).executeTakeFirst(),
    );
  }

  async submissionsOfCase(caseId: number): Promise<SubmissionRecord[]> {
    const rows = await this.db
      .selectFrom('submissions')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();
    const records: SubmissionRecord[] = [];
    for (const row of rows) records.push((await this.#withFiles(row)) as SubmissionRecord);
    return records;
  }

  async workable(now: string, limit: number, ignoreLeases = false): Promise<number[]> {
    const rows = await this.db
      .selectFrom('submissions')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('status', 'in', ['created', 'submitted']),
          eb.and([eb('status', '=', 'finished'), eb('receipt_delivered_at', 'is', null)]),
        ]),
      )
      .where((eb) =>
        ignoreLeases ? eb.lit(true) : eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]),
      )
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', now)]))
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.id));
  }

  async claim(id: number, now: string, leaseUntil: string, takeOver = false): Promise<boolean> {
    let update = this.db.updateTable('submissions').set({ lease_until: leaseUntil }).where('id', '=', id);
    if (!takeOver) update = update.where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]));
    const result = await update.executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async updateSubmission(id: number, patch: SubmissionPatch, leaseUntil: string | null): Promise<void> {
    await this.db
      .updateTable('submissions')
      .set({
        updated_at: patch.updatedAt,
        lease_until: leaseUntil,
        ...(patch.status === undefined ? {} : { status: patch.status }),
        ...(patch.reportId === undefined ? {} : { report_id: patch.reportId }),
        ...(patch.attempts === undefined ? {} : { attempts: patch.attempts }),
        ...(patch.nextAttemptAt === undefined ? {} : { next_attempt_at: patch.nextAttemptAt }),
        ...(patch.lastError === undefined
          ? {}
          : { last_error_json: patch.lastError === null ? null : JSON.stringify(patch.lastError) }),
        ...(patch.finishedAt === undefined ? {} : { finished_at: patch.finishedAt }),
        ...(patch.receiptDeliveredAt === undefined ? {} : { receipt_delivered_at: patch.receiptDeliveredAt }),
      })
      .where('id', '=', id)
      .execute();
  }

  async updateFile(id: number, position: number, patch: SubmissionFilePatch): Promise<void> {
    await this.db
      .updateTable('submission_files')
      .set({
        step: patch.step,
        ...(patch.fileId === undefined ? {} : { file_id: patch.fileId }),
        ...(patch.size === undefined ? {} : { size: patch.size }),
        ...(patch.sha256 === undefined ? {} : { sha256: patch.sha256 }),
        ...(patch.remoteHash === undefined ? {} : { remote_hash: patch.remoteHash }),
      })
      .where('submission_id', '=', id)
      .where('position', '=', position)
      .execute();
  }

  async addExchange(exchange: Omit<SubmissionExchange, 'seq' | keyof ExchangeAnswer>): Promise<number> {
    return this.db.transaction().execute(async (transaction) => {
      const last = await transaction
        .selectFrom('submission_exchanges')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .where('submission_id', '=', exchange.submissionId)
        .executeTakeFirst();
      const seq = Number(last?.seq ?? 0) + 1;
      await transaction
        .insertInto('submission_exchanges')
        .values({
          submission_id: exchange.submissionId,
          seq,
          endpoint: exchange.endpoint,
          method: exchange.method,
          request_body: exchange.requestBody,
          sent_at: exchange.sentAt,
          answered_at: null,
          http_status: null,
          response_body: null,
          response_code: null,
          error: null,
        })
        .execute();
      return seq;
    });
  }

  async answerExchange(submissionId: number, seq: number, answer: ExchangeAnswer): Promise<void> {
    await this.db
      .updateTable('submission_exchanges')
      .set({
        answered_at: answer.answeredAt,
        http_status: answer.httpStatus ?? null,
        response_body: answer.responseBody ?? null,
        response_code: answer.responseCode ?? null,
        error: answer.error ?? null,
      })
      .where('submission_id', '=', submissionId)
      .where('seq', '=', seq)
      .execute();
  }

  async exchanges(submissionId: number): Promise<SubmissionExchange[]> {
    const rows = await this.db
      .selectFrom('submission_exchanges')
      .selectAll()
      .where('submission_id', '=', submissionId)
      .orderBy('seq')
      .execute();
    return rows.map(toExchange);
  }

  async addLedgerEntry(entry: LedgerEntry): Promise<void> {
    await this.db
      .insertInto('report_ledger')
      .values({
        case_id: entry.caseId,
        destination: entry.destination,
        external_id: entry.externalId,
        status: entry.status,
        at: entry.at,
      })
      .execute();
  }

  async ledger(caseId: number): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('report_ledger')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      caseId: Number(row.case_id),
      destination: row.destination,
      externalId: row.external_id,
      status: row.status,
      at: row.at,
    }));
  }
}
