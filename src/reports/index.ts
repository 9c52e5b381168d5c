/**
 * Reports: pure builders that turn one confirmed payments case into the XML document a
 * financial intelligence unit accepts — a goAML report (STR with transactions, or SAR with an
 * activity) and a FinCEN SAR batch. Builders read only their arguments: no storage, no clock,
 * no network, so the same case and config always give the same bytes. Sending a document
 * (goAML Web, BSA E-Filing), retries and idempotency belong to submitters, elsewhere.
 *
 * The case comes as plain data (`ReportCase`); each format has its own versioned, zod-checked
 * configuration (`GoamlConfig`, `FincenConfig`). Field mappings, key terms and what an operator
 * must still do (the FIU's own XSD and code lists) are in `docs/reports.md`.
 */

export { buildCaseReport, notReadyPrefix } from './build-case-report.js';
export { reportCaseFromCase } from './case-report.js';
export { type CurrencyRates, convertAmount } from './currency-rates.js';
// NCMEC CyberTipline: the <report> and <fileDetails> builders, the case assembly and the filer's section (docs/cybertipline.md).
export {
  buildCybertipFileDetails,
  parseCybertipFile,
} from './cybertipline/build-cybertip-file-details.js';
export { buildCybertipReport, parseCybertipReport } from './cybertipline/build-cybertip-report.js';
export type { CybertipCaseFacts } from './cybertipline/cybertip-case-facts.js';
export { hashMatchOnlyStatement } from './cybertipline/cybertip-case-files.js';
export { type CybertipConfig, type CybertipContact, parseCybertipConfig } from './cybertipline/cybertip-config.js';
export {
  type CybertipAssembly,
  cybertipChatReadiness,
  cybertipReportFromCase,
} from './cybertipline/cybertip-from-case.js';
export type {
  CybertipFileInput,
  CybertipInternetDetail,
  CybertipIpCaptureEvent,
  CybertipPerson,
  CybertipReportedUser,
  CybertipReportInput,
} from './cybertipline/cybertip-schema.js';
export {
  type CybertipEventName,
  type CybertipFileAnnotation,
  type CybertipHashType,
  type CybertipIncidentType,
  type CybertipIndustryClassification,
  type CybertipReportAnnotation,
  cybertipEventNames,
  cybertipFileAnnotations,
  cybertipHashTypes,
  cybertipIncidentTypes,
  cybertipIndustryClassifications,
  cybertipReportAnnotations,
} from './cybertipline/cybertip-values.js';
export { buildFincenSar, filingInstitutionNote, fincenNamespace } from './fincen/build-fincen-sar.js';
export {
  type FincenConfig,
  type FincenConfigInput,
  fincenConfigVersion,
  parseFincenConfig,
} from './fincen/fincen-config.js';
export { buildGoamlStr } from './goaml/build-goaml-report.js';
export {
  type GoamlConfig,
  type GoamlConfigInput,
  goamlConfigVersion,
  parseGoamlConfig,
} from './goaml/goaml-config.js';
export { fincenKeyTerms, fincenKeyTermsFor, type Regime, regimes } from './key-terms.js';
export type {
  AlertedTypology,
  CounterpartyAccount,
  FincenFiler,
  FincenTinType,
  GoamlReportingEntity,
  IdentityDocument,
  IdentityDocumentType,
  ObservedIpAddress,
  PhoneNumber,
  PostalAddress,
  PriorReport,
  RegimeFlags,
  ReportCase,
  ReportingEntity,
  ReportSubject,
  SubjectAccount,
  SubjectPerson,
  SuspiciousPayment,
} from './report-case.js';
export { fincenTinTypes, identityDocumentTypes } from './report-case.js';
export { parseReportCase } from './report-case-schema.js';
export {
  type CounterpartyFacts,
  checkReportFiler,
  parseReportFiler,
  type ReportFiler,
  type TransactionSelection,
} from './report-filer.js';
export { type ReportFormat, reportReadiness } from './report-readiness.js';
export {
  type CaseEvent,
  type CaseFile,
  type ReportEventQuery,
  reportEventQuery,
  selectReportPayments,
} from './report-transactions.js';
