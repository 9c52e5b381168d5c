/**
 * Review: the case view a reviewer works from (subject, two-hop graph, timeline with guidance
 * citations, typology scores, the policy text of the rules that fired, comments, second opinions,
 * media through a seam), the decisions taken from it with a reason required per action
 * (`console.yaml`), labels, reports, dashboards and the audit reader. The module defines the
 * `ReviewRepository` contract; `storage/` implements it.
 */

export { type ChatMessageSource, type ExposureCheck, withoutMessageText } from './chat-messages.js';
export type { CybertipSubmitInput, ReportMedia, SubmissionSummary } from './cybertip-submission.js';
export {
  type DecisionPolicy,
  defaultDecisionPolicy,
  loadDecisionPolicy,
  parseDecisionPolicy,
} from './decision-policy.js';
export { citationsOf, citationsOfAll } from './guidance.js';
export type { MatchFeedbackRequest, MatchFeedbackView, ReviewMatchFeedback } from './match-feedback.js';
export { loadReportFiler } from './report-settings.js';
export type { ReviewSubmissions } from './report-submissions.js';
export { defaultRevealPolicy, loadRevealPolicy, parseRevealPolicy, type RevealPolicy } from './reveal-policy.js';
export {
  type CaseComment,
  type CasePlacement,
  type CaseView,
  type ChatIndicatorItem,
  type ChatView,
  type Classification,
  classifications,
  type Dashboards,
  type DecisionInput,
  type FirstDecision,
  type MediaItem,
  type RevealedMessage,
  type ReviewAction,
  type ReviewRepository,
  reviewActions,
  type TimelineItem,
} from './review-records.js';
export {
  type BuiltReport,
  type CaseReports,
  type MediaLister,
  maxCommentLength,
  maxTimelineItems,
  type ReviewAudit,
  type ReviewQueues,
  ReviewService,
  type ReviewServiceOptions,
} from './review-service.js';
