import type { BankService } from '../banks/index.js';
import { EngineError } from '../core/index.js';
import { type ExchangeFeedback, type ExchangeKindRegistry, printable } from '../exchanges/index.js';
import { type CaseMatch, type CaseMatches, maxCaseRequests, maxFeedbackMatches } from './decision-feedback.js';
import type { ExchangeDefinition, ExchangeRepository, FeedbackRecord } from './exchange-records.js';

/**
 * Where the feedback on one match stands: `none` (nothing asked yet), `queued` (waiting for the
 * job, or for a retry), `sent`, `failed` (for good; `errorCode` says why) or `unsupported` (the
 * exchange's API takes no feedback: its kind, or StopNCII without a feedback key).
 */
export const feedbackStates = ['none', 'queued', 'sent', 'failed', 'unsupported'] as const;
export type FeedbackState = (typeof feedbackStates)[number];

/** One match of a case against an exchange's bank, with its feedback (`caseFeedback`). */
export interface MatchFeedback {
  readonly exchange: string;
  readonly kind: string;
  readonly contentId: number;
  /** The item's upstream key; null when the item is gone or no longer carries the exchange's provenance. */
  readonly key: string | null;
  readonly signalType: string;
  readonly state: FeedbackState;
  /** The verdict of the newest request (null: none). */
  readonly verdict: ExchangeFeedback['verdict'] | null;
  /** Who asked for the newest request (`person:<login>`, `api:<key>`), or null. */
  readonly actor: string | null;
  readonly attempts: number;
  readonly errorCode: string | null;
  /** When the newest request was settled, or asked for while it waits (ISO); null: none. */
  readonly updatedAt: string | null;
  /** How many requests this match has had (each decision or explicit request is one). */
  readonly requests: number;
}

/** Input of {@link giveCaseFeedback}. */
export interface CaseFeedbackInput {
  readonly caseId: number;
  readonly exchange: string;
  /** The matched bank item (the match's `contentId`). */
  readonly contentId: number;
  /** Which of the match's signals; needed only when the case matched the item on several. */
  readonly signalType?: string | undefined;
  readonly verdict: ExchangeFeedback['verdict'];
  /** Sent to the exchange (NCMEC: a reason GUID; StopNCII: a tag); at most 200 printable characters. */
  readonly upstreamReason?: string | undefined;
  readonly actor: string;
}

/** The error code a request that the exchange's API cannot take fails with. */
export const unsupportedCode = 'EXCHANGE_FEEDBACK_UNSUPPORTED';
/** Longest reason sent to an exchange. */
export const maxUpstreamReasonLength = 200;

/** What the case feedback needs. */
export interface CaseFeedbackDeps {
  readonly repository: ExchangeRepository;
  readonly banks: BankService;
  readonly kinds: ExchangeKindRegistry;
  readonly caseMatches: CaseMatches | undefined;
  readonly clock: () => number;
}

/** A case's matches, or `CASE_NOT_FOUND`. */
async function matchesOf(deps: CaseFeedbackDeps, caseId: number): Promise<readonly CaseMatch[]> {
  const matches = await deps.caseMatches?.(caseId);
  if (matches === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
  return matches;
}

/** The state of a match from its requests, newest last. */
function stateOf(requests: readonly FeedbackRecord[]): FeedbackState {
  const newest = requests.at(-1);
  if (newest === undefined) return 'none';
  if (newest.status === 'pending') return 'queued';
  if (newest.status === 'sent') return 'sent';
  return newest.lastErrorCode === unsupportedCode ? 'unsupported' : 'failed';
}

/** One match's feedback from the case's requests (oldest first). */
function feedbackOf(
  deps: CaseFeedbackDeps,
  exchange: ExchangeDefinition,
  match: { contentId: number; key: string | null; signalType: string },
  requests: readonly FeedbackRecord[],
): MatchFeedback {
  const mine = requests.filter(
    (request) =>
      request.exchange === exchange.name && request.key === match.key && request.signalType === match.signalType,
  );
  const newest = mine.at(-1);
  return {
    exchange: exchange.name,
    kind: exchange.kind,
    contentId: match.contentId,
    key: match.key,
    signalType: match.signalType,
    state: deps.kinds.find(exchange.kind)?.takesFeedback === true ? stateOf(mine) : 'unsupported',
    verdict: newest?.verdict ?? null,
    actor: newest?.actor ?? null,
    attempts: newest?.attempts ?? 0,
    errorCode: newest?.lastErrorCode ?? null,
    updatedAt: newest === undefined ? null : (newest.settledAt ?? newest.createdAt),
    requests: mine.length,
  };
}

/**
 * Each match of the case against an exchange's bank (at most {@link maxFeedbackMatches}, once per
 * item and signal type) with where its feedback stands. Matches of other banks are left out.
 * Shows no case material: exchange names, item ids and keys, states.
 *
 * @throws EngineError `CASE_NOT_FOUND`.
 */
export async function caseFeedback(deps: CaseFeedbackDeps, caseId: number): Promise<MatchFeedback[]> {
  const matches = await matchesOf(deps, caseId);
  const requests = await deps.repository.feedbackOfCase(caseId, maxCaseRequests);
  const exchanges = new Map<string, ExchangeDefinition | undefined>();
  const seen = new Set<string>();
  const answer: MatchFeedback[] = [];
  for (const match of matches) {
    if (answer.length >= maxFeedbackMatches) break;
    const once = JSON.stringify([match.bank, match.contentId, match.signalType]);
    if (seen.has(once)) continue;
    seen.add(once);
    if (!exchanges.has(match.bank)) exchanges.set(match.bank, await deps.repository.getExchange(match.bank));
    const exchange = exchanges.get(match.bank);
    if (exchange === undefined) continue;
    const upstream = (await deps.banks.repository.getContent(match.contentId))?.upstream;
    const key = upstream !== undefined && upstream.exchange === exchange.name ? upstream.key : null;
    answer.push(feedbackOf(deps, exchange, { ...match, key }, requests));
  }
  return answer;
}

/**
 * Records a reviewer's explicit verdict on one match of a case (console, `/v1`), sent by the
 * `exchanges.feedback` job like a decision's. Asking again for the verdict the match's newest
 * request already carries (queued or sent) records nothing; a different verdict, or the same
 * after a failure, is a new request. Two identical requests racing store one (their key names
 * the request they follow).
 *
 * @returns the match's feedback after it, and whether a request was stored.
 * @throws EngineError `EXCHANGE_NOT_FOUND`; `EXCHANGE_FEEDBACK_UNSUPPORTED` (the kind takes no
 *   feedback); `CASE_NOT_FOUND`; `CONTENT_NOT_FOUND` (the case has no such match, or the item no
 *   longer carries the exchange's provenance); `REQUEST_INVALID` (several signals and none named;
 *   an upstream reason too long or with control characters).
 */
export async function giveCaseFeedback(
  deps: CaseFeedbackDeps,
  exchange: ExchangeDefinition,
  input: CaseFeedbackInput,
): Promise<{ feedback: MatchFeedback; queued: boolean }> {
  if (deps.kinds.find(exchange.kind)?.takesFeedback !== true) {
    throw new EngineError(unsupportedCode, `exchange kind ${exchange.kind} takes no feedback`);
  }
  const reason = input.upstreamReason;
  if (reason !== undefined && (reason.length > maxUpstreamReasonLength || /[\p{Cc}\u2028\u2029]/u.test(reason))) {
    throw new EngineError(
      'REQUEST_INVALID',
      `upstreamReason must be at most ${maxUpstreamReasonLength} characters without control characters`,
    );
  }
  const matches = (await matchesOf(deps, input.caseId)).filter(
    (match) =>
      match.bank === exchange.name &&
      match.contentId === input.contentId &&
      (input.signalType === undefined || match.signalType === input.signalType),
  );
  const signalTypes = [...new Set(matches.map((match) => match.signalType))];
  const signalType = signalTypes[0];
  if (signalType === undefined) {
    throw new EngineError(
      'CONTENT_NOT_FOUND',
      `case ${input.caseId} has no match of item ${input.contentId} of exchange '${exchange.name}'${
        input.signalType === undefined ? '' : ` on ${printable(input.signalType)}`
      }`,
    );
  }
  if (signalTypes.length > 1) {
    throw new EngineError('REQUEST_INVALID', `the case matched that item on ${signalTypes.join(', ')}: name one`);
  }
  const upstream = (await deps.banks.repository.getContent(input.contentId))?.upstream;
  if (upstream === undefined || upstream.exchange !== exchange.name) {
    throw new EngineError('CONTENT_NOT_FOUND', `item ${input.contentId} no longer carries exchange '${exchange.name}'`);
  }
  const match = { contentId: input.contentId, key: upstream.key, signalType };
  const requests = await deps.repository.feedbackOfCase(input.caseId, maxCaseRequests);
  const before = feedbackOf(deps, exchange, match, requests);
  if (before.verdict === input.verdict && (before.state === 'queued' || before.state === 'sent')) {
    return { feedback: before, queued: false };
  }
  const follows =
    requests
      .filter((row) => row.exchange === exchange.name && row.key === upstream.key && row.signalType === signalType)
      .at(-1)?.id ?? 0;
  const stored = await deps.repository.queueFeedback(
    [
      {
        exchangeId: exchange.id,
        key: upstream.key,
        signalType,
        verdict: input.verdict,
        caseId: input.caseId,
        actor: input.actor,
        onceKey: JSON.stringify([
          'explicit',
          input.caseId,
          exchange.id,
          upstream.key,
          signalType,
          input.verdict,
          follows,
        ]),
        upstreamReason: reason ?? null,
      },
    ],
    new Date(deps.clock()).toISOString(),
  );
  const after = feedbackOf(deps, exchange, match, await deps.repository.feedbackOfCase(input.caseId, maxCaseRequests));
  return { feedback: after, queued: stored > 0 };
}
