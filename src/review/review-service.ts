import { createHash } from 'node:crypto';
import type { ActionPlanner, CaseAction, NewOutboxAction } from '../actions/index.js';
import type { AuditAction, AuditEntry } from '../audit/index.js';
import { checkReason } from '../audit/index.js';
import {
  type CaseChange,
  type CaseRecord,
  type CaseService,
  type CaseTimelineEntry,
  checkCaseChange,
} from '../cases/index.js';
import { EngineError } from '../core/index.js';
import type { EngineService } from '../engine/index.js';
import { can, type Permission, type Person, personActor } from '../people/index.js';
import {
  buildCaseReport,
  cybertipChatReadiness,
  notReadyPrefix,
  type ReportFiler,
  reportEventQuery,
} from '../reports/index.js';
import type { LedgerEntry } from '../submissions/index.js';
import {
  type ChatMessageSource,
  chatView,
  type ExposureCheck,
  revealMessage,
  withoutMessageText,
} from './chat-messages.js';
import {
  type CybertipSubmitInput,
  cybertipPlan,
  type ReportMedia,
  type SubmissionSummary,
  submissionSummary,
} from './cybertip-submission.js';
import { type DecisionPolicy, defaultDecisionPolicy } from './decision-policy.js';
import { citationsOf, citationsOfAll } from './guidance.js';
import type { MatchFeedbackRequest, MatchFeedbackView, ReviewMatchFeedback } from './match-feedback.js';
import type { ReviewSubmissions } from './report-submissions.js';
import { defaultRevealPolicy, type RevealPolicy } from './reveal-policy.js';
import {
  type CaseComment,
  type CasePlacement,
  type CaseView,
  classifications,
  type Dashboards,
  type DecisionInput,
  type MediaItem,
  type RevealedMessage,
  type ReviewAction,
  type ReviewRepository,
  reviewActions,
  type TimelineItem,
} from './review-records.js';

/** Most timeline entries a case view shows (newest first). */
export const maxTimelineItems = 500;
/** Longest comment, in UTF-16 code units. */
export const maxCommentLength = 10_000;
/** Most comments a case view shows (newest first). */
const maxComments = 200;
/** Bounds of the entity graph (two hops out). */
const maxGraphNodes = 150;
const maxGraphEdges = 300;
/** Longest dashboard window, in days. */
const maxDashboardDays = 366;

/**
 * The queue module's say on a case (helper B's seam): may this person open it, and where does it
 * sit. Default: any person with `cases.review` may, and the placement is unknown.
 */
export interface ReviewQueues {
  caseAccess(person: Person, caseId: number): Promise<boolean>;
  placement?(caseId: number): Promise<CasePlacement | null>;
}

/** The media module's seam: a case's media items as the person may see them (none by default). */
export interface MediaLister {
  /** The media items of this case (its record as the case view read it). */
  list(found: CaseRecord, person: Person): Promise<readonly MediaItem[]>;
  /** The case's media as a hotline report names them: sources and the reveal audit's viewed flag. */
  forReport?(found: CaseRecord): Promise<readonly ReportMedia[]>;
}

/** Where the review service writes audit entries and how an auditor reads them (the `AuditLog`). */
export interface ReviewAudit {
  record(...actions: AuditAction[]): Promise<unknown>;
  entries(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  newest(limit: number): Promise<AuditEntry[]>;
}

/** Where a case's reports went and its CyberTipline submissions (`reportsOf`). */
export interface CaseReports {
  /** False when no submitter is configured (then both lists are empty). */
  readonly submissionConfigured: boolean;
  /**
   * The case's files as a CyberTipline report would say them now: `viewed` is the reveal
   * audit's answer (a person's reveal of the item was served), what `fileViewedByEsp` will say.
   */
  readonly files: readonly { readonly mediaId: string; readonly viewed: boolean }[];
  readonly ledger: readonly LedgerEntry[];
  readonly submissions: readonly SubmissionSummary[];
}

/** A built report, as the console offers it for download. */
export interface BuiltReport {
  readonly filename: string;
  /** The document; empty when validation failed. */
  readonly xml: string;
  readonly validation: { readonly ok: boolean; readonly problems: readonly string[] };
}

export interface ReviewServiceOptions {
  readonly cases: CaseService;
  readonly engine: EngineService;
  readonly repository: ReviewRepository;
  readonly audit: ReviewAudit;
  /** Reason required per decision (`console.yaml`); default `defaultDecisionPolicy`. */
  readonly decisionPolicy?: DecisionPolicy;
  readonly queues?: ReviewQueues;
  readonly media?: MediaLister;
  /** The filer's settings for reports (`<policy>/reports.yaml`); absent: reports fail validation saying so. */
  readonly reportFiler?: ReportFiler;
  /** The CyberTipline submitter and the "reported to" ledger; absent: submission is not configured. */
  readonly submissions?: ReviewSubmissions;
  /**
   * The policy's actions (`actions.yaml`): a decision whose name an action lists in
   * `on: [decision:<name>]` commits that action with the decision (one transaction).
   */
  readonly actions?: ActionPlanner;
  /** Reads a case's actions and their delivery attempts (the outbox); absent: a case shows none. */
  readonly caseActions?: (caseId: number) => Promise<CaseAction[]>;
  /** Feedback upstream on a case's matches from exchange banks; absent: none shown, none given. */
  readonly matchFeedback?: ReviewMatchFeedback;
  /** Reason required per kind of reveal (`console.yaml` `reveals`); default `defaultRevealPolicy`. */
  readonly revealPolicy?: RevealPolicy;
  /**
   * Where a chat message's text is read for a reveal, unaudited (the reveal audits itself);
   * absent: the case's timeline read through `CaseService.show` (an extra `case.view` entry) and
   * no event log (a message not on the timeline cannot be revealed).
   */
  readonly messages?: ChatMessageSource;
  /** The reviewer's exposure budget (the wellness module's): no message reveal at its hard stop. */
  readonly exposure?: ExposureCheck;
  readonly now?: () => Date;
}

/** Statuses from which each action may start (the lifecycle decides the rest). */
const actionFrom: Readonly<Record<ReviewAction, readonly CaseRecord['status'][]>> = {
  confirm: ['open', 'in_review', 'escalated', 'decided'],
  dismiss: ['open', 'in_review', 'escalated', 'decided'],
  escalate: ['open', 'in_review', 'decided'],
  enqueue_report: ['decided', 'escalated'],
  close: ['open', 'in_review', 'escalated', 'decided', 'reported'],
};

/**
 * The review console's domain: the case view a reviewer works from, the decisions taken from it
 * (a reason required per action by the decision policy), labels, comments, second opinions,
 * reports, dashboards and the audit reader. Every read of case material and every change goes
 * through `CaseService` / `EngineService` and is audited with the person (`person:<login>`) as
 * actor. Each method checks the person's permission itself (the routes check it too).
 */
export class ReviewService {
  readonly #cases: CaseService;
  readonly #engine: EngineService;
  readonly #repository: ReviewRepository;
  readonly #audit: ReviewAudit;
  readonly #policy: DecisionPolicy;
  readonly #queues: ReviewQueues | undefined;
  readonly #media: MediaLister | undefined;
  readonly #filer: ReportFiler | undefined;
  readonly #submissions: ReviewSubmissions | undefined;
  readonly #actions: ActionPlanner | undefined;
  readonly #caseActions: ((caseId: number) => Promise<CaseAction[]>) | undefined;
  readonly #matchFeedback: ReviewMatchFeedback | undefined;
  readonly #revealPolicy: RevealPolicy;
  readonly #messages: ChatMessageSource | undefined;
  readonly #exposure: ExposureCheck | undefined;
  readonly #now: () => Date;

  constructor(options: ReviewServiceOptions) {
    this.#cases = options.cases;
    this.#engine = options.engine;
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#policy = options.decisionPolicy ?? defaultDecisionPolicy;
    this.#queues = options.queues;
    this.#media = options.media;
    this.#filer = options.reportFiler;
    this.#submissions = options.submissions;
    this.#actions = options.actions;
    this.#caseActions = options.caseActions;
    this.#matchFeedback = options.matchFeedback;
    this.#revealPolicy = options.revealPolicy ?? defaultRevealPolicy;
    this.#messages = options.messages;
    this.#exposure = options.exposure;
    this.#now = options.now ?? (() => new Date());
  }

  /** The decision policy in force. */
  get decisionPolicy(): DecisionPolicy {
    return this.#policy;
  }

  /**
   * Everything a reviewer sees of a case: the case, subject and its labels, the entity graph two
   * hops out (bounded), the newest 500 timeline entries with their guidance citations, typology
   * scores, the rules that fired with their policy text, comments, the actions allowed now with
   * whether each needs a reason, and media (from the `MediaLister`). Audited (`case.view` and
   * `entity.view`, reason "console review by <login>").
   *
   * @throws EngineError `AUTH_FORBIDDEN` without `cases.review` or the queue's access;
   *   `CASE_NOT_FOUND`.
   */
  async caseView(caseId: number, person: Person): Promise<CaseView> {
    await this.#checkCase(person, caseId, 'cases.review');
    const access = { actor: personActor(person), reason: `console review by ${person.login}` };
    const file = await this.#cases.show(caseId, access, {
      timeline: { newestFirst: true, limit: maxTimelineItems },
    });
    const subject = file.case.subject;
    const [entity, comments, placement, media] = await Promise.all([
      this.#cases.entity(subject, access),
      this.#repository.comments(caseId, maxComments),
      this.#queues?.placement?.(caseId) ?? Promise.resolve(null),
      this.#media?.list(file.case, person) ?? Promise.resolve([]),
    ]);
    const typologies = this.#engine.subjectTypologies(subject);
    // Message text never reaches the case view: it is revealed on demand (`revealMessage`).
    const timeline = file.timeline.map((entry) => timelineItem({ ...entry, detail: withoutMessageText(entry) }));
    return {
      case: file.case,
      queue: placement?.queue ?? null,
      traits: {
        source: sourceOf(file.timeline),
        typology: typologies.find((item) => item.score >= item.alertThreshold)?.typology ?? null,
        imminent: placement?.imminent ?? false,
      },
      claim: placement?.claim ?? null,
      subject: { entity: subject, labels: this.#engine.entityFacts(subject).labels },
      graph: entityGraph(subject, [...entity.links, ...entity.secondHop]),
      timeline,
      typologyScores: typologies.map((item) => ({
        typology: item.typology,
        score: item.score,
        threshold: item.alertThreshold,
        caseThreshold: item.caseThreshold,
        reasons: item.reasons,
        guidance: citationsOfAll(item.reasons),
      })),
      rules: this.#firedRules(file.hits),
      comments,
      actions: reviewActions
        .filter((action) => actionFrom[action].includes(file.case.status))
        .map((action) => ({ action, reasonRequired: this.#policy[action].reasonRequired })),
      media: [...media],
      chat: chatView(
        file.timeline,
        subject,
        this.#revealPolicy,
        cybertipChatReadiness({ id: caseId, subject, timeline: file.timeline }),
      ),
    };
  }

  /**
   * Reveals one chat message's text of a case to the person (`chat-messages.ts`
   * `revealMessage`): `cases.review` and the case's queue, then the child-safety role with a
   * recorded opt-in, the reason the reveal policy asks for, the exposure budget, a message the case
   * names; audited (`message.reveal`: who, case, message, when, reason) before the text is returned.
   *
   * @throws EngineError `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`; `REASON_REQUIRED`; `EXPOSURE_LIMIT`;
   *   `MESSAGE_NOT_FOUND`.
   */
  async revealMessage(caseId: number, person: Person, messageId: string, reason?: unknown): Promise<RevealedMessage> {
    await this.#checkCase(person, caseId, 'cases.review');
    const source: ChatMessageSource = this.#messages ?? {
      timeline: async (id) =>
        (await this.#cases.show(id, { actor: personActor(person), reason: `message reveal by ${person.login}` }))
          .timeline,
      events: async () => [],
    };
    return revealMessage({
      caseId,
      person,
      messageId,
      reason,
      policy: this.#revealPolicy,
      source,
      exposure: this.#exposure,
      audit: this.#audit,
      now: this.#now(),
    });
  }

  /**
   * Takes a decision on a case: `confirm` / `dismiss` record the decision and move the case to
   * `decided`; `escalate` moves it to `escalated`; `enqueue_report` marks it for reporting (a
   * timeline note, audited `case.enqueue_report`, status unchanged; the case must be decided or
   * escalated); `close` closes it. A move the lifecycle only allows through `in_review` is made
   * in two steps, each audited. The classification (A1/A2/B1/B2) goes into the decision's
   * timeline detail. The reason is required when the decision policy says so.
   *
   * @throws EngineError `REQUEST_INVALID` for an unknown action or classification;
   *   `REASON_REQUIRED`; `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`; `CASE_TRANSITION_INVALID`.
   */
  async decide(caseId: number, person: Person, input: DecisionInput): Promise<CaseRecord> {
    const action = input.action;
    if (!(reviewActions as readonly string[]).includes(action))
      throw new EngineError('REQUEST_INVALID', `action must be one of ${reviewActions.join(', ')}`);
    if (input.classification !== undefined && !(classifications as readonly string[]).includes(input.classification))
      throw new EngineError('REQUEST_INVALID', `classification must be one of ${classifications.join(', ')}`);
    const current = await this.#checkCase(person, caseId, 'cases.review');
    const reason = this.#reasonFor(action, input.reason);
    const access = { actor: personActor(person), reason };
    const detail = {
      action,
      ...(input.classification === undefined ? {} : { classification: input.classification }),
    };
    if (!actionFrom[action].includes(current.status)) {
      throw new EngineError(
        'CASE_TRANSITION_INVALID',
        `case ${caseId} is ${current.status}: ${action} is possible from ${actionFrom[action].join(', ')}`,
      );
    }
    if (action === 'enqueue_report') {
      return this.#cases.note(
        caseId,
        { action: 'case.enqueue_report', summary: 'queued for reporting', detail },
        access,
      );
    }
    const change: CaseChange =
      action === 'confirm'
        ? { status: 'decided', decision: 'confirmed' }
        : action === 'dismiss'
          ? { status: 'decided', decision: 'dismissed' }
          : action === 'escalate'
            ? { status: 'escalated' }
            : { status: 'closed' };
    if (needsReviewFirst(current, change)) {
      await this.#cases.update(caseId, { status: 'in_review' }, access, { detail });
    }
    const actions = this.#decisionActions(current, action, reason, person);
    return this.#cases.update(caseId, change, access, {
      detail: actions.length === 0 ? detail : { ...detail, actions: [...new Set(actions.map((row) => row.action))] },
      ...(actions.length === 0 ? {} : { actions }),
    });
  }

  /**
   * The outbox rows a decision triggers (`on: [decision:<action>]` in `actions.yaml`), about the
   * case's subject: its entity by type (`user:u1` gives `{{entities.user}}` = `u1`), the reason
   * (or the decision) as the reasons. The idempotency key is over `case:<id>:decision:<time>`, so
   * a later decision of the same kind is a new action.
   */
  #decisionActions(found: CaseRecord, decision: ReviewAction, reason: string, person: Person): NewOutboxAction[] {
    const planner = this.#actions;
    if (planner === undefined) return [];
    const names = planner.forDecision(decision);
    if (names.length === 0) return [];
    const time = this.#now().toISOString();
    const at = found.subject.indexOf(':');
    const entities = at > 0 ? { [found.subject.slice(0, at)]: found.subject.slice(at + 1) } : {};
    return names.flatMap((name) =>
      planner.plan({
        action: name,
        eventId: `case:${found.id}:decision:${time}`,
        eventType: 'case.decision',
        time,
        ruleId: null,
        typology: null,
        decision,
        subject: found.subject,
        entities,
        reasons: [
          reason.trim() === '' ? `${decision} by ${person.login}` : `${decision} by ${person.login}: ${reason}`,
        ],
      }),
    );
  }

  /**
   * Adds a label to the case's subject through the engine's audited label change (`label.add`),
   * which is what sets off the label's propagation (e.g. F14 for `ocse_confirmed_payer`).
   * Returns the subject's labels after the change.
   *
   * @throws EngineError `REASON_REQUIRED`; `LABEL_UNKNOWN`; `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`.
   */
  async label(caseId: number, person: Person, label: string, reason: unknown): Promise<string[]> {
    const checked = checkReason(reason);
    if (typeof label !== 'string' || label.trim() === '' || label.length > 200)
      throw new EngineError('REQUEST_INVALID', 'label must be a label name the policy declares');
    const current = await this.#checkCase(person, caseId, 'cases.review');
    return this.#engine.changeLabel(
      { entity: current.subject, label, action: 'add' },
      { actor: personActor(person), reason: checked },
    );
  }

  /**
   * Adds a comment (at most 10,000 characters; no control characters besides tab and line
   * breaks, no lone surrogates). Audited (`case.comment`, with the comment's id, not its text).
   *
   * @throws EngineError `REQUEST_INVALID`; `REQUEST_TOO_LARGE`; `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`.
   */
  async comment(caseId: number, person: Person, text: unknown): Promise<CaseComment> {
    const checked = checkCommentText(text);
    return this.#addComment(caseId, person, checked, 'comment', {
      action: 'case.comment',
      reason: 'comment on the case',
      detail: { characters: checked.length },
    });
  }

  /**
   * Asks for a second opinion: stored with the comments (kind `second_opinion`, the reason as its
   * text) and audited (`case.second_opinion`).
   *
   * @throws EngineError `REASON_REQUIRED`; `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`.
   */
  async secondOpinion(caseId: number, person: Person, reason: unknown): Promise<CaseComment> {
    const checked = checkReason(reason);
    return this.#addComment(caseId, person, checked, 'second_opinion', {
      action: 'case.second_opinion',
      reason: checked,
      detail: {},
    });
  }

  /** Stores a comment of `kind` on a case the person may review, and audits it with its id. */
  async #addComment(
    caseId: number,
    person: Person,
    text: string,
    kind: CaseComment['kind'],
    audit: { readonly action: string; readonly reason: string; readonly detail: Record<string, unknown> },
  ): Promise<CaseComment> {
    await this.#checkCase(person, caseId, 'cases.review');
    const stored = await this.#repository.addComment({
      caseId,
      author: personActor(person),
      time: this.#now().toISOString(),
      text,
      kind,
    });
    await this.#audit.record({
      actor: personActor(person),
      action: audit.action,
      subject: `case:${caseId}`,
      reason: audit.reason,
      detail: { commentId: stored.id, ...audit.detail },
    });
    return stored;
  }

  /**
   * Builds the case's goAML STR or FinCEN SAR the way `prevail cases report` does (the same
   * assembly and validation, the filer's settings from `reports.yaml`) and audits the attempt
   * (`case.report`, with the document's size, or the problems). A case or configuration that does
   * not validate gives `validation.ok: false` with every problem and no XML.
   *
   * @throws EngineError `REQUEST_INVALID` for an unknown format; `AUTH_FORBIDDEN` without
   *   `reports.build`; `CASE_NOT_FOUND`.
   */
  async buildReport(
    caseId: number,
    person: Person,
    format: unknown,
    options: { readonly narrative?: string } = {},
  ): Promise<BuiltReport> {
    if (format !== 'goaml' && format !== 'fincen')
      throw new EngineError('REQUEST_INVALID', 'format must be goaml or fincen');
    await this.#checkCase(person, caseId, 'reports.build');
    const access = { actor: personActor(person), reason: `report built in the console by ${person.login}` };
    const filer = this.#filer;
    const today = this.#now().toISOString().slice(0, 10);
    return this.#cases.report<BuiltReport>(
      caseId,
      access,
      (found, timeline, events) => {
        const filename = `case-${found.id}-${format}.xml`;
        let problems: string[];
        if (filer === undefined) {
          problems = ['reports.yaml: the policy directory has no reports.yaml (the filer, subjects and FIU settings)'];
        } else {
          try {
            const xml = buildCaseReport({ id: found.id, subject: found.subject, timeline, events }, filer, format, {
              today,
              ...(options.narrative === undefined ? {} : { narrative: options.narrative }),
            });
            return {
              result: { filename, xml, validation: { ok: true, problems: [] } },
              detail: { format, ok: true, bytes: Buffer.byteLength(xml, 'utf8') },
            };
          } catch (error) {
            if (!(error instanceof EngineError)) throw error;
            problems = error.message
              .replace(/^report case is invalid: /, '')
              .replace(notReadyPrefix, '')
              .split('; ')
              .filter((problem) => problem !== '');
          }
        }
        return {
          result: { filename, xml: '', validation: { ok: false, problems } },
          detail: { format, ok: false, problems },
        };
      },
      {
        events: (found, timeline) =>
          filer === undefined
            ? { ids: [] }
            : reportEventQuery({ id: found.id, subject: found.subject, timeline }, filer.transactions),
      },
    );
  }

  /**
   * The actions the case's detections and decisions triggered (`actions.yaml`) with where each
   * delivery stands: status, attempts, last error, next retry, the attempt log. Never a body,
   * payload, secret or key. Not audited: it shows no case material, only action names and
   * delivery states.
   *
   * @throws EngineError `AUTH_FORBIDDEN` without `cases.review` or the queue's access;
   *   `CASE_NOT_FOUND`.
   */
  async actionsOf(caseId: number, person: Person): Promise<CaseAction[]> {
    await this.#checkCase(person, caseId, 'cases.review');
    return (await this.#caseActions?.(caseId)) ?? [];
  }

  /**
   * Each match of the case against an exchange's bank and where its feedback upstream stands
   * (queued, sent, failed, not supported by that API, or none yet). Not audited: it shows no case
   * material, only exchange names, item ids and keys, and states.
   *
   * @throws EngineError `AUTH_FORBIDDEN` without `cases.review` or the queue's access;
   *   `CASE_NOT_FOUND`.
   */
  async matchFeedbackOf(caseId: number, person: Person): Promise<readonly MatchFeedbackView[]> {
    await this.#checkCase(person, caseId, 'cases.review');
    return (await this.#matchFeedback?.statusOf(caseId)) ?? [];
  }

  /**
   * A reviewer's explicit true or false positive on one match of the case, queued for the
   * exchange (sent by the `exchanges.feedback` job) and audited (`exchange.feedback_requested`
   * with the reason). A decision gives feedback by itself; this is for a verdict on one match.
   *
   * @throws EngineError `REASON_REQUIRED`; `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`;
   *   `EXCHANGE_NOT_FOUND` without exchanges; the exchange's codes (`EXCHANGE_NOT_FOUND`,
   *   `EXCHANGE_FEEDBACK_UNSUPPORTED`, `CONTENT_NOT_FOUND`, `REQUEST_INVALID`).
   */
  async giveMatchFeedback(
    caseId: number,
    person: Person,
    input: MatchFeedbackRequest & { readonly reason?: unknown },
  ): Promise<{ readonly feedback: MatchFeedbackView; readonly queued: boolean }> {
    const reason = checkReason(input.reason);
    await this.#checkCase(person, caseId, 'cases.review');
    const feedback = this.#matchFeedback;
    if (feedback === undefined) throw new EngineError('EXCHANGE_NOT_FOUND', 'this server has no exchanges');
    const { reason: _reason, ...request } = input;
    return feedback.give({ ...request, caseId, actor: personActor(person) }, reason);
  }

  /**
   * Where the case's reports went (the ledger: NCMEC, FIUs, others), its CyberTipline
   * submissions with where each stands and NCMEC's last answer, and whether each of its files
   * was viewed by a person (the reveal audit). Not audited: it shows no case material, only
   * report ids, statuses and media ids.
   *
   * @throws EngineError `AUTH_FORBIDDEN` without `reports.build`; `CASE_NOT_FOUND`.
   */
  async reportsOf(caseId: number, person: Person): Promise<CaseReports> {
    const found = await this.#checkCase(person, caseId, 'reports.build');
    const media = (await this.#media?.forReport?.(found)) ?? [];
    const files = media.map((item) => ({ mediaId: item.id, viewed: item.viewed }));
    const submissions = this.#submissions;
    if (submissions === undefined) return { submissionConfigured: false, files, ledger: [], submissions: [] };
    const [ledger, records] = await Promise.all([submissions.ledger(caseId), submissions.submissionsOf(caseId)]);
    return { submissionConfigured: true, files, ledger, submissions: records.map(submissionSummary) };
  }

  /**
   * Records that a report of the case was filed outside Prevail — a goAML STR uploaded to the
   * FIU's portal, a FinCEN SAR through BSA E-Filing, later others such as the UK NCA — with the
   * reference the destination gave, so the ledger shows every place the case went. Audited
   * (`case.report_filed`).
   *
   * @throws EngineError `REPORTING_NOT_CONFIGURED` without the ledger; `REQUEST_INVALID` for a
   *   destination other than `goaml`, `fincen` or `other:<name>`, or a blank reference;
   *   `REASON_REQUIRED`; `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`.
   */
  async recordFiling(
    caseId: number,
    person: Person,
    input: { readonly destination: unknown; readonly reference: unknown; readonly reason?: unknown },
  ): Promise<LedgerEntry[]> {
    const reason = checkReason(input.reason);
    await this.#checkCase(person, caseId, 'reports.build');
    const submissions = this.#submissions;
    if (submissions === undefined)
      throw new EngineError('REPORTING_NOT_CONFIGURED', 'the report ledger is not configured on this server');
    const { destination, reference } = input;
    if (typeof destination !== 'string' || !/^(goaml|fincen|other:[a-z0-9_-]{1,40})$/.test(destination))
      throw new EngineError(
        'REQUEST_INVALID',
        'destination is goaml, fincen or other:<name> (lower-case letters, digits, _ and -)',
      );
    if (typeof reference !== 'string' || reference.trim() === '')
      throw new EngineError('REQUEST_INVALID', 'reference: the id the destination gave the report');
    const entry: LedgerEntry = {
      caseId,
      destination,
      externalId: reference.trim(),
      status: 'filed',
      at: this.#now().toISOString(),
    };
    await submissions.recordFiling(entry);
    await this.#audit.record({
      actor: personActor(person),
      action: 'case.report_filed',
      subject: `case:${caseId}`,
      reason,
      detail: { destination, reference: entry.externalId },
    });
    return submissions.ledger(caseId);
  }

  /**
   * Reports a confirmed case to NCMEC's CyberTipline: assembles the report from the case, the
   * confirming decision (its classification) and the case's media with the reveal audit's
   * viewed flag per file (`fileViewedByEsp` is never a guess), builds the `<report>` and hands
   * the plan to the submitter, which sends it (or resumes it) and keeps every exchange. One
   * report per decision: pressing submit again returns the same submission. The build is audited
   * (`case.report`, format `cybertipline`, the incident type and the document's SHA-256).
   *
   * @throws EngineError `REPORTING_NOT_CONFIGURED` without a submitter or a `cybertipline:`
   *   section in `reports.yaml`; `CASE_TRANSITION_INVALID` without a confirming decision;
   *   `CASE_ALREADY_REPORTED` (unless `supplemental`); `REQUEST_INVALID` naming every problem;
   *   `AUTH_FORBIDDEN`; `CASE_NOT_FOUND`.
   */
  async submitCybertip(caseId: number, person: Person, input: CybertipSubmitInput = {}): Promise<SubmissionSummary> {
    const found = await this.#checkCase(person, caseId, 'reports.build');
    return this.#submitCybertip(found, personActor(person), `by ${person.login}`, input);
  }

  /**
   * `submitCybertip` for an operator at the command line (`prevail reports submit`), who holds
   * the database and is named by `actor` in the audit log; the same plan, submitter and audit.
   *
   * @throws EngineError as `submitCybertip`, without the permission checks.
   */
  async submitCybertipAsOperator(
    caseId: number,
    actor: string,
    input: CybertipSubmitInput = {},
  ): Promise<SubmissionSummary> {
    const found = await this.#repository.caseRecord(caseId);
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    return this.#submitCybertip(found, actor, `by ${actor} at the command line`, input);
  }

  async #submitCybertip(
    found: CaseRecord,
    actor: string,
    by: string,
    input: CybertipSubmitInput,
  ): Promise<SubmissionSummary> {
    const submissions = this.#submissions;
    if (submissions === undefined)
      throw new EngineError(
        'REPORTING_NOT_CONFIGURED',
        'CyberTipline submission is not configured: set PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD, with evidence preservation on',
      );
    const filer = this.#filer?.cybertipline;
    if (filer === undefined)
      throw new EngineError(
        'REPORTING_NOT_CONFIGURED',
        "reports.yaml: cybertipline: the reporter's details are missing (see docs/cybertipline.md)",
      );
    const now = this.#now();
    const media = (await this.#media?.forReport?.(found)) ?? [];
    const built = await this.#cases.report(
      found.id,
      { actor, reason: `report to the NCMEC CyberTipline ${by}` },
      (current, entries) => {
        const made = cybertipPlan({ found: current, timeline: entries, filer, media, submit: input, actor, now });
        return {
          result: made,
          detail: {
            format: 'cybertipline',
            incidentType: made.incidentType,
            files: made.plan.files.length,
            viewed: media.filter((item) => item.viewed).length,
            sha256: createHash('sha256').update(made.plan.reportXml, 'utf8').digest('hex'),
          },
        };
      },
    );
    return submissionSummary(await submissions.submit(built.plan));
  }

  /**
   * The dashboards over the last `days` days (1–366, UTC days, today included): cases opened and
   * first decided per day, time to a first decision (p50, p90, nearest rank), first decisions by
   * a person (`person:` actor) vs automatic, rule precision from case decisions (as `rules
   * stats`) and shadow rules' would-be hits.
   *
   * @throws EngineError `REQUEST_INVALID` for a bad window; `AUTH_FORBIDDEN` without `dashboards.view`.
   */
  async dashboards(person: Person, days = 30): Promise<Dashboards> {
    requirePermission(person, 'dashboards.view');
    if (!Number.isSafeInteger(days) || days < 1 || days > maxDashboardDays)
      throw new EngineError('REQUEST_INVALID', `days must be a whole number from 1 to ${maxDashboardDays}`);
    const today = Date.parse(this.#now().toISOString().slice(0, 10));
    const since = new Date(today - (days - 1) * 86_400_000).toISOString();
    const [opened, decisions, stats] = await Promise.all([
      this.#repository.openedPerDay(since),
      this.#repository.firstDecisions(since),
      this.#engine.ruleStats(),
    ]);
    const volumes = new Map<string, { day: string; opened: number; decided: number }>();
    for (let index = 0; index < days; index++) {
      const day = new Date(today - (days - 1 - index) * 86_400_000).toISOString().slice(0, 10);
      volumes.set(day, { day, opened: 0, decided: 0 });
    }
    for (const row of opened) {
      const entry = volumes.get(row.day);
      if (entry !== undefined) entry.opened += row.opened;
    }
    const seconds: number[] = [];
    let byPerson = 0;
    for (const decision of decisions) {
      const entry = volumes.get(decision.decidedAt.slice(0, 10));
      if (entry !== undefined) entry.decided++;
      const elapsed = (Date.parse(decision.decidedAt) - Date.parse(decision.openedAt)) / 1000;
      if (Number.isFinite(elapsed)) seconds.push(Math.max(0, elapsed));
      if (decision.actor.startsWith('person:')) byPerson++;
    }
    seconds.sort((a, b) => a - b);
    return {
      days,
      volumes: [...volumes.values()],
      timeToDecision: { p50Seconds: percentile(seconds, 0.5), p90Seconds: percentile(seconds, 0.9) },
      decidedBy: { automatic: decisions.length - byPerson, person: byPerson },
      rulePrecision: stats.rules
        .filter((rule) => rule.mode === 'active')
        .map((rule) => ({
          rule: rule.ruleId,
          precision: rule.precision,
          confirmed: rule.confirmed,
          dismissed: rule.dismissed,
        })),
      shadowHits: stats.rules
        .filter((rule) => rule.mode === 'shadow')
        .map((rule) => ({ rule: rule.ruleId, hits: rule.hits })),
    };
  }

  /**
   * Audit entries after `after` (seq), at most `limit` (1–1000), oldest first: the auditor's reader.
   *
   * @throws EngineError `AUTH_FORBIDDEN` without `audit.read`; `REQUEST_INVALID` for a bad page.
   */
  async auditEntries(
    person: Person,
    after: number | 'newest',
    limit: number,
  ): Promise<
    { seq: number; time: string; actor: string; action: string; subject: string; reason: string; detail: unknown }[]
  > {
    requirePermission(person, 'audit.read');
    const entries = after === 'newest' ? await this.#audit.newest(limit) : await this.#audit.entries(after, limit);
    return entries.map(({ seq, time, actor, action, subject, reason, detail }) => ({
      seq,
      time,
      actor,
      action,
      subject,
      reason,
      detail,
    }));
  }

  /** The person's permission, the queue's access, and the case itself. */
  async #checkCase(person: Person, caseId: number, permission: Permission): Promise<CaseRecord> {
    requirePermission(person, permission);
    if (!Number.isSafeInteger(caseId) || caseId < 1)
      throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    const found = await this.#repository.caseRecord(caseId);
    if (found === undefined) throw new EngineError('CASE_NOT_FOUND', `case ${caseId} not found`);
    const allowed =
      this.#queues === undefined ? can(person, 'cases.review') : await this.#queues.caseAccess(person, caseId);
    if (!allowed) throw new EngineError('AUTH_FORBIDDEN', `${person.login} may not work case ${caseId}'s queue`);
    return found;
  }

  /** The reason a decision records: required per the policy; otherwise the one given, or a stock one. */
  #reasonFor(action: ReviewAction, reason: unknown): string {
    if (this.#policy[action].reasonRequired) return checkReason(reason);
    if (reason === undefined || reason === null || (typeof reason === 'string' && reason.trim() === ''))
      return `${action.replace('_', ' ')} from the console`;
    return checkReason(reason);
  }

  /** The rules that fired on the subject, with their policy text; shadow rules flagged. */
  #firedRules(hits: readonly { ruleId: string; mode: string; reason: string; time: string }[]): CaseView['rules'] {
    const definitions = new Map(this.#engine.ruleDefinitions().map((rule) => [rule.id, rule]));
    const fired = new Map<string, { hits: number; shadow: boolean; latest: { reason: string; time: string } }>();
    for (const hit of hits) {
      const known = fired.get(hit.ruleId);
      if (known === undefined) {
        fired.set(hit.ruleId, { hits: 1, shadow: hit.mode === 'shadow', latest: hit });
        continue;
      }
      known.hits++;
      if (hit.time > known.latest.time) known.latest = hit;
    }
    return [...fired.entries()]
      .map(([id, item]) => ({
        id,
        description: definitions.get(id)?.description ?? '(no longer in the rule set)',
        policy: item.latest.reason,
        hits: item.hits,
        shadow: definitions.get(id)?.mode === 'shadow' || item.shadow,
        guidance: citationsOf(item.latest.reason),
      }))
      .sort((a, b) => b.hits - a.hits || (a.id < b.id ? -1 : 1));
  }
}

function requirePermission(person: Person | undefined, permission: Permission): void {
  if (person === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in first');
  if (!can(person, permission)) throw new EngineError('AUTH_FORBIDDEN', `${person.login} lacks ${permission}`);
}

/** True when the lifecycle refuses the move directly but allows it through `in_review`. */
function needsReviewFirst(current: CaseRecord, change: CaseChange): boolean {
  try {
    checkCaseChange(current, change, false);
    return false;
  } catch {
    try {
      checkCaseChange(current, { status: 'in_review' }, false);
      checkCaseChange({ ...current, status: 'in_review' }, change, false);
      return true;
    } catch {
      return false;
    }
  }
}

/** Comment text: a string, not blank, at most 10,000 characters, no NUL or other controls, no lone surrogates. */
function checkCommentText(text: unknown): string {
  if (typeof text !== 'string') throw new EngineError('REQUEST_INVALID', 'text must be a string');
  if (text.trim() === '') throw new EngineError('REQUEST_INVALID', 'text must not be blank');
  if (text.length > maxCommentLength)
    throw new EngineError('REQUEST_TOO_LARGE', `a comment is at most ${maxCommentLength} characters`);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the controls are what is refused
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text))
    throw new EngineError('REQUEST_INVALID', 'text must not contain control characters (tab and line breaks are fine)');
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(text))
    throw new EngineError('REQUEST_INVALID', 'text must not contain half a character (a lone surrogate)');
  return text;
}

/** Nearest-rank percentile of sorted values; null when there are none. */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(fraction * sorted.length));
  return sorted[rank - 1] ?? null;
}

interface TimelineMatch {
  readonly bank?: unknown;
  readonly contentId?: unknown;
  readonly signalType?: unknown;
  readonly distance?: unknown;
}

/** A stored timeline entry as the case view shows it: matches with their provenance, reasons with their guidance. */
function timelineItem(entry: CaseTimelineEntry): TimelineItem {
  const detail = entry.detail as {
    data?: { matches?: unknown };
    contributions?: { reason?: unknown }[];
  } | null;
  let summary = entry.summary;
  const matches = Array.isArray(detail?.data?.matches) ? (detail.data.matches as TimelineMatch[]) : [];
  if (matches.length > 0) {
    const described = matches
      .slice(0, 3)
      .map(
        (match) =>
          `${String(match.bank)} #${String(match.contentId)} (${String(match.signalType)}, distance ${String(match.distance)})`,
      );
    summary = `${summary} — matched ${described.join(', ')}${matches.length > 3 ? ` and ${matches.length - 3} more` : ''}`;
  }
  const reasons =
    entry.kind === 'rule_hit'
      ? [
          entry.summary,
          ...(Array.isArray(detail?.contributions) ? detail.contributions : [])
            .map((contribution) => contribution?.reason)
            .filter((reason): reason is string => typeof reason === 'string'),
        ]
      : [];
  const guidance = citationsOfAll(reasons);
  return {
    kind: entry.kind,
    time: entry.time,
    summary,
    ref: entry.ref,
    detail: entry.detail,
    ...(guidance.length > 0 ? { guidance } : {}),
  };
}

/** Where a case comes from, read off its timeline: a hash match, a stream, payments, chat, or other. */
function sourceOf(timeline: readonly CaseTimelineEntry[]): string {
  const types = new Set<string>();
  let matched = false;
  for (const entry of timeline) {
    if (entry.kind === 'match') matched = true;
    const type = (entry.detail as { type?: unknown } | null)?.type;
    if (typeof type === 'string') types.add(type);
  }
  if ([...types].some((type) => type.startsWith('stream.'))) return 'stream';
  if (matched) return 'hash_match';
  if ([...types].some((type) => type.startsWith('payment.'))) return 'payments';
  if ([...types].some((type) => type.startsWith('message.'))) return 'chat';
  return 'other';
}

/** Nodes and edges of the subject's links, two hops out, bounded. */
function entityGraph(subject: string, links: readonly { from: string; to: string; kind: string }[]): CaseView['graph'] {
  const nodes = new Map<string, { id: string; type: string }>();
  const addNode = (id: string): boolean => {
    if (nodes.has(id)) return true;
    if (nodes.size >= maxGraphNodes) return false;
    nodes.set(id, { id, type: id.includes(':') ? id.slice(0, id.indexOf(':')) : 'entity' });
    return true;
  };
  addNode(subject);
  const edges: { from: string; to: string; kind: string }[] = [];
  const seen = new Set<string>();
  let truncated = false;
  for (const link of links) {
    const key = `${link.from}\u0000${link.to}\u0000${link.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (edges.length >= maxGraphEdges || !addNode(link.from) || !addNode(link.to)) {
      truncated = true;
      continue;
    }
    edges.push({ from: link.from, to: link.to, kind: link.kind });
  }
  return { nodes: [...nodes.values()], edges, truncated };
}
