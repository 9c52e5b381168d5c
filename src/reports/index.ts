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
