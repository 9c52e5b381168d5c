/**
 * The case model: cases, their timelines and what changes them. The cases module owns these
 * shapes and the rules over them (lifecycle, priority ranking, retention, holds); `storage/`
 * only keeps the values.
 */

import type { CasePriority as RulePriority } from '../rules/index.js';

/** The case statuses; what they mean and which changes are allowed is in `case-lifecycle.ts`. */
export type CaseStatus = 'open' | 'in_review' | 'escalated' | 'decided' | 'reported' | 'closed';
/**
 * The case priorities, ranked in `case-lifecycle.ts`: the one declaration is the rule effect's
 * (`rules/`), since a rule names the priority a case opens with.
 */
export type CasePriority = RulePriority;

/**
 * Where a case's evidence came from (`case-traits.ts` ranks them): a bank match on media a caller
 * sent, a bank match on a watched stream's frame, payments, chat, or anything else.
 */
export type CaseSource = 'hash_match' | 'stream' | 'payments' | 'chat' | 'other';

/**
 * What review queues route and order a case by, besides its priority: its source, the typology
 * that raised it (null when no typology did) and imminent harm (jumps the queue). The cases
 * module derives them from the engine's timeline entries (`caseTraits`); a person may set or
 * clear `imminent` (`CaseService.setImminent`).
 */
export interface CaseTraits {
  readonly source: CaseSource;
  readonly typology: string | null;
  readonly imminent: boolean;
}

/** A legal hold on a case: while it is set the case is never purged. */
export interface LegalHold {
  readonly at: string;
  readonly reason: string;
}

/** A case: one subject entity under review, with its retention clock. */
export interface CaseRecord {
  readonly id: number;
  readonly subject: string;
  readonly status: CaseStatus;
  readonly priority: CasePriority;
  readonly assignee: string | null;
  /** The final decision: `confirmed` (a true positive) or `dismissed`. */
  readonly decision: 'confirmed' | 'dismissed' | null;
  readonly openedAt: string;
  readonly updatedAt: string;
  /** When the case was closed; null while it is not. */
  readonly closedAt: string | null;
  /** When retention ends (ISO), counted from `closedAt`; null while the case is not closed. */
  readonly retainUntil: string | null;
  readonly legalHold: LegalHold | null;
  /** See `CaseTraits`. */
  readonly source: CaseSource;
  readonly typology: string | null;
  readonly imminent: boolean;
}

/** What a case change writes (every field optional; absent = unchanged). */
export interface CasePatch {
  readonly status?: CaseStatus;
  readonly assignee?: string | null;
  readonly decision?: 'confirmed' | 'dismissed' | null;
  readonly priority?: CasePriority;
  readonly closedAt?: string | null;
  /** Epoch milliseconds after which the case may be purged, or null for none. */
  readonly retainUntilMs?: number | null;
  readonly legalHold?: LegalHold | null;
  /** Imminent harm, as a person set or cleared it. */
  readonly imminent?: boolean;
}

/** One entry of a case's timeline. `ref` makes it idempotent (e.g. `event:<id>`, `hit:<event>:<rule>`). */
export interface CaseTimelineEntry {
  readonly caseId: number;
  readonly kind: 'event' | 'match' | 'rule_hit' | 'label' | 'status' | 'decision' | 'note';
  readonly ref: string;
  readonly time: string;
  readonly summary: string;
  readonly detail: unknown;
}

/** The logged event a timeline entry stands for: what its stored row keeps of it. */
export interface TimelineEventRef {
  readonly id: string;
  readonly type: string;
}

/**
 * A timeline entry as the engine adds it. With `event`, the entry stands for that logged event
 * (its `detail` is the event: id, type, entities, data): storage keeps only `event` in the row and
 * the timeline read joins the event back from the event log, so the entry reads as it was written
 * while the event itself (a chat message's text included) is stored once, not once per case.
 */
export interface NewTimelineEntry extends Omit<CaseTimelineEntry, 'caseId'> {
  readonly event?: TimelineEventRef;
}

/**
 * What an event does to a subject's case, as the cases module decided it (`CaseChanges`); storage
 * carries it out without judging it: find the subject's case that is not closed; when there is
 * none, insert one only if `open` (otherwise do nothing); when there is one, set `priority` if its
 * current priority is one of `raiseFrom`; then add the entries (idempotent by `ref`).
 */
export interface CaseUpdate {
  readonly subject: string;
  /** May this update open a new case (a rule's case effect, a typology at its case threshold)? */
  readonly open: boolean;
  readonly priority: CasePriority;
  /** The current priorities that `priority` replaces (empty: leave the priority alone). */
  readonly raiseFrom: readonly CasePriority[];
  readonly time: string;
  readonly entries: readonly NewTimelineEntry[];
  /**
   * The traits the entries show (`caseTraits`), merged by storage with what it holds: a new case
   * gets them as they are; an existing case takes `source` only if its current source is one of
   * `sourceReplaces` (the lower-ranked ones), `typology` only while it has none, and `imminent`
   * only to set it (never to clear it).
   */
  readonly traits: CaseTraits & { readonly sourceReplaces: readonly CaseSource[] };
}

/** Which cases a listing returns. */
export interface CaseFilter {
  readonly status?: CaseStatus;
  readonly subject?: string;
  /** Only cases with a decision (`confirmed` or `dismissed`): what a model learns from. */
  readonly decided?: boolean;
  readonly limit?: number;
}
