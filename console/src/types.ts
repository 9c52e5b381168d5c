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

export interface MediaItem {
  readonly id: string | number;
  readonly caseId: number;
  readonly kind: 'image' | 'video';
  readonly harm: { readonly category: string | null; readonly typology: string | null };
  readonly origin: 'url' | 'evidence';
  /** Filmstrip length for a video, when the server says (otherwise the UI shows a few frames). */
  readonly frames?: number;
}

export interface TimelineItem {
  readonly kind: string;
  readonly time: string;
  readonly summary: string;
  readonly ref: string | number | null;
  readonly detail: Record<string, unknown> | null;
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
  readonly claim: { readonly claimedBy: string | null; readonly claimExpiresAt: string | null } | null;
  readonly subject: string | Record<string, unknown>;
  readonly graph: {
    readonly nodes: readonly { readonly id: string; readonly type: string }[];
    readonly edges: readonly { readonly from: string; readonly to: string; readonly kind: string }[];
  };
  readonly timeline: readonly TimelineItem[];
  readonly typologyScores: readonly {
    readonly typology: string;
    readonly score: number;
    readonly threshold: number;
    readonly reasons: readonly string[];
  }[];
  readonly rules: readonly {
    readonly id: string;
    readonly description: string;
    readonly policy: string;
    readonly hits: number;
    readonly shadow: boolean;
  }[];
  readonly comments: readonly {
    readonly id: number | string;
    readonly author: string;
    readonly time: string;
    readonly text: string;
    readonly kind: 'comment' | 'second_opinion';
  }[];
  readonly actions: readonly { readonly action: DecisionAction; readonly reasonRequired: boolean }[];
  readonly media: readonly MediaItem[];
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
 * Wellness preferences (own, or the organisation defaults): blur strength 0–100, greyscale, muted
 * video, seconds a reveal stays clear, and whether a warning screen precedes a reveal per harm type.
 */
export interface WellnessPreferences {
  readonly blurStrength: number;
  readonly greyscale: boolean;
  readonly mute: boolean;
  readonly revealSeconds: number;
  readonly warningScreens: Readonly<Record<string, boolean>>;
}

export interface Exposure {
  readonly today: { readonly items: number; readonly seconds: number };
  readonly week: { readonly items: number; readonly seconds: number };
  readonly limits: Readonly<Record<string, unknown>>;
  readonly status: 'ok' | 'warn' | 'stop';
  readonly suggestion: string | null;
}

/** Per-day totals over people (never who decided what); any numeric field besides `day` is charted. */
export type AggregateDay = { readonly day: string } & Readonly<Record<string, unknown>>;
