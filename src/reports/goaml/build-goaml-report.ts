import { EngineError } from '../../core/index.js';
import { subjectsByAccount } from '../case-parties.js';
import { flaggedRegimes } from '../key-terms.js';
import { composeNarrative } from '../narrative.js';
import type { ReportCase, ReportSubject, SuspiciousPayment } from '../report-case.js';
import { parseReportCase } from '../report-case-schema.js';
import { fitLongText, fitSingleLine } from '../text-fitting.js';
import { element, optionalTextElement, textElement, writeXml, type XmlElement } from '../xml-writer.js';
import { type GoamlConfig, type GoamlConfigInput, parseGoamlConfig } from './goaml-config.js';
import { goamlAddress, goamlSubjectPerson } from './goaml-parties.js';
import {
  type GoamlTransactionContext,
  goamlPaymentParty,
  goamlTransaction,
  ownClientRole,
} from './goaml-transaction.js';
import { GoamlClock, goamlCommentLimit, goamlDate } from './goaml-values.js';

/** The report indicators: the flagged regimes' codes, then each alerted typology's, without repeats. */
function reportIndicators(input: ReportCase, config: GoamlConfig): string[] {
  const found = new Set<string>();
  for (const regime of flaggedRegimes(input.regimes)) {
    for (const code of config.regimeIndicators[regime] ?? []) found.add(code);
  }
  for (const typology of input.typologies) {
    for (const code of config.typologyIndicators[typology.id] ?? []) found.add(code);
  }
  return found.size > 0 ? [...found] : [...config.defaultIndicators];
}

function regimeKeyTerms(input: ReportCase, config: GoamlConfig): string[] {
  return flaggedRegimes(input.regimes).flatMap((regime) => {
    const term = config.regimeKeyTerms[regime];
    return term === undefined ? [] : [term];
  });
}

function subjectReason(subject: ReportSubject, payments: readonly SuspiciousPayment[]): string {
  const accounts = new Set(subject.accounts.map((account) => account.id));
  const sent = payments.filter((payment) => accounts.has(payment.record.payer.account)).length;
  const received = payments.filter((payment) => accounts.has(payment.record.payee.account)).length;
  return `Subject of the case: sent ${sent} and received ${received} of the ${payments.length} suspicious payments.`;
}

/**
 * The `activity` body: one `report_party` per subject (their KYC as `person`, significance
 * `subjectSignificance`), then one per counterparty of the payments that is not a subject
 * (significance `counterpartySignificance`), each with a short reason.
 */
function activity(input: ReportCase, context: GoamlTransactionContext): XmlElement {
  const { config } = context;
  const parties: XmlElement[] = input.subjects.map((subject, index) =>
    element('report_party', [
      goamlSubjectPerson('person', subject.person, false, config, `subjects.${index}.person`),
      textElement('significance', config.subjectSignificance),
      textElement('reason', fitLongText(subjectReason(subject, input.payments), goamlCommentLimit)),
    ]),
  );
  const ownRole = ownClientRole(config);
  const counterparties = new Map<string, { element: XmlElement; count: number }>();
  input.payments.forEach((payment, index) => {
    for (const role of ['payer', 'payee'] as const) {
      const party = payment.record[role];
      if (context.subjects.has(party.account)) continue;
      const known = counterparties.get(party.account);
      if (known !== undefined) {
        known.count += 1;
        continue;
      }
      const account = role === ownRole ? undefined : payment.counterpartyAccount;
      const field = `payments.${index}.record.${role}`;
      counterparties.set(party.account, {
        element: goamlPaymentParty(
          (kind) => kind,
          party,
          { ownClient: false, subject: undefined, account },
          context,
          field,
        ),
        count: 1,
      });
    }
  });
  for (const { element: party, count } of counterparties.values()) {
    parties.push(
      element('report_party', [
        party,
        textElement('significance', config.counterpartySignificance),
        textElement('reason', `Counterparty of ${count} of the suspicious payments.`),
      ]),
    );
  }
  return element('activity', [element('report_parties', parties)]);
}

/**
 * Builds a goAML 5.0.1 report (no namespace, elements in the schema's sequence) for one case:
 * header (`rentity_id`, `rentity_branch`, `submission_code`, `report_code`, `entity_reference`
 * = case id, `report_date` = filing date, `currency_code_local`, `reporting_user_code`),
 * `location`, `reason` (the FIU's key terms for the flagged regimes, the narrative and the
 * typologies' reasons, cut with a marker at 8,000 characters), `action` when given, then either
 * one `transaction` per suspicious payment (`reportForm: transactions`, e.g. STR) or one
 * `activity` listing the parties (`reportForm: activity`, e.g. SAR; the payments are then listed
 * in `reason`), and `report_indicators` mapped from the regimes and typologies.
 *
 * Pure: reads only its arguments (the filing date comes from the input; nothing reads the
 * clock), so the same input and config always give the same bytes. The result is UTF-8 text
 * ending with a line feed; store it exactly, with its SHA-256, before upload.
 *
 * It does not check the FIU's own XSD or business rules: validate the result against them (the
 * FIU's code lists replace the `-` defaults).
 *
 * @throws EngineError `REQUEST_INVALID` for an invalid case, a case without `reportingEntity.goaml`,
 *   a transactions-form report without payments, or data goAML requires that the case lacks;
 *   `CONFIG_INVALID` for an invalid config.
 */
export function buildGoamlStr(input: ReportCase, config: GoamlConfigInput): string {
  parseReportCase(input);
  const settings = parseGoamlConfig(config);
  const entity = input.reportingEntity.goaml;
  if (entity === undefined) {
    throw new EngineError('REQUEST_INVALID', 'reportingEntity.goaml: a goAML report needs the goAML reporting entity');
  }
  if (settings.reportForm === 'transactions' && input.payments.length === 0) {
    throw new EngineError(
      'REQUEST_INVALID',
      'payments: a goAML report in the transactions form needs at least one payment (use reportForm: activity)',
    );
  }
  const context: GoamlTransactionContext = {
    config: settings,
    clock: new GoamlClock(settings.timeZone),
    localCurrency: entity.localCurrency,
    subjects: subjectsByAccount(input),
  };
  const reason = composeNarrative({
    keyTerms: regimeKeyTerms(input, settings),
    narrative: input.narrative,
    typologies: input.typologies,
    ...(settings.reportForm === 'activity' ? { payments: input.payments } : {}),
  });
  const report = element('report', [
    textElement('rentity_id', entity.rentityId),
    textElement('rentity_branch', fitSingleLine(entity.branch, 255)),
    textElement('submission_code', settings.submissionCode),
    textElement('report_code', settings.reportCode),
    textElement('entity_reference', fitSingleLine(input.caseId, 255)),
    textElement('report_date', goamlDate(input.filingDate, 'filingDate')),
    textElement('currency_code_local', entity.localCurrency),
    textElement('reporting_user_code', entity.reportingUserCode),
    goamlAddress('location', entity.location, settings),
    reason !== '' && textElement('reason', fitLongText(reason, goamlCommentLimit)),
    optionalTextElement(
      'action',
      input.actionTaken === undefined ? undefined : fitLongText(input.actionTaken, goamlCommentLimit),
    ),
    settings.reportForm === 'transactions'
      ? input.payments.map((payment, index) => goamlTransaction(payment, index, context))
      : activity(input, context),
    element(
      'report_indicators',
      reportIndicators(input, settings).map((code) => textElement('indicator', code)),
    ),
  ]);
  return writeXml(report);
}
