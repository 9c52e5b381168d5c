import { z } from 'zod';
import { reviewActions } from '../../review/index.js';
import { caseAnswerSchema } from '../v1/answer-schemas.js';

/**
 * zod schemas of what the review console's API answers (`review-routes.ts`): they serialise the
 * answers, type the handlers' returns against `ReviewService`'s shapes and document them in
 * `/openapi.json`. Timeline details are the stored JSON, kept verbatim (`unknown`).
 */

const isoTime = z.string().describe('ISO-8601 time');
const guidance = z.array(z.string()).readonly().describe("the policy's guidance for reviewers");

/** A comment or second-opinion request on a case (`CaseComment`). */
export const commentAnswerSchema = z.object({
  id: z.number().int(),
  caseId: z.number().int(),
  author: z.string(),
  time: isoTime,
  text: z.string(),
  kind: z.enum(['comment', 'second_opinion']),
});

/** Where one report of a case went (`LedgerEntry`). */
export const ledgerEntryAnswerSchema = z.object({
  caseId: z.number().int(),
  destination: z.string().describe('ncmec, goaml, fincen, or where a filing outside Prevail went'),
  externalId: z.string(),
  status: z.string(),
  at: isoTime,
});

/** A CyberTipline submission and where it stands (`SubmissionSummary`). */
export const submissionAnswerSchema = z.object({
  id: z.number().int(),
  status: z.enum(['created', 'submitted', 'finished', 'retracted', 'failed']),
  reportId: z.string().nullable(),
  supplemental: z.boolean(),
  actor: z.string(),
  attempts: z.number().int(),
  nextAttemptAt: isoTime.nullable(),
  lastError: z
    .object({
      endpoint: z.string(),
      kind: z.enum(['transient', 'permanent']),
      responseCode: z.number().int().optional(),
      httpStatus: z.number().int().optional(),
      text: z.string(),
    })
    .nullish(),
  files: z.array(z.object({ name: z.string(), step: z.string() })).readonly(),
  createdAt: isoTime,
  finishedAt: isoTime.nullable(),
});

/** The case view (`CaseView`): the case, its placement, subject, graph, timeline (message text withheld), scores, rules, media, chat indicators. */
export const caseViewAnswerSchema = z.object({
  case: caseAnswerSchema,
  queue: z.string().nullable(),
  traits: z.object({ source: z.string(), typology: z.string().nullable(), imminent: z.boolean() }),
  claim: z.object({ by: z.string(), expiresAt: isoTime }).nullable(),
  subject: z.object({ entity: z.string(), labels: z.array(z.string()).readonly() }),
  graph: z.object({
    nodes: z.array(z.object({ id: z.string(), type: z.string() })).readonly(),
    edges: z.array(z.object({ from: z.string(), to: z.string(), kind: z.string() })).readonly(),
    truncated: z.boolean(),
  }),
  timeline: z
    .array(
      z.object({
        kind: z.string(),
        time: isoTime,
        summary: z.string(),
        ref: z.string(),
        detail: z.unknown(),
        guidance: guidance.optional(),
      }),
    )
    .readonly(),
  typologyScores: z
    .array(
      z.object({
        typology: z.string(),
        score: z.number(),
        threshold: z.number(),
        caseThreshold: z.number().nullable(),
        reasons: z.array(z.string()).readonly(),
        guidance,
      }),
    )
    .readonly(),
  rules: z
    .array(
      z.object({
        id: z.string(),
        description: z.string(),
        policy: z.string(),
        hits: z.number().int(),
        shadow: z.boolean(),
        guidance,
      }),
    )
    .readonly(),
  comments: z.array(commentAnswerSchema).readonly(),
  actions: z.array(z.object({ action: z.enum(reviewActions), reasonRequired: z.boolean() })).readonly(),
  media: z
    .array(
      z.object({
        id: z.string(),
        caseId: z.number().int(),
        kind: z.enum(['image', 'video']),
        harm: z.object({ category: z.string().nullable(), typology: z.string().nullable() }),
        origin: z.enum(['url', 'evidence']),
      }),
    )
    .readonly(),
  chat: z
    .object({
      indicators: z
        .array(
          z.object({
            id: z.string().describe('the chat.indicator event'),
            time: isoTime,
            family: z.string(),
            direction: z.enum(['from_subject', 'to_subject', 'other']),
            sender: z.string().nullable(),
            recipient: z.string().nullable(),
            confidence: z.number().nullable(),
            language: z.string().nullable(),
            messageId: z.string().describe('the message.sent event a reveal names'),
          }),
        )
        .readonly()
        .describe('the indicator timeline, oldest first: never message text nor the matched span'),
      messages: z.number().int(),
      revealReasonRequired: z.boolean(),
      reportReadiness: z.array(z.string()).readonly().describe('what a CyberTipline report of this chat still lacks'),
    })
    .nullable()
    .describe('the chat indicators of a chat case; null when the case holds no chat event'),
});

/** A chat message's text, revealed after the audit entry was written (`RevealedMessage`). */
export const revealedMessageAnswerSchema = z.object({
  messageId: z.string(),
  time: isoTime.nullable(),
  sender: z.string().nullable(),
  recipient: z.string().nullable(),
  text: z.string().nullable().describe('the text as sent; null when the event carries none'),
  revealedAt: isoTime,
});

/** A built goAML or FinCEN report with its validation (`BuiltReport`). */
export const builtReportAnswerSchema = z.object({
  filename: z.string(),
  xml: z.string().describe('the document; empty when validation failed'),
  validation: z.object({ ok: z.boolean(), problems: z.array(z.string()).readonly() }),
});

/** Where a case's reports went and its CyberTipline submissions (`CaseReports`). */
export const caseReportsAnswerSchema = z.object({
  submissionConfigured: z.boolean().describe('false when no CyberTipline submitter is configured'),
  files: z.array(z.object({ mediaId: z.string(), viewed: z.boolean() })).readonly(),
  ledger: z.array(ledgerEntryAnswerSchema).readonly(),
  submissions: z.array(submissionAnswerSchema).readonly(),
});

/** The dashboards (`Dashboards`). */
export const dashboardsAnswerSchema = z.object({
  days: z.number().int(),
  volumes: z.array(z.object({ day: z.string(), opened: z.number().int(), decided: z.number().int() })).readonly(),
  timeToDecision: z.object({ p50Seconds: z.number().nullable(), p90Seconds: z.number().nullable() }),
  decidedBy: z.object({ automatic: z.number().int(), person: z.number().int() }),
  rulePrecision: z
    .array(
      z.object({
        rule: z.string(),
        precision: z.number().nullable(),
        confirmed: z.number().int(),
        dismissed: z.number().int(),
      }),
    )
    .readonly(),
  shadowHits: z.array(z.object({ rule: z.string(), hits: z.number().int() })).readonly(),
});

/** An audit entry as the audit reader shows it. */
export const auditEntryAnswerSchema = z.object({
  seq: z.number().int(),
  time: isoTime,
  actor: z.string(),
  action: z.string(),
  subject: z.string(),
  reason: z.string(),
  detail: z.unknown(),
});
