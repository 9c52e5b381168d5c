import { z } from 'zod';
import { allErrorCodes } from '../core/index.js';

/**
 * The one error envelope of `/v1` and `/console/api`: `{"error": {"code", "message"}}`, with
 * `requestId` on `INTERNAL` errors (the log line to look for). Every operation's 4xx and 5xx
 * answers are this schema (`openapi-operation.ts` declares it on each route), registered once as
 * the OpenAPI component `Error` and referenced from every operation, never restated. The code is
 * one of `docs/errors.md`; its HTTP status is `httpStatusOfCode`.
 */
export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.enum(allErrorCodes).describe('a stable code from docs/errors.md: branch on this, not on the message'),
      message: z.string().describe('what went wrong, for a person'),
      requestId: z.string().describe('on INTERNAL errors: the request id the server logged the cause under').optional(),
    }),
  })
  .meta({ id: 'Error', description: 'A coded error (see docs/errors.md)' });
