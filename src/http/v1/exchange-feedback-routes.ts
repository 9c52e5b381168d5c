import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { feedbackStates, maxUpstreamReasonLength } from '../../exchange-sync/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { queryInteger } from '../query-values.js';
import { reasonSchema, requireReason } from './reason.js';

/** Where the feedback on one match of a case stands (`MatchFeedback`); also the console's answer. */
export const matchFeedbackSchema = z.object({
  exchange: z.string(),
  kind: z.string().describe('the exchange API (ncmec, stopncii, threatexchange, file, url, prevail)'),
  contentId: z.number().int().describe("the matched item of the exchange's bank"),
  key: z
    .string()
    .nullable()
    .describe("the item's upstream key; null when it is gone or no longer carries the exchange's provenance"),
  signalType: z.string(),
  state: z
    .enum(feedbackStates)
    .describe(
      "none (not asked), queued (waiting for the job or a retry), sent, failed (for good; see errorCode), unsupported (the exchange's API takes no feedback)",
    ),
  verdict: z.enum(['true_positive', 'false_positive']).nullable().describe('the newest request'),
  actor: z.string().nullable().describe('who asked for the newest request'),
  attempts: z.number().int(),
  errorCode: z.string().nullable(),
  updatedAt: z.string().nullable(),
  requests: z.number().int().describe('requests this match has had (each decision or explicit request)'),
});

/** The body of an explicit verdict on one match of a case (`/v1` and the console). */
export const matchFeedbackInputSchema = {
  exchange: z.string().min(1).max(200).describe("the exchange whose bank the match is from (also the bank's name)"),
  contentId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe("the match's contentId"),
  signalType: z
    .string()
    .min(1)
    .max(64)
    .optional()
    .describe('which signal of the match; needed only when the case matched the item on several'),
  verdict: z.enum(['true_positive', 'false_positive']),
  upstreamReason: z
    .string()
    .min(1)
    .max(maxUpstreamReasonLength)
    .optional()
    .describe(
      'sent to the exchange: NCMEC a reason GUID (GET feedback/{FP}/reasons), StopNCII a tag; never the audit reason',
    ),
};

const caseParams = z.object({ id: queryInteger(1) });

/**
 * Feedback to exchanges on a case's matches: where it stands per match, and an explicit true or
 * false positive on one (queued for the `exchanges.feedback` job, audited
 * `exchange.feedback_requested`). A decision (`PATCH /v1/cases/{id}`) gives feedback by itself.
 */
export function registerExchangeFeedbackRoutes(app: FastifyInstance, { exchanges, cases }: HttpDependencies): void {
  if (exchanges === undefined || cases === undefined) return;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['exchanges'];

  api.get(
    '/v1/cases/:id/exchange-feedback',
    {
      config: { scope: 'read' },
      schema: {
        tags,
        summary:
          "Each match of a case against an exchange's bank and where its feedback upstream stands (queued, sent, failed, unsupported)",
        params: caseParams,
        response: { 200: z.object({ feedback: z.array(matchFeedbackSchema) }) },
      },
    },
    async (request) => ({ feedback: await exchanges.caseFeedback(request.params.id) }),
  );

  api.post(
    '/v1/cases/:id/exchange-feedback',
    {
      config: { scope: 'write' },
      preValidation: requireReason('body'),
      schema: {
        tags,
        summary:
          'Give an exchange a true or false positive on one match of a case (queued, sent by the feedback job; audited)',
        params: caseParams,
        body: z.strictObject({ ...matchFeedbackInputSchema, reason: reasonSchema }),
        response: {
          200: z.object({
            feedback: matchFeedbackSchema,
            queued: z.boolean().describe('false: the newest request already carries this verdict'),
          }),
        },
      },
    },
    async (request) => {
      const { reason, signalType, upstreamReason, ...input } = request.body;
      return exchanges.giveCaseFeedback(
        {
          ...input,
          caseId: request.params.id,
          actor: request.actor,
          ...(signalType === undefined ? {} : { signalType }),
          ...(upstreamReason === undefined ? {} : { upstreamReason }),
        },
        reason,
      );
    },
  );
}
