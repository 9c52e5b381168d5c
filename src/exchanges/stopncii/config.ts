import { z } from 'zod';
import { httpUrl } from '../client-options.js';

/**
 * A StopNCII exchange's configuration: the API base (`…/v1`; pytx's `base_url_override` — base URLs
 * are configuration, never built in), the page size (pytx 800), and how long an issued
 * `nextPageToken` is trusted (StopNCII calls tokens "not valid over long periods"; default 1 h).
 */
export const stopnciiConfigSchema = z.strictObject({
  baseUrl: httpUrl,
  pageSize: z.number().int().min(1).max(10_000).default(800),
  tokenLifetimeSeconds: z.number().int().min(1).max(86_400).default(3600),
});

export type StopnciiConfig = z.input<typeof stopnciiConfigSchema>;

const key = z
  .string()
  .min(1)
  .max(1024)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces');

/**
 * The Azure API Management keys: the subscription key (`Ocp-Apim-Subscription-Key`, every call)
 * and each function's own key (`x-functions-key`): FetchHashes' for fetching and, optionally,
 * SubmitFeedback's (without it the client sends no feedback, as HMA cannot).
 */
export const stopnciiCredentialsSchema = z.strictObject({
  subscriptionKey: key,
  fetchFunctionKey: key,
  feedbackFunctionKey: key.optional(),
});

export type StopnciiCredentials = z.input<typeof stopnciiCredentialsSchema>;
