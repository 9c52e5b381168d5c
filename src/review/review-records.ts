import type { CaseRecord } from '../cases/index.js';

/**
 * The shapes of the review console's domain: the case view, comments, decisions and dashboards.
 * JSON-ready (the console routes send them as they are).
 */

/** The decisions a reviewer takes from the case view. */
export const reviewActions = ['confirm', 'dismiss', 'escalate', 'enqueue_report', 'close'] as const;
export type ReviewAction = (typeof reviewActions)[number];

/** The industry classification of child-safety material (A1, A2, B1, B2). */
export const classifications = ['A1', 'A2', 'B1', 'B2'] as const;
export type Classification = (typeof classifications)[number];

/** A decision as the reviewer sends it. */
export interface DecisionInput {
  readonly action: ReviewAction;
  readonly reason?: string;
  readonly classification?: Classification;
}

/** A media item of a case (helper D's media module supplies them through a `MediaLister`). */
export interface MediaItem {
  readonly id: string;
  readonly caseId: number;
  readonly kind: 'image' | 'video';
  readonly harm: { readonly category: string | null; readonly typology: string | null };
  readonly origin: 'url' | 'evidence';
}

/** One entry of the case view's timeline. */
export interface TimelineItem {
  readonly kind: string;
  readonly time: string;
  readonly summary: string;
  readonly ref: string;
  readonly detail: unknown;
  /** Guidance the entry's reasons cite (e.g. `F02`, `FINTRAC-20`); absent when none. */
  readonly guidance?: readonly string[];
}

/**
 * One indicator hit of a chat case as the console's indicator timeline shows it: what was found,
 * when, which way, how sure, in which language, in which message. Never the message text nor the
 * matched span: the text is revealed on demand (`ReviewService.revealMessage`), audited.
 */
export interface ChatIndicatorItem {
  /** The `chat.indicator` event's id. */
  readonly id: string;
  readonly time: string;
  readonly family: string;
  /** `from_subject` (the case's subject sent it), `to_subject` (the subject received it), or `other`. */
  readonly direction: 'from_subject' | 'to_subject' | 'other';
  readonly sender: string | null;
  readonly recipient: string | null;
  readonly confidence: number | null;
  readonly language: string | null;
  /** The `message.sent` event the hit was found in: what a reveal names. */
  readonly messageId: string;
}

/** The chat part of a case view: the indicator timeline (oldest first) and how many messages it names. */
export interface ChatView {
  readonly indicators: readonly ChatIndicatorItem[];
  readonly messages: number;
  /** Whether revealing a message's text needs a reason (`console.yaml` `reveals.messageText`). */
  readonly revealReasonRequired: boolean;
  /** What a CyberTipline report of this chat still lacks (`cybertipChatReadiness`); empty when nothing. */
  readonly reportReadiness: readonly string[];
}

/** A message's text, revealed to one person after the audit entry was written. */
export interface RevealedMessage {
  readonly messageId: string;
  readonly time: string | null;
  readonly sender: string | null;
  readonly recipient: string | null;
  /** The text as the platform sent it; null when the event carries none (metadata-only). */
  readonly text: string | null;
  readonly revealedAt: string;
}

/** A comment or a second-opinion request on a case. */
export interface CaseComment {
  readonly id: number;
  readonly caseId: number;
  /** The author's audit actor, `person:<login>`. */
  readonly author: string;
  readonly time: string;
  readonly text: string;
  readonly kind: 'comment' | 'second_opinion';
}

/** Where the case sits in the queues, as the queue module tells it (null parts when unknown). */
export interface CasePlacement {
  readonly queue: string | null;
  readonly claim: { readonly by: string; readonly expiresAt: string } | null;
  readonly imminent: boolean;
}

/** What a reviewer sees of one case. */
export interface CaseView {
  readonly case: CaseRecord;
  readonly queue: string | null;
  readonly traits: { readonly source: string; readonly typology: string | null; readonly imminent: boolean };
  readonly claim: CasePlacement['claim'];
  readonly subject: { readonly entity: string; readonly labels: readonly string[] };
  readonly graph: {
    readonly nodes: readonly { readonly id: string; readonly type: string }[];
    readonly edges: readonly { readonly from: string; readonly to: string; readonly kind: string }[];
    /** True when the graph was cut at its bound. */
    readonly truncated: boolean;
  };
  readonly timeline: readonly TimelineItem[];
  readonly typologyScores: readonly {
    readonly typology: string;
    readonly score: number;
    readonly threshold: number;
    readonly caseThreshold: number | null;
    readonly reasons: readonly string[];
    readonly guidance: readonly string[];
  }[];
  readonly rules: readonly {
    readonly id: string;
    readonly description: string;
    /** What the rule states when it fires (its latest hit's reason, citing its guidance). */
    readonly policy: string;
    readonly hits: number;
    readonly shadow: boolean;
    readonly guidance: readonly string[];
  }[];
  readonly comments: readonly CaseComment[];
  readonly actions: readonly { readonly action: ReviewAction; readonly reasonRequired: boolean }[];
  readonly media: readonly MediaItem[];
  /**
   * The case's chat indicators, when its timeline holds any `chat.indicator` or `message.sent`
   * event (null otherwise). The timeline's message events carry no text (`data.text_withheld`).
   */
  readonly chat: ChatView | null;
}

/** The console's dashboards over the last `days` days. */
export interface Dashboards {
  readonly days: number;
  readonly volumes: readonly { readonly day: string; readonly opened: number; readonly decided: number }[];
  readonly timeToDecision: { readonly p50Seconds: number | null; readonly p90Seconds: number | null };
  readonly decidedBy: { readonly automatic: number; readonly person: number };
  readonly rulePrecision: readonly {
    readonly rule: string;
    readonly precision: number | null;
    readonly confirmed: number;
    readonly dismissed: number;
  }[];
  readonly shadowHits: readonly { readonly rule: string; readonly hits: number }[];
}

/** A case's first decision, for the dashboards. */
export interface FirstDecision {
  readonly caseId: number;
  readonly openedAt: string;
  readonly decidedAt: string;
  /** Who decided: `person:<login>` for a person, anything else counts as automatic. */
  readonly actor: string;
}

/**
 * What the review module stores and reads besides cases: comments and the dashboards' two
 * aggregate queries. `storage/` implements it over SQLite and PostgreSQL.
 */
export interface ReviewRepository {
  /** A case as stored (no audit: the caller checks access and audits what it shows). */
  caseRecord(id: number): Promise<CaseRecord | undefined>;
  addComment(comment: Omit<CaseComment, 'id'>): Promise<CaseComment>;
  /** A case's comments, newest first, at most `limit`. */
  comments(caseId: number, limit: number): Promise<CaseComment[]>;
  /** Cases opened at or after `sinceIso`, per UTC day (`YYYY-MM-DD`). */
  openedPerDay(sinceIso: string): Promise<{ readonly day: string; readonly opened: number }[]>;
  /** Each case's first decision at or after `sinceIso` (one per case). */
  firstDecisions(sinceIso: string): Promise<FirstDecision[]>;
}
