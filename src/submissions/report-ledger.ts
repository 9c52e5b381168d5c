import { EngineError } from '../core/index.js';
import type { LedgerEntry } from './submission-records.js';
import type { SubmissionRepository } from './submission-repository.js';
import { checkCaseId, hasControlCharacter } from './text-checks.js';

/**
 * The "reported to" ledger: per case, every report that left Prevail and where it went (NCMEC,
 * an FIU through goAML or FinCEN, later others such as the UK NCA), so that nothing is reported
 * twice by mistake and the console shows where each case went. The CyberTipline submitter writes
 * the NCMEC line when NCMEC accepts `/finish`; the FIU report flow writes its own lines.
 */
export class ReportLedger {
  readonly #repository: SubmissionRepository;

  constructor(repository: SubmissionRepository) {
    this.#repository = repository;
  }

  /**
   * Adds one line.
   *
   * @throws EngineError `REQUEST_INVALID` for a case id that is not a positive whole number, a
   *   blank destination, external id or status, or a time that is not ISO-8601 UTC.
   */
  async record(entry: LedgerEntry): Promise<void> {
    checkCaseId(entry.caseId);
    for (const [name, value] of [
      ['destination', entry.destination],
      ['externalId', entry.externalId],
      ['status', entry.status],
    ] as const) {
      if (typeof value !== 'string' || value.trim() === '' || value.length > 200 || hasControlCharacter(value))
        throw new EngineError(
          'REQUEST_INVALID',
          `a ledger entry's ${name} is 1 to 200 characters without control characters`,
        );
    }
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(entry.at) || Number.isNaN(Date.parse(entry.at)))
      throw new EngineError('REQUEST_INVALID', "a ledger entry's time is ISO-8601 UTC");
    await this.#repository.addLedgerEntry(entry);
  }

  /** Where the case's reports went, oldest first. */
  async entries(caseId: number): Promise<LedgerEntry[]> {
    checkCaseId(caseId);
    return this.#repository.ledger(caseId);
  }

  /** The case's lines for one destination (`ncmec`, `goaml`…). */
  async reportedTo(caseId: number, destination: string): Promise<LedgerEntry[]> {
    return (await this.entries(caseId)).filter((entry) => entry.destination === destination);
  }
}
