import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import type { Person } from '../../people/index.js';
import { classifications, reviewActions } from '../../review/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';
import { caseActionsAnswerSchema, caseAnswerSchema } from '../v1/answer-schemas.js';
import { matchFeedbackInputSchema, matchFeedbackSchema } from '../v1/exchange-feedback-routes.js';
import './console-route.js';
import {
  auditEntryAnswerSchema,
  builtReportAnswerSchema,
  caseReportsAnswerSchema,
  caseViewAnswerSchema,
  commentAnswerSchema,
  dashboardsAnswerSchema,
  ledgerEntryAnswerSchema,
  revealedMessageAnswerSchema,
  submissionAnswerSchema,
} from './review-answer-schemas.js';

const caseParams = z.strictObject({ id: queryInteger(1) });

/** The signed-in person (set by the console session hook). @throws EngineError `AUTH_REQUIRED`. */
function personOf(request: FastifyRequest): Person {
  const person = request.person;
  if (person === undefined) throw new EngineError('AUTH_REQUIRED', 'sign in to the console first');
  return person;
}

/**
 * The review console's API (contract C of the console): the case view, decisions, labels,
 * comments, second opinions, reports, dashboards and the audit reader. Each route only maps
 * HTTP to `ReviewService`, which checks the person's permission and queue access again.
 * Registered only when the review service is given (it needs the engine).
 */
export function registerReviewRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const review = dependencies.review;
  if (review === undefined) return;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['console'];

  api.get(
    '/console/api/cases/:id',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary: 'The case view (audited case.view)',
        params: caseParams,
        response: { 200: caseViewAnswerSchema },
      },
    },
    async (request) => review.caseView(request.params.id, personOf(request)),
  );

  api.post(
    '/console/api/cases/:id/messages/:messageId/reveal',
    {
      config: { scope: 'public', console: { permission: 'media.reveal' } },
      schema: {
        tags,
        summary:
          "Reveal one chat message's text (child-safety role with a recorded opt-in; reason per console.yaml reveals; audited message.reveal; never cached)",
        params: z.strictObject({ id: queryInteger(1), messageId: z.string().min(1).max(256) }),
        body: z.strictObject({ reason: z.string().max(2000).optional() }).optional(),
        response: { 200: revealedMessageAnswerSchema },
      },
    },
    async (request, reply) => {
      const revealed = await review.revealMessage(
        request.params.id,
        personOf(request),
        request.params.messageId,
        request.body?.reason,
      );
      reply.header('cache-control', 'no-store, max-age=0').header('pragma', 'no-cache');
      return revealed;
    },
  );

  api.post(
    '/console/api/cases/:id/decision',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary: 'Decide: confirm, dismiss, escalate, enqueue_report or close (reason per the decision policy)',
        params: caseParams,
        body: z.strictObject({
          action: z.enum(reviewActions),
          reason: z.string().optional(),
          classification: z.enum(classifications).optional(),
        }),
        response: { 200: z.object({ case: caseAnswerSchema }) },
      },
    },
    async (request) => {
      const { action, reason, classification } = request.body;
      const decided = await review.decide(request.params.id, personOf(request), {
        action,
        ...(reason === undefined ? {} : { reason }),
        ...(classification === undefined ? {} : { classification }),
      });
      return { case: decided };
    },
  );

  api.post(
    '/console/api/cases/:id/labels',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary: "Label the case's subject (audited label.add; sets off the label's propagation)",
        params: caseParams,
        body: z.strictObject({ label: z.string(), reason: z.unknown() }),
        response: { 200: z.object({ labels: z.array(z.string()).describe("the subject's labels after the change") }) },
      },
    },
    async (request) => ({
      labels: await review.label(request.params.id, personOf(request), request.body.label, request.body.reason),
    }),
  );

  api.post(
    '/console/api/cases/:id/comments',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary: 'Comment on a case (at most 10,000 characters; audited case.comment)',
        params: caseParams,
        body: z.strictObject({ text: z.unknown() }),
        response: { 200: z.object({ comment: commentAnswerSchema }) },
      },
    },
    async (request) => ({ comment: await review.comment(request.params.id, personOf(request), request.body.text) }),
  );

  api.post(
    '/console/api/cases/:id/second-opinion',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary: 'Ask for a second opinion (audited case.second_opinion)',
        params: caseParams,
        body: z.strictObject({ reason: z.unknown() }),
        response: { 200: z.object({ comment: commentAnswerSchema }) },
      },
    },
    async (request) => ({
      comment: await review.secondOpinion(request.params.id, personOf(request), request.body.reason),
    }),
  );

  api.post(
    '/console/api/cases/:id/reports',
    {
      config: { scope: 'public', console: { permission: 'reports.build' } },
      schema: {
        tags,
        summary: 'Build the goAML or FinCEN report of a payments case, with its validation (audited case.report)',
        params: caseParams,
        body: z.strictObject({ format: z.enum(['goaml', 'fincen']), narrative: z.string().min(1).optional() }),
        response: { 200: builtReportAnswerSchema },
      },
    },
    async (request) =>
      review.buildReport(
        request.params.id,
        personOf(request),
        request.body.format,
        request.body.narrative === undefined ? {} : { narrative: request.body.narrative },
      ),
  );

  api.get(
    '/console/api/cases/:id/actions',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary:
          "The case's actions (actions.yaml) and their deliveries: status, attempts, last error, next retry; never a payload",
        params: caseParams,
        response: { 200: caseActionsAnswerSchema },
      },
    },
    async (request) => ({ actions: await review.actionsOf(request.params.id, personOf(request)) }),
  );

  api.get(
    '/console/api/cases/:id/exchange-feedback',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary:
          "Each match of the case from an exchange's bank and where its feedback went (queued, sent, failed, not supported by that API)",
        params: caseParams,
        response: { 200: z.object({ feedback: z.array(matchFeedbackSchema) }) },
      },
    },
    async (request) => ({ feedback: [...(await review.matchFeedbackOf(request.params.id, personOf(request)))] }),
  );

  api.post(
    '/console/api/cases/:id/exchange-feedback',
    {
      config: { scope: 'public', console: { permission: 'cases.review' } },
      schema: {
        tags,
        summary:
          'Give an exchange a true or false positive on one match of the case (queued, sent by the feedback job; audited exchange.feedback_requested)',
        params: caseParams,
        body: z.strictObject({ ...matchFeedbackInputSchema, reason: z.unknown().optional() }),
        response: { 200: z.object({ feedback: matchFeedbackSchema, queued: z.boolean() }) },
      },
    },
    async (request) => {
      const { signalType, upstreamReason, ...input } = request.body;
      return review.giveMatchFeedback(request.params.id, personOf(request), {
        ...input,
        ...(signalType === undefined ? {} : { signalType }),
        ...(upstreamReason === undefined ? {} : { upstreamReason }),
      });
    },
  );

  api.get(
    '/console/api/cases/:id/reports',
    {
      config: { scope: 'public', console: { permission: 'reports.build' } },
      schema: {
        tags,
        summary: "Where the case's reports went (the ledger) and its CyberTipline submissions with NCMEC's last answer",
        params: caseParams,
        response: { 200: caseReportsAnswerSchema },
      },
    },
    async (request) => review.reportsOf(request.params.id, personOf(request)),
  );

  api.post(
    '/console/api/cases/:id/cybertip',
    {
      config: { scope: 'public', console: { permission: 'reports.build' } },
      schema: {
        tags,
        summary:
          'Report a confirmed case to the NCMEC CyberTipline (one report per decision; each file says whether a person viewed it)',
        params: caseParams,
        body: z.strictObject({
          supplemental: z.boolean().optional(),
          annotations: z.array(z.string().max(64)).max(20).optional(),
          incidentType: z.string().max(200).optional(),
          escalate: z.string().max(3000).optional(),
        }),
        response: { 200: z.object({ submission: submissionAnswerSchema }) },
      },
    },
    async (request) => ({
      submission: await review.submitCybertip(request.params.id, personOf(request), request.body),
    }),
  );

  api.post(
    '/console/api/cases/:id/filings',
    {
      config: { scope: 'public', console: { permission: 'reports.build' } },
      schema: {
        tags,
        summary: 'Record a report filed outside Prevail (goAML portal, BSA E-Filing) in the ledger (audited)',
        params: caseParams,
        body: z.strictObject({
          destination: z.string().max(60),
          reference: z.string().max(200),
          reason: z.unknown().optional(),
        }),
        response: {
          200: z.object({ ledger: z.array(ledgerEntryAnswerSchema).describe("the case's ledger after it") }),
        },
      },
    },
    async (request) => ({ ledger: await review.recordFiling(request.params.id, personOf(request), request.body) }),
  );

  api.get(
    '/console/api/dashboards',
    {
      config: { scope: 'public', console: { permission: 'dashboards.view' } },
      schema: {
        tags,
        summary: 'Volumes, time to decision, automatic vs person, rule precision, shadow hits',
        querystring: z.strictObject({ days: queryInteger(1, 366).optional() }),
        response: { 200: dashboardsAnswerSchema },
      },
    },
    async (request) => review.dashboards(personOf(request), request.query.days ?? 30),
  );

  api.get(
    '/console/api/audit',
    {
      config: { scope: 'public', console: { permission: 'audit.read' } },
      schema: {
        tags,
        summary: 'Audit entries after a seq, or the newest ones (?newest=true), oldest first (read only)',
        querystring: z.strictObject({
          after: queryInteger(0).optional(),
          newest: z.literal('true').optional(),
          limit: queryInteger(1, 1000).optional(),
        }),
        response: { 200: z.object({ entries: z.array(auditEntryAnswerSchema) }) },
      },
    },
    async (request) => ({
      entries: await review.auditEntries(
        personOf(request),
        request.query.newest === 'true' ? 'newest' : (request.query.after ?? 0),
        request.query.limit ?? 100,
      ),
    }),
  );
}
