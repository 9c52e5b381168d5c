import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { EngineError } from '../../core/index.js';
import { summariseIngest } from '../../engine/index.js';
import { detectPaymentFormat, paymentFormats, readPayments, toPaymentEvent } from '../../payments/index.js';
import type { HttpDependencies } from '../dependencies.js';
import { paymentsAnswerSchema } from './answer-schemas.js';

const maxPaymentsPerRequest = 10_000;

/**
 * Payments over HTTP: `POST /v1/payments` takes a payments message (ISO 20022 pacs.008 or pain.001
 * XML, Tazama's pacs.008 JSON, SWIFT MT103, CSV or JSON Lines) and ingests every payment as a `payment.sent`
 * event. The whole message is parsed first, and each payment's event put through every check
 * the engine applies when it stores events: a message with any problem is refused (400
 * `PAYMENT_INVALID` with its position, transaction and field) and nothing of it is applied.
 */
export function registerPaymentRoutes(app: FastifyInstance, dependencies: HttpDependencies): void {
  const { engine } = dependencies;
  if (engine === undefined) return;

  app.withTypeProvider<ZodTypeProvider>().post(
    '/v1/payments',
    {
      config: { scope: 'write' },
      schema: {
        tags: ['payments'],
        summary:
          'Ingest a payments message (pacs.008, pain.001, Tazama JSON, SWIFT MT103, CSV, JSON Lines) as payment.sent events; all or nothing',
        description:
          'Send the message as the body (application/xml, text/csv, application/x-ndjson, application/json or text/plain; an MT103 as text/plain). The format is detected unless ?format= names it. Event ids are "payment:<transaction id>", so a message sent twice is applied once. ?wait=verdict returns each payment\'s verdict.',
        querystring: z.strictObject({
          format: z.enum(paymentFormats).optional(),
          wait: z.literal('verdict').optional(),
        }),
        consumes: ['application/xml', 'text/csv', 'application/x-ndjson', 'application/json', 'text/plain'],
        body: z
          .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])
          .describe('the payments message: XML, CSV, JSON Lines or MT103 text, or Tazama pacs.008 JSON')
          .optional(),
        response: { 200: paymentsAnswerSchema },
      },
    },
    async (request) => {
      const body = request.body;
      const text = typeof body === 'string' ? body : body === undefined || body === null ? '' : JSON.stringify(body);
      if (text.trim() === '') throw new EngineError('REQUEST_INVALID', 'send a payments message as the request body');
      const format = request.query.format ?? detectPaymentFormat(text);
      const records = readPayments(text, format, {
        checkEvent: (event) => {
          const check = engine.engine.check(event);
          return check.ok ? [] : check.problems;
        },
      });
      if (records.length > maxPaymentsPerRequest) {
        throw new EngineError('REQUEST_TOO_LARGE', `at most ${maxPaymentsPerRequest} payments per request`);
      }
      const results = await engine.engine.ingest(records.map(toPaymentEvent), {
        wait: request.query.wait === 'verdict',
      });
      const summary = summariseIngest(results);
      return {
        format,
        payments: records.length,
        ...summary,
        results: results.map((result) => ({ ...result, transaction: records[result.index]?.id })),
      };
    },
  );
}
