/**
 * Exchange sync: keeping banks equal to upstream hash lists. Exchanges (their kind, config,
 * interval, sealed credentials), the fetch runner (a database lease per exchange, pages committed
 * with their checkpoint, time boxes, malformed pages retried then alerted), the scheduler's tick,
 * credential rotation, feedback upstream read from committed decisions and given by reviewers
 * (`decision-feedback.ts`, `case-feedback.ts`), and the `ExchangeRepository` contract `storage/` implements. It knows no
 * client by name: the composition root hands it an `ExchangeKindRegistry` (`exchanges/`).
 */
export {
  type CaseFeedbackInput,
  feedbackStates,
  type MatchFeedback,
  maxUpstreamReasonLength,
} from './case-feedback.js';
export { openCredentials, sealCredentials } from './credential-seal.js';
export type { CaseMatch, CaseMatches } from './decision-feedback.js';
export { ExchangeFeedPublisher, maxFeedPageItems } from './exchange-feed.js';
export { ExchangeFetcher, type FetchReport, type FetchSettings } from './exchange-fetcher.js';
export type {
  DecisionEntry,
  ExchangeDefinition,
  ExchangeFetchStatus,
  ExchangeRepository,
  FeedbackRecord,
  FeedbackRequest,
  FeedbackSettlement,
  FeedChanges,
  FetchOutcome,
  NewExchange,
  NewFeedbackRequest,
  PageCommit,
  PageCommitResult,
  SealedCredentials,
  UpstreamItem,
} from './exchange-records.js';
export {
  defaultIntervalSeconds,
  type ExchangeFeedbackInput,
  type ExchangeInput,
  ExchangeService,
  maxIntervalSeconds,
  minIntervalSeconds,
} from './exchange-service.js';
