/**
 * Cases: the one owner of the case model — lifecycle (statuses and allowed moves), the priority
 * ranking, when an event joins a case and when it opens a new one, assignment, retention and
 * legal hold, and audited reads. The engine, HTTP, the CLI and jobs call this module; storage
 * only stores what it decides: the module defines the case records and the `CaseRepository`
 * contract, and `storage/` implements it.
 */

export {
  caseDecisions,
  casePriorities,
  caseStatuses,
  checkCaseChange,
  higherPriority,
  isActive,
  prioritiesBelow,
  priorityRank,
} from './case-lifecycle.js';
export type {
  CaseFilter,
  CasePatch,
  CasePriority,
  CaseRecord,
  CaseSource,
  CaseStatus,
  CaseTimelineEntry,
  CaseTraits,
  CaseUpdate,
  LegalHold,
  NewTimelineEntry,
  TimelineEventRef,
} from './case-records.js';
export {
  type CaseEventQuery,
  type CaseRepository,
  type CaseStore,
  maxCaseQueryEvents,
  type TimelineOptions,
} from './case-repository.js';
export { defaultCaseRetentionMs, isPurgeable, retentionEndMs } from './case-retention.js';
export {
  type CaseAccess,
  type CaseAudit,
  type CaseChange,
  type CaseFile,
  type CaseListener,
  CaseService,
  type CaseServiceOptions,
  type EntityCaseView,
} from './case-service.js';
export {
  caseSources,
  caseTraits,
  entrySource,
  hashMatchSources,
  imminentHarmLabel,
  noTraits,
  sourceRank,
  sourcesBelow,
} from './case-traits.js';
export { CaseChanges, OpenCases } from './open-cases.js';
