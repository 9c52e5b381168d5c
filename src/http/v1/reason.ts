import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { checkReason, maxReasonLength } from '../../audit/index.js';

/**
 * The zod schema of every `reason` a `/v1` route takes (in a body or the query), for the OpenAPI
 * reference and as a second check. The rule itself is `checkReason` in the audit module, applied
 * by `requireReason` before schema validation, so that a missing, non-text or blank reason is
 * refused with its own code (`REASON_REQUIRED`) rather than a schema's `REQUEST_INVALID`.
 */
export const reasonSchema = z
  .string()
  .min(1)
  .max(maxReasonLength)
  .regex(/\S/)
  .describe(
    `why you read or change case material (non-blank text, at most ${maxReasonLength} characters); kept in the audit log`,
  );

/**
 * A `preValidation` hook that refuses a missing, non-text or blank `reason` in the request's
 * body or query with `REASON_REQUIRED` (HTTP 400), before the schema answers `REQUEST_INVALID` and before
 * the handler reads or changes anything. Every route that takes a reason uses it.
 */
export function requireReason(where: 'body' | 'query'): preValidationAsyncHookHandler {
  return async (request: FastifyRequest) => {
    const container = request[where];
    const value =
      container !== null && typeof container === 'object' ? (container as Record<string, unknown>).reason : undefined;
    checkReason(value);
  };
}
