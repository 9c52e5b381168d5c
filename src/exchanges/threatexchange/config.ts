import { z } from 'zod';
import { httpUrl } from '../client-options.js';

/**
 * A ThreatExchange exchange's configuration: the Graph API base with its version (pytx's
 * `endpoint_override`; e.g. `…/v21.0`), the privacy group id (digits; a number is accepted), and
 * the page size (`limit`, pytx 100).
 */
export const threatexchangeConfigSchema = z.strictObject({
  baseUrl: httpUrl,
  privacyGroup: z.union([
    z.string().regex(/^[0-9]{1,20}$/),
    z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .transform((value) => String(value)),
  ]),
  pageSize: z.number().int().min(1).max(1000).default(100),
});

export type ThreatexchangeConfig = z.input<typeof threatexchangeConfigSchema>;

/**
 * The app access token `<app id>|<secret>` (pytx's validity check: at least 8 digits, `|` or
 * `%7C`, at least 20 of `[A-Za-z0-9_-]`). It travels in query strings and form bodies, so it is
 * never put in a message, a log or a checkpoint.
 */
export const threatexchangeCredentialsSchema = z.strictObject({
  apiToken: z
    .string()
    .max(512)
    .regex(/^[0-9]{8,}(\||%7C)[A-Za-z0-9_-]{20,}$/, 'an app access token <app id>|<secret>'),
});

export type ThreatexchangeCredentials = z.input<typeof threatexchangeCredentialsSchema>;
