import { EngineError } from '../core/index.js';
import type { CasePriority, CaseRecord, CaseStatus } from './case-records.js';

/**
 * A case's statuses, in the order a case usually goes through them:
 * - `open`: the engine opened it (a rule's case effect, or a typology at its case threshold);
 * - `in_review`: a person is working on it;
 * - `escalated`: handed to a senior reviewer or another team;
 * - `decided`: a decision (`confirmed` or `dismissed`) is recorded and the case awaits closing
 *   or reporting;
 * - `reported`: a report (goAML, FinCEN) was filed;
 * - `closed`: done. Closed is final: a closed case is never reopened. Its retention clock starts
 *   when it is closed.
 */
export const caseStatuses: readonly CaseStatus[] = ['open', 'in_review', 'escalated', 'decided', 'reported', 'closed'];

/** Priorities, lowest first: the one ranking of case priority. */
export const casePriorities: readonly CasePriority[] = ['low', 'medium', 'high', 'urgent'];

/** The decisions a case can record. */
export const caseDecisions = ['confirmed', 'dismissed'] as const;

/**
 * The status changes people may make. Every status may go to `closed`; nothing leaves `closed`
 * (new activity on the subject opens a new case instead, see `CaseChanges`). Setting a status to
 * the one it already has is not a change and is always allowed.
 */
const allowedNext: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  open: ['in_review', 'escalated', 'decided', 'closed'],
  in_review: ['open', 'escalated', 'decided', 'closed'],
  escalated: ['in_review', 'decided', 'reported', 'closed'],
  decided: ['in_review', 'escalated', 'reported', 'closed'],
  reported: ['closed'],
  closed: [],
};

/** True while a case is not closed: events may join it and it is never purged. */
export function isActive(status: CaseStatus): boolean {
  return status !== 'closed';
}

/**
 * Checks a change of a case against the lifecycle: the status move must be allowed, a `decided`
 * case needs a decision, and a closed case cannot be changed (a legal hold may still be set or
 * cleared, which `legalHoldOnly` says).
 *
 * @throws EngineError `CASE_TRANSITION_INVALID` naming the case, the move and what is allowed.
 */
export function checkCaseChange(
  current: CaseRecord,
  change: { readonly status?: CaseStatus; readonly decision?: 'confirmed' | 'dismissed' | null },
  legalHoldOnly: boolean,
): void {
  if (current.status === 'closed' && !legalHoldOnly) {
    throw new EngineError(
      'CASE_TRANSITION_INVALID',
      `case ${current.id} is closed and cannot change (only its legal hold can); new activity opens a new case`,
    );
  }
  const next = change.status ?? current.status;
  if (next !== current.status && !allowedNext[current.status].includes(next)) {
    const allowed = allowedNext[current.status];
    throw new EngineError(
      'CASE_TRANSITION_INVALID',
      `case ${current.id} cannot go from ${current.status} to ${next}; allowed: ${allowed.join(', ') || '(none)'}`,
    );
  }
  const decision = change.decision !== undefined ? change.decision : current.decision;
  if (next === 'decided' && decision === null) {
    throw new EngineError('CASE_TRANSITION_INVALID', `case ${current.id}: status decided needs a decision`);
  }
}

/** The rank of a priority (low 1 … urgent 4). */
export function priorityRank(priority: CasePriority): number {
  return casePriorities.indexOf(priority) + 1;
}

/** The higher of two priorities. */
export function higherPriority(a: CasePriority, b: CasePriority): CasePriority {
  return priorityRank(b) > priorityRank(a) ? b : a;
}

/** The priorities ranked below `priority` (those it replaces when the engine raises a case). */
export function prioritiesBelow(priority: CasePriority): CasePriority[] {
  return casePriorities.filter((item) => priorityRank(item) < priorityRank(priority));
}
