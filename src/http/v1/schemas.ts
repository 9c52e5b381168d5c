import { z } from 'zod';

/**
 * zod schemas shared by the `/v1` routes: one source for request validation, the handlers' types,
 * response serialisation and the OpenAPI reference (`fastify-type-provider-zod` turns them into
 * JSON Schema for `/openapi.json`).
 */

/** A bank name: upper case, digits and underscores, as HMA names banks. */
export const bankNameSchema = z
  .string()
  .max(255)
  .regex(/^[A-Z_][A-Z0-9_]*$/);

/**
 * A bank as `/v1` answers it. Fields are optional as in the former JSON Schema (the serialiser
 * writes what is there); anything not listed is dropped from the answer.
 */
export const bankResponseSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  enabledRatio: z.number().optional(),
  pdqThreshold: z.number().int().optional(),
  negative: z.boolean().optional(),
  videoViews: z.array(z.string()).describe('extra views of the videos it banks (corners)').optional(),
  videoSignals: z
    .array(z.string())
    .describe('signals beyond the usual ones it computes for the videos it banks (tmk_pdqf)')
    .optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});

/** Signal type → value, as items and lookups carry them. */
export const signalsSchema = z
  .record(z.string(), z.string())
  .describe('Signal type → value, e.g. {"pdq": "<64 hex>", "md5": "<32 hex>"}');
