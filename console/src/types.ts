/**
 * The console API's JSON shapes (`/console/api`), exactly as the contract in the console brief
 * states them. The server is the authority; these types only describe what the pages read.
 */

export type Role = 'admin' | 'child_safety_reviewer' | 'payments_analyst' | 'wellness_lead' | 'auditor';
export const roles: readonly Role[] = [
  'admin',
  'child_safety_reviewer',
  'payments_analyst',
  'wellness_lead',
  'auditor',
];

export type Permission =
  | 'people.manage'
  | 'settings.manage'
  | 'queues.work'
  | 'cases.review'
  | 'media.reveal'
  | 'reports.build'
  | 'dashboards.view'
  | 'wellness.aggregate'
  | 'audit.read';

export interface Person {
  readonly id: number;
  readonly login: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly childSafetyOptInAt: string | null;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** `GET`/`POST /console/api/session`. */
export interface Session {
  readonly person: Person;
  readonly csrfToken: string;
  readonly permissions: readonly Permission[];
  readonly childSafety: boolean;
}

export interface Queue {
  readonly name: string;
  readonly title: string;
  readonly childSafety: boolean;
  readonly depth: number;
  readonly oldestAgeSeconds: number | null;
  readonly mayWork: boolean;
}

export interface QueueItem {
  readonly caseId: number;
  readonly subject: string;
  readonly priority: number | string;
  readonly source: string;
  readonly typology: string | null;
  readonly imminent: boolean;
  readonly openedAt: string;
  readonly claimedBy: string | null;
  readonly claimExpiresAt: string | null;
}

export type DecisionAction = 'confirm' | 'dismiss' | 'escalate' | 'enqueue_report' | 'close';
export type Classification = 'A1' | 'A2' | 'B1' | 'B2';
export const classifications: readonly Classification[] = ['A1', 'A2', 'B1', 'B2'];

/**
 * A media item of a case: an opaque id, never the media. How many key frames a video has is told
 * by the rendition's `x-frame-count` header (`x-media-kind` says what the bytes turned out to be).
 */
export interface MediaItem {
  readonly id: string;
  readonly caseId: number;
  readonly kind: 'image' | 'video';
  readonly harm: { readonly category: string | null; readonly typology: string | null };
  readonly origin: 'url' | 'evidence';
}

/** One indicator hit of a chat case (never the message text nor the matched span). */
export interface ChatIndicatorItem {
  readonly id: string;
  readonly time: string;
  readonly family: string;
  readonly direction: 'from_subject' | 'to_subject' | 'other';
  readonly sender: string | null;
  readonly recipient: string | null;
  readonly confidence: number | null;
  readonly language: string | null;
  readonly messageId: string;
}

/** The chat part of a case view. */
export interface ChatView {
  readonly indicators: readonly ChatIndicatorItem[];
  readonly messages: number;
  readonly revealReasonRequired: boolean;
  readonly reportReadiness: readonly string[];
}

/** A message's text, revealed after the server audited the reveal. */
export interface RevealedMessage {
  readonly messageId: string;
  readonly time: string | null;
  readonly sender: string | null;
  readonly recipient: string | null;
  readonly text: string | null;
  readonly revealedAt: string;
}

export interface TimelineItem {
  readonly kind: string;
  readonly time: string;
  readonly summary: string;
  readonly ref: string;
  /** What the entry recorded: an event, a rule hit's effects, a decision… (any JSON). */
  readonly detail: unknown;
  readonly guidance?: readonly string[];
}

export interface CaseRecord {
  readonly id: number;
  readonly status?: string;
  readonly subject?: string;
  readonly [key: string]: unknown;
}

export interface CaseView {
  readonly case: CaseRecord;
  readonly queue: string | null;
  readonly traits: { readonly source: string; readonly typology: string | null; readonly imminent: boolean };
  /** Who holds the case (a login) and until when; null when nobody does. */
  readonly claim: { readonly by: string; readonly expiresAt: string } | null;
  /** The subject entity (`user:u1`) and the labels it carries now. */
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
    readonly policy: string;
    readonly hits: number;
    readonly shadow: boolean;
    readonly guidance: readonly string[];
  }[];
  readonly comments: readonly {
    readonly id: number;
    readonly author: string;
    readonly time: string;
    readonly text: string;
    readonly kind: 'comment' | 'second_opinion';
  }[];
  readonly actions: readonly { readonly action: DecisionAction; readonly reasonRequired: boolean }[];
  readonly media: readonly MediaItem[];
  /** The chat indicators of a chat case; null when the case holds no chat event. */
  readonly chat: ChatView | null;
}

export interface ReportResult {
  readonly filename: string;
  readonly xml: string;
  readonly validation: { readonly ok: boolean; readonly problems: readonly string[] };
}

export interface Dashboards {
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

export interface AuditEntry {
  readonly seq: number;
  readonly time: string;
  readonly actor: string;
  readonly action: string;
  readonly subject: string;
  readonly reason: string | null;
  readonly detail: unknown;
}

export interface Reveal {
  readonly url: string;
  readonly expiresAt: string;
  readonly revealSeconds: number;
}

/**
 * Wellness preferences (the effective ones, or the organisation defaults): blur sigma of the
 * rendition (3–60 px at 320 px), greyscale, muted video, whether a warning screen precedes a
 * reveal per harm (a bank category or a typology; `*` for any other), the seconds a reveal stays
 * clear (3–60) and the rendition's longest side (64–640 px).
 */
export interface WellnessPreferences {
  readonly blurSigma: number;
  readonly greyscale: boolean;
  readonly muteVideo: boolean;
  readonly warningScreens: Readonly<Record<string, boolean>>;
  readonly revealSeconds: number;
  readonly renditionSize: number;
}

/** `GET /wellness/preferences`: the effective preferences and the person's own overrides. */
export interface PreferencesAnswer {
  readonly preferences: WellnessPreferences;
  readonly own: Partial<WellnessPreferences>;
}

/** A soft (`warn`) and a hard (`stop`) threshold. */
export interface Threshold {
  readonly warn: number;
  readonly stop: number;
}

/** The organisation's exposure limits per person (UTC days, ISO weeks). */
export interface ExposureLimits {
  readonly itemsPerDay: Threshold;
  readonly secondsPerDay: Threshold;
  readonly itemsPerWeek: Threshold;
  readonly secondsPerWeek: Threshold;
}

/** `GET`/`PUT /wellness/defaults`. */
export interface WellnessDefaults {
  readonly preferences: WellnessPreferences;
  readonly limits: ExposureLimits;
}

/** A break suggestion: a message, and a queue without child-safety material to rotate to. */
export interface Suggestion {
  readonly queue: string | null;
  readonly message: string;
}

export interface Exposure {
  readonly today: { readonly items: number; readonly seconds: number };
  readonly week: { readonly items: number; readonly seconds: number };
  readonly limits: ExposureLimits;
  readonly status: 'ok' | 'warn' | 'stop';
  readonly suggestion: Suggestion | null;
}

/** One day of `GET /wellness/aggregate` (totals over people: never who, never a case or media). */
export interface AggregateDay {
  readonly day: string;
  readonly items: number;
  readonly seconds: number;
  /** How many people revealed anything that day. */
  readonly people: number;
  /** How many people fell in each bucket of items (`1-9`, …, `40+`). */
  readonly distribution: readonly { readonly bucket: string; readonly people: number }[];
}

/** `GET /auth/methods`: how one may sign in. */
export interface SignInMethods {
  readonly password: boolean;
  readonly oidc: boolean;
}

/**
 * Where a report of a case went: `ncmec` (a CyberTipline report, its NCMEC report id), `goaml` and
 * `fincen` (filed at an FIU outside Prevail, with the reference it gave), or `other:<name>`.
 */
export type ReportDestination = 'ncmec' | 'goaml' | 'fincen' | `other:${string}`;

/** One line of a case's "reported to" ledger. */
export interface LedgerEntry {
  readonly caseId: number;
  readonly destination: ReportDestination;
  /** The id the destination gave the report (NCMEC's report id, the FIU's reference). */
  readonly externalId: string;
  readonly status: string;
  readonly at: string;
}

/**
 * Where a CyberTipline submission stands: `created` (nothing acknowledged yet) → `submitted`
 * (NCMEC gave a report id; files upload one by one) → `finished` (received) | `retracted` |
 * `failed`. The last three are final.
 */
export type SubmissionStatus = 'created' | 'submitted' | 'finished' | 'retracted' | 'failed';

/** The last failed call of a submission, as NCMEC (or the network) answered it. */
export interface SubmissionError {
  readonly endpoint: string;
  /** `transient`: it will be retried; `permanent`: retrying cannot help. */
  readonly kind: 'transient' | 'permanent';
  readonly responseCode?: number;
  readonly httpStatus?: number;
  /** NCMEC's response description, or what went wrong on the way: shown as it is. */
  readonly text: string;
}

/** A CyberTipline submission as the console shows it: where it stands, never the media. */
export interface SubmissionSummary {
  readonly id: number;
  readonly status: SubmissionStatus;
  /** NCMEC's report id, once `/submit` answered with one. */
  readonly reportId: string | null;
  readonly supplemental: boolean;
  readonly actor: string;
  readonly attempts: number;
  readonly nextAttemptAt: string | null;
  readonly lastError: SubmissionError | null;
  /** Each file: nothing sent yet (`pending`), `uploaded` (NCMEC gave a file id), `described` (`/fileinfo` accepted). */
  readonly files: readonly { readonly name: string; readonly step: 'pending' | 'uploaded' | 'described' | string }[];
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** `GET /cases/:id/reports`: the ledger and the CyberTipline submissions (empty when not configured). */
export interface CaseReports {
  /** False when the server has no CyberTipline submitter (and so keeps no ledger). */
  readonly submissionConfigured: boolean;
  /** Each file of the case and whether a person viewed it (the reveal audit): what the report will say. */
  readonly files: readonly { readonly mediaId: string; readonly viewed: boolean }[];
  readonly ledger: readonly LedgerEntry[];
  readonly submissions: readonly SubmissionSummary[];
}

/** `POST /cases/:id/cybertip`: what the reviewer adds; everything else comes from the case. */
export interface CybertipRequest {
  /** A deliberate further report on a case already reported to NCMEC. */
  readonly supplemental?: boolean;
  readonly annotations?: readonly string[];
  readonly incidentType?: string;
  /** Why the report is urgent (imminent risk): NCMEC escalates it. */
  readonly escalate?: string;
}

/** `POST /cases/:id/filings`: a report filed outside Prevail, recorded in the ledger (audited). */
export interface FilingRequest {
  readonly destination: Exclude<ReportDestination, 'ncmec'>;
  readonly reference: string;
  readonly reason: string;
}

/** One delivery attempt of an action (`GET /cases/:id/actions`). */
export interface CaseActionAttempt {
  readonly seq: number;
  readonly at: string;
  /** The webhook's HTTP status; null for NATS and when no answer came. */
  readonly httpStatus: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** An action a case's detections or decisions triggered, and where its delivery stands (never its payload). */
export interface CaseAction {
  readonly id: number;
  readonly action: string;
  readonly kind: string;
  readonly mode: 'shadow' | 'active';
  readonly endpoint: string;
  readonly status: 'pending' | 'delivered' | 'dead' | 'shadow' | 'stream';
  /** `rule:<id>`, `decision:<name>` or `typology:<name>`. */
  readonly trigger: string;
  readonly createdAt: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
  readonly attemptLog: readonly CaseActionAttempt[];
}

/**
 * Where the feedback on one match of a case from an exchange's bank stands: `none` (not asked),
 * `queued` (waiting for the feedback job or a retry), `sent`, `failed` (for good; `errorCode`
 * says why) or `unsupported` (that exchange's API takes no feedback).
 */
export type MatchFeedbackState = 'none' | 'queued' | 'sent' | 'failed' | 'unsupported';

/** `GET /cases/{id}/exchange-feedback`: one match from an exchange's bank and its feedback. */
export interface MatchFeedback {
  readonly exchange: string;
  readonly kind: string;
  readonly contentId: number;
  readonly key: string | null;
  readonly signalType: string;
  readonly state: MatchFeedbackState;
  readonly verdict: FeedbackVerdict | null;
  readonly actor: string | null;
  readonly attempts: number;
  readonly errorCode: string | null;
  readonly updatedAt: string | null;
  readonly requests: number;
}

export type FeedbackVerdict = 'true_positive' | 'false_positive';

/** `POST /cases/{id}/exchange-feedback`: a reviewer's verdict on one match. */
export interface MatchFeedbackRequest {
  readonly exchange: string;
  readonly contentId: number;
  readonly signalType: string;
  readonly verdict: FeedbackVerdict;
  readonly reason: string;
}
