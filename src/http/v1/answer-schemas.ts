import { z } from 'zod';
import { apiScopes } from '../../auth/index.js';
import { largestShownSignalLength } from '../../banks/index.js';
import { caseDecisions, casePriorities, caseSources, caseStatuses } from '../../cases/index.js';
import { ruleModes } from '../../rules/index.js';
import { dihedralNames } from '../../signals/index.js';

/**
 * zod schemas of what `/v1` answers: declared as each route's `response`, they serialise the
 * answer (a field not listed here is not sent), type the handler's return against the domain's
 * shape, and document it in `/openapi.json`. Fields are listed as the domain modules define them;
 * operator JSON (metadata, timeline details, rule effects) is `unknown`, kept verbatim.
 */

const isoTime = z.string().describe('ISO-8601 time');

/** The engine's verdict on one event (`Verdict`). */
const verdictSchema = z.object({
  eventId: z.string(),
  verdict: z.enum(['allow', 'review', 'block']),
  score: z.number(),
  reasons: z.array(z.string()).readonly(),
  hits: z.array(z.object({ ruleId: z.string(), mode: z.enum(ruleModes), reason: z.string() })).readonly(),
});

/** What happened to one submitted event (`IngestResult`). */
const ingestResultSchema = z.discriminatedUnion('status', [
  z.object({
    index: z.number().int(),
    status: z.literal('accepted'),
    id: z.string(),
    seq: z.number().int(),
    verdict: verdictSchema.describe('with ?wait=verdict').optional(),
    code: z
      .literal('VERDICT_TIMEOUT')
      .describe('multi-node mode, with ?wait=verdict: no worker committed a verdict within the wait')
      .optional(),
  }),
  z.object({ index: z.number().int(), status: z.literal('duplicate'), id: z.string(), seq: z.number().int() }),
  z.object({
    index: z.number().int(),
    status: z.literal('rejected'),
    code: z.literal('EVENT_INVALID'),
    problems: z.array(z.object({ path: z.string(), message: z.string() })).readonly(),
  }),
]);

/** A value too long to show in an answer about content (`SignalSummary`). */
const signalSummarySchema = z.object({
  valueSha256: z.string().describe("SHA-256 (64 hex) of the value's text (UTF-8)"),
  valueBytes: z.number().int().describe("length of the value's text in bytes"),
});

/** A bank item as `/v1` shows it (`contentJson`): long signal values summarised. */
export const contentAnswerSchema = z.object({
  id: z.number().int(),
  bank: z.string(),
  signals: z
    .record(z.string(), z.string())
    .describe(
      `signal type → value, for values of at most ${largestShownSignalLength} characters (longer ones are under largeSignals)`,
    ),
  largeSignals: z
    .record(z.string(), signalSummarySchema)
    .describe(
      `signal type → SHA-256 and length of each value longer than ${largestShownSignalLength} characters (a video's tmk_pdqf, 351,128; a long video's vpdq); GET /v1/content/{id}/signals gives the values`,
    ),
  enabled: z.boolean().describe('true while lookups can match it'),
  disableUntil: z.number().int().describe('Unix seconds it stays disabled until (0: indefinitely, 1: enabled)'),
  quarantinedAt: isoTime.nullable().describe('when flood protection quarantined it, or null'),
  source: z.string().nullable(),
  externalId: z.string().nullable(),
  category: z.string().nullable(),
  note: z.string().nullable(),
  contentUri: z.string().nullable(),
  metadata: z.unknown().describe('operator JSON, kept verbatim (null when none)'),
  addedAt: isoTime,
});

/** One item's whole signals (`contentSignalsJson`), long values included. */
export const contentSignalsAnswerSchema = z.object({
  id: z.number().int(),
  bank: z.string(),
  signals: z.record(z.string(), z.string()).describe('signal type → value, every value in full'),
});

/** `{"deleted": true}`, `{"revoked": true}`: a removal that happened (a missing one is a 404). */
export const deletedAnswerSchema = z.object({ deleted: z.literal(true) });

/** The hashes of one image or video (`MediaHashes`). */
export const mediaHashesSchema = z.object({
  pdq: z.string().describe('64 hex characters').optional(),
  quality: z.number().describe('PDQ quality, 0–100').optional(),
  vpdq: z.string().optional(),
  vpdq_dense: z.string().optional(),
  md5: z.string().optional(),
  sha256: z.string().optional(),
  dihedral: z
    .partialRecord(z.enum(dihedralNames.filter((name) => name !== 'original')), z.string())
    .describe('with ?dihedral=true: the PDQ of each rotation and flip')
    .optional(),
});

const matchSchema = z.object({
  bank: z.string(),
  contentId: z.number().int(),
  signalType: z.string(),
  distance: z.number(),
  matchedValue: z.string(),
  queryValue: z.string(),
  variant: z.enum(dihedralNames),
  queryMatchPercent: z.number().optional(),
  comparedMatchPercent: z.number().optional(),
  provenance: z.object({
    source: z.string().nullable(),
    externalId: z.string().nullable(),
    category: z.string().nullable(),
    note: z.string().nullable(),
    contentUri: z.string().nullable(),
    addedAt: isoTime,
  }),
});

/** `POST /v1/match`: the signals looked up, the outcome (`MatchOutcomeJson`), and the event it fed. */
export const matchAnswerSchema = z.object({
  signals: z.record(z.string(), z.unknown()).describe('the hashes computed from the media, or the signals given'),
  matches: z.array(matchSchema).describe('the actionable matches'),
  suppressed: z.array(
    matchSchema.extend({ suppressedBy: z.object({ bank: z.string(), contentId: z.number().int() }) }),
  ),
  quarantined: z.array(matchSchema),
  negative: z.array(matchSchema),
  warnings: z.array(z.string()),
  event: ingestResultSchema
    .describe('the media.matched event ingested for the matches (when entities were given), with its verdict')
    .optional(),
  evidenceId: z.string().describe('the preserved upload in the evidence vault').optional(),
});

/** An API key as listed (`ApiKeyRecord`): never its secret. */
export const apiKeyAnswerSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes: z.array(z.enum(apiScopes)).readonly(),
  createdAt: isoTime,
  revokedAt: isoTime.nullable(),
});

/** A case (`CaseRecord`). */
export const caseAnswerSchema = z.object({
  id: z.number().int(),
  subject: z.string().describe('the entity, type:id'),
  status: z.enum(caseStatuses),
  priority: z.enum(casePriorities),
  assignee: z.string().nullable(),
  decision: z.enum(caseDecisions).nullable(),
  openedAt: isoTime,
  updatedAt: isoTime,
  closedAt: isoTime.nullable(),
  retainUntil: isoTime.nullable(),
  legalHold: z.object({ at: isoTime, reason: z.string() }).nullable(),
  source: z.enum(caseSources),
  typology: z.string().nullable(),
  imminent: z.boolean(),
});

/** A link between two entities (`LinkRecord`). */
export const linkAnswerSchema = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.string(),
  firstSeen: isoTime,
  lastSeen: isoTime,
  count: z.number().int(),
});

/** A rule hit (`RuleHitRecord`). */
export const ruleHitAnswerSchema = z.object({
  eventId: z.string(),
  eventSeq: z.number().int(),
  ruleId: z.string(),
  mode: z.enum(ruleModes),
  subject: z.string().nullable(),
  reason: z.string(),
  effects: z.unknown().describe('the effects it applied (active) or would have (shadow)'),
  time: isoTime,
});

/** A case with its timeline, links and rule hits (`CaseFile`). */
export const caseFileAnswerSchema = z.object({
  case: caseAnswerSchema,
  timeline: z.array(
    z.object({
      caseId: z.number().int(),
      kind: z.enum(['event', 'match', 'rule_hit', 'label', 'status', 'decision', 'note']),
      ref: z.string(),
      time: isoTime,
      summary: z.string(),
      detail: z
        .unknown()
        .describe(
          "the entry as recorded; a message event carries data.text_withheld: true instead of data.text (read through the console's audited reveal)",
        ),
    }),
  ),
  links: z.array(linkAnswerSchema),
  hits: z.array(ruleHitAnswerSchema),
});

/** An ingestion's summary and per-event results (`IngestSummary`). */
export const ingestAnswerSchema = z.object({
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  results: z.array(ingestResultSchema),
});

/** `POST /v1/payments`: the ingestion's summary, each result naming its payment's transaction. */
export const paymentsAnswerSchema = z.object({
  format: z.string(),
  payments: z.number().int(),
  accepted: z.number().int(),
  duplicates: z.number().int(),
  rejected: z.number().int(),
  results: z.array(z.intersection(ingestResultSchema, z.object({ transaction: z.string().optional() }))),
});

const attemptSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  httpStatus: z.number().int().nullable().describe('null for NATS and when no answer came'),
  latencyMs: z.number(),
  error: z.string().nullable(),
});

const caseActionSchema = z.object({
  id: z.number().int().describe('the outbox id'),
  action: z.string(),
  kind: z.string(),
  mode: z.enum(['shadow', 'active']),
  endpoint: z.string(),
  status: z.enum(['pending', 'delivered', 'dead', 'shadow', 'stream']),
  trigger: z.string().describe('rule:<id>, decision:<name> or typology:<name>'),
  createdAt: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  attemptLog: z.array(attemptSchema),
});

/** A case's actions and their deliveries (`/v1/cases/{id}/actions`, the console's twin): never a payload. */
export const caseActionsAnswerSchema = z.object({ actions: z.array(caseActionSchema) });
