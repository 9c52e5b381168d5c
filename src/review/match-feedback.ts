/**
 * The review service's seam to feedback upstream (exchange-sync's `caseFeedback` and
 * `giveCaseFeedback`, wired by the composition root; review imports no exchange module): where
 * the feedback on each match of a case from an exchange's bank stands, and a reviewer's explicit
 * true or false positive on one.
 */

/** One match of a case against an exchange's bank, with where its feedback stands. */
export interface MatchFeedbackView {
  readonly exchange: string;
  readonly kind: string;
  readonly contentId: number;
  readonly key: string | null;
  readonly signalType: string;
  /** `none`, `queued`, `sent`, `failed` or `unsupported` (the exchange's API takes no feedback). */
  readonly state: 'none' | 'queued' | 'sent' | 'failed' | 'unsupported';
  readonly verdict: 'true_positive' | 'false_positive' | null;
  readonly actor: string | null;
  readonly attempts: number;
  readonly errorCode: string | null;
  readonly updatedAt: string | null;
  readonly requests: number;
}

/** A reviewer's verdict on one match (the console's body, without the reason). */
export interface MatchFeedbackRequest {
  readonly exchange: string;
  readonly contentId: number;
  readonly signalType?: string | undefined;
  readonly verdict: 'true_positive' | 'false_positive';
  /** Sent to the exchange (NCMEC: a reason GUID); never the audit reason. */
  readonly upstreamReason?: string | undefined;
}

/** What the review service calls; absent: a case shows no feedback and giving it is refused. */
export interface ReviewMatchFeedback {
  /** @throws EngineError `CASE_NOT_FOUND`. */
  statusOf(caseId: number): Promise<readonly MatchFeedbackView[]>;
  /** Queues the verdict (actor, audit reason); see exchange-sync's `giveCaseFeedback` for its codes. */
  give(
    input: MatchFeedbackRequest & { readonly caseId: number; readonly actor: string },
    reason: string,
  ): Promise<{ readonly feedback: MatchFeedbackView; readonly queued: boolean }>;
}
