import { EngineError, isEngineError } from '../../core/index.js';
import { subjectSides } from '../case-parties.js';
import { fincenKeyTerms, fincenKeyTermsFor } from '../key-terms.js';
import { composeNarrative } from '../narrative.js';
import type { FincenFiler, ReportCase, SuspiciousPayment } from '../report-case.js';
import { parseReportCase } from '../report-case-schema.js';
import { fitLongText, splitIntoChunks } from '../text-fitting.js';
import { element, writeXml, type XmlElement } from '../xml-writer.js';
import {
  narrativeBlockSize,
  narrativeLimit,
  otherSuspiciousActivityType,
  partyTypeCodes,
  sequencedElements,
  suspiciousActivitySubtypes,
} from './fincen-codes.js';
import { type FincenConfig, type FincenConfigInput, parseFincenConfig } from './fincen-config.js';
import { fincenDate, fincenElement, fincenField, fincenText } from './fincen-elements.js';
import {
  activityLocationParty,
  contactOfficeParty,
  filingInstitutionParty,
  subjectParty,
  transmitterContactParty,
  transmitterParty,
} from './fincen-parties.js';
import { withSequenceNumbers } from './sequence-numbers.js';

/** FinCEN's namespace for batch XML (not a URL, as FinCEN wrote it). */
export const fincenNamespace = 'www.fincen.gov/base';

/** At most this many `ActivityIPAddress` entries per activity (the schema's limit). */
const ipAddressLimit = 99;

/**
 * What goes in SAR field 2 (`FilingInstitutionNotetoFinCEN`, ≤ 50 characters): the key terms of
 * the flagged OCSE and sextortion regimes (`OCSE-FIN-2021-NTC3`, `FIN-2025-SEXTORTION`, space
 * separated), or the human trafficking key term when trafficking is the only regime. Every
 * flagged regime's key term is in the narrative in any case.
 */
export function filingInstitutionNote(input: ReportCase): string {
  const primary = [
    input.regimes.ocse ? fincenKeyTerms.ocse : undefined,
    input.regimes.sextortion ? fincenKeyTerms.sextortion : undefined,
  ].filter((term): term is string => term !== undefined);
  return (primary.length > 0 ? primary : [fincenKeyTerms.humanTrafficking]).join(' ');
}

function usdAmount(payment: SuspiciousPayment, index: number): number {
  if (payment.amountUsd !== undefined) return payment.amountUsd;
  if (payment.record.currency === 'USD') return payment.record.amount;
  throw new EngineError(
    'REQUEST_INVALID',
    `payments.${index}.amountUsd: the payment is in ${payment.record.currency}, so its amount in USD must be given`,
  );
}

/** The total in whole US dollars, rounded up as FinCEN asks (summed in cents first). */
function totalDollars(payments: readonly SuspiciousPayment[]): number {
  const cents = payments.reduce((sum, payment, index) => sum + Math.round(usdAmount(payment, index) * 100), 0);
  return Math.ceil(cents / 100);
}

function suspiciousActivity(input: ReportCase): XmlElement {
  const { regimes } = input;
  const otherText = [regimes.ocse ? 'OCSE' : undefined, regimes.sextortion ? 'SEXTORTION' : undefined]
    .filter((value) => value !== undefined)
    .join(', ');
  const classification = (subtype: string, text?: string): XmlElement =>
    fincenElement('SuspiciousActivityClassification', [
      text !== undefined && fincenText('OtherSuspiciousActivityTypeText', text),
      fincenText('SuspiciousActivitySubtypeID', subtype),
      fincenText('SuspiciousActivityTypeID', otherSuspiciousActivityType),
    ]);
  const noAmount = input.payments.length === 0;
  return fincenElement('SuspiciousActivity', [
    noAmount && fincenText('NoAmountInvolvedIndicator', 'Y'),
    fincenText('SuspiciousActivityFromDateText', fincenDate(input.activityPeriod.from, 'activityPeriod.from')),
    fincenText('SuspiciousActivityToDateText', fincenDate(input.activityPeriod.to, 'activityPeriod.to')),
    !noAmount && fincenText('TotalSuspiciousAmountText', String(totalDollars(input.payments))),
    otherText !== '' && classification(suspiciousActivitySubtypes.other, otherText),
    regimes.humanTrafficking && classification(suspiciousActivitySubtypes.humanTrafficking),
  ]);
}

function ipAddresses(input: ReportCase): XmlElement[] {
  const seen = new Set<string>();
  const entries: XmlElement[] = [];
  for (const entry of input.ipAddresses ?? []) {
    const key = `${entry.address} ${entry.seenAt ?? ''}`;
    if (seen.has(key) || entries.length === ipAddressLimit) continue;
    seen.add(key);
    const utc = entry.seenAt === undefined ? undefined : new Date(Date.parse(entry.seenAt)).toISOString();
    entries.push(
      fincenElement('ActivityIPAddress', [
        utc !== undefined && fincenText('ActivityIPAddressDateText', utc.slice(0, 10).replaceAll('-', '')),
        utc !== undefined && fincenText('ActivityIPAddressTimeStampText', utc.slice(11, 19)),
        fincenField('IPAddressText', entry.address, 39),
      ]),
    );
  }
  return entries;
}

function narrativeBlocks(input: ReportCase): XmlElement[] {
  const text = composeNarrative({
    keyTerms: fincenKeyTermsFor(input.regimes),
    narrative: input.narrative,
    typologies: input.typologies,
    payments: input.payments,
  });
  return splitIntoChunks(fitLongText(text, narrativeLimit), narrativeBlockSize).map((chunk, index) =>
    fincenElement('ActivityNarrativeInformation', [
      fincenText('ActivityNarrativeSequenceNumber', index + 1),
      fincenText('ActivityNarrativeText', chunk),
    ]),
  );
}

function filerOf(input: ReportCase): FincenFiler {
  const filer = input.reportingEntity.fincen;
  const prefix = 'reportingEntity.fincen';
  if (filer === undefined)
    throw new EngineError('REQUEST_INVALID', `${prefix}: a FinCEN SAR needs the filing institution`);
  const missing = (['state', 'postalCode'] as const).filter((key) => filer.address[key] === undefined);
  if (missing.length > 0) {
    throw new EngineError('REQUEST_INVALID', `${prefix}.address: FinCEN requires ${missing.join(' and ')}`);
  }
  return filer;
}

/** One case as an `Activity`, without sequence numbers (the batch numbers them all at once). */
function activity(input: ReportCase, config: FincenConfig): XmlElement {
  const filer = filerOf(input);
  if (!input.regimes.ocse && !input.regimes.sextortion && !input.regimes.humanTrafficking) {
    throw new EngineError(
      'REQUEST_INVALID',
      `regimes: a FinCEN SAR from Prevail needs at least one regime (ocse, sextortion, humanTrafficking)`,
    );
  }
  const prior = input.priorReport;
  const subjects = input.subjects.map((subject, subjectIndex) => {
    let sender = false;
    let receiver = false;
    for (const payment of input.payments) {
      const sides = subjectSides(subject, payment.record.payer, payment.record.payee);
      sender ||= sides.has('payer');
      receiver ||= sides.has('payee');
    }
    return subjectParty(subject, { sender, receiver }, filer, `subjects.${subjectIndex}.person`);
  });
  return fincenElement('Activity', [
    prior !== undefined && fincenText('EFilingPriorDocumentNumber', prior.documentNumber),
    fincenText('FilingDateText', fincenDate(input.filingDate, 'filingDate')),
    fincenText('FilingInstitutionNotetoFinCEN', filingInstitutionNote(input)),
    fincenElement('ActivityAssociation', [
      prior?.kind === 'continuing' && fincenText('ContinuingActivityReportIndicator', 'Y'),
      prior?.kind === 'correction' && fincenText('CorrectsAmendsPriorReportIndicator', 'Y'),
      prior === undefined && fincenText('InitialReportIndicator', 'Y'),
    ]),
    transmitterParty(config),
    transmitterContactParty(config),
    filingInstitutionParty(filer, input.caseId, config),
    contactOfficeParty(filer),
    activityLocationParty(filer, config),
    subjects,
    suspiciousActivity(input),
    ipAddresses(input),
    narrativeBlocks(input),
  ]);
}

function childrenNamed(node: XmlElement, name: string): XmlElement[] {
  return node.children.filter((child): child is XmlElement => typeof child !== 'string' && child.name === name);
}

function textOf(node: XmlElement | undefined): string {
  return node === undefined ? '' : node.children.filter((child) => typeof child === 'string').join('');
}

/**
 * The batch attributes FinCEN checks, computed from the activities as written: `TotalAmount`
 * (sum of `TotalSuspiciousAmountText`), `PartyCount` (parties with type 33, subject — FinCEN's
 * definition for SARs), `ActivityCount`, `ActivityAttachmentCount` (activities with a supporting
 * document) and `AttachmentCount` (supporting documents).
 */
export function batchTotals(activities: readonly XmlElement[]): Record<string, number> {
  let totalAmount = 0;
  let partyCount = 0;
  let attachmentCount = 0;
  let activityAttachmentCount = 0;
  for (const activityElement of activities) {
    for (const suspicious of childrenNamed(activityElement, 'fc2:SuspiciousActivity')) {
      const amount = textOf(childrenNamed(suspicious, 'fc2:TotalSuspiciousAmountText')[0]);
      totalAmount += amount === '' ? 0 : Number(amount);
    }
    partyCount += childrenNamed(activityElement, 'fc2:Party').filter(
      (partyElement) => textOf(childrenNamed(partyElement, 'fc2:ActivityPartyTypeCode')[0]) === partyTypeCodes.subject,
    ).length;
    const documents = childrenNamed(activityElement, 'fc2:ActivitySupportDocument').length;
    attachmentCount += documents;
    if (documents > 0) activityAttachmentCount += 1;
  }
  return {
    TotalAmount: totalAmount,
    PartyCount: partyCount,
    ActivityCount: activities.length,
    ActivityAttachmentCount: activityAttachmentCount,
    AttachmentCount: attachmentCount,
  };
}

/**
 * Builds a FinCEN SAR batch (`fc2:EFilingBatchXML`, FormTypeCode `SARX`, schema
 * `EFL_SARXBatchSchema.xsd` v1.2) with one `Activity` per case: the required parties
 * (transmitter 35, transmitter contact 37, filing institution 30, contact office 8, institution
 * where the activity occurred 34, one subject 33 per case subject), the key term in field 2
 * (`FilingInstitutionNotetoFinCEN`), the suspicious activity (period, total in whole dollars
 * rounded up, field 38(z) "Other" with `OCSE` and/or `SEXTORTION`, 38(h) human trafficking when
 * flagged), the IP addresses (field 43, at most 99), and the narrative — key terms first, then
 * the analyst's text, the typologies' reasons and the payments — cut with a marker at 17,000
 * characters and split into blocks of 4,000. Every element the schema gives a `SeqNum` gets a
 * unique one, increasing in document order across the batch; the batch totals are computed
 * from what was written.
 *
 * Pure: reads only its arguments (filing dates come from the cases; nothing reads the clock),
 * so the same input and config always give the same bytes. The result is UTF-8 text ending with
 * a line feed; validate it, store it exactly with its SHA-256, then upload it.
 *
 * @throws EngineError `REQUEST_INVALID` for an invalid case, no case, a case without
 *   `reportingEntity.fincen` or without any regime flagged, a non-USD payment without its USD
 *   amount, or a date FinCEN cannot hold; `CONFIG_INVALID` for an invalid config.
 */
export function buildFincenSar(input: ReportCase | readonly ReportCase[], config: FincenConfigInput): string {
  const cases: readonly ReportCase[] = Array.isArray(input) ? input : [input as ReportCase];
  if (cases.length === 0) throw new EngineError('REQUEST_INVALID', 'a FinCEN batch needs at least one case');
  const settings = parseFincenConfig(config);
  const activities = cases.map((reportCase, index) => {
    try {
      return activity(parseReportCase(reportCase), settings);
    } catch (error) {
      if (cases.length === 1 || !isEngineError(error)) throw error;
      throw new EngineError(error.code, `case ${index + 1} (${reportCase.caseId}): ${error.message}`, { cause: error });
    }
  });
  const batch = element('fc2:EFilingBatchXML', [fincenText('FormTypeCode', 'SARX'), activities], {
    ...batchTotals(activities),
    'xmlns:fc2': fincenNamespace,
  });
  return writeXml(withSequenceNumbers(batch, sequencedElements));
}
