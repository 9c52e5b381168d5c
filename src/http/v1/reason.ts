import type { FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import { checkReason, maxReasonLength } from '../../audit/index.js';

/**
 * The JSON-schema fragment of every `reason` a `/v1` route takes (in a body or the query), for
 * the OpenAPI reference and as a second check. The rule itself is `checkReason` in the audit
 * module, applied by `requireReason` before schema validation: the validator coerces types, so
 * on its own it would turn `123` or `true` into the text "123" or "true".
 */
export const reasonSchema = {
  type: 'string',
  minLength: 1,
  maxLength: maxReasonLength,
  pattern: '\\S',
  description: `why you read or change case material (non-blank text, at most ${maxReasonLength} characters); kept in the audit log`,
} as const;

/**
 * A `preValidation` hook that refuses a missing, non-text or blank `reason` in the request's
 * body or query with `REASON_REQUIRED` (HTTP 400), before the schema can coerce it and before
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
