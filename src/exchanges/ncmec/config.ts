import { z } from 'zod';
import { httpUrl } from '../client-options.js';

/**
 * An NCMEC exchange's configuration. `baseUrl` is the environment's base (HMA stores the same URL
 * string as `environment`, e.g. the Industry or NGO base and its test twin); the client appends
 * `/v2/…`. `onlyMemberIds` keeps only those members' entries (HMA's `only_esp_ids`); empty or
 * absent keeps all. `maxWindowEntries` is the size above which a window is shrunk (pytx: 100,000).
 */
export const ncmecConfigSchema = z.strictObject({
  baseUrl: httpUrl,
  onlyMemberIds: z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).max(10_000).optional(),
  maxWindowEntries: z.number().int().min(1_000).max(10_000_000).default(100_000),
});

/** The configuration as the factory receives it (defaults optional). */
export type NcmecConfig = z.input<typeof ncmecConfigSchema>;

/** HTTP Basic credentials (HMA's `{"user", "password"}`); both non-empty, no control characters. */
export const ncmecCredentialsSchema = z.strictObject({
  user: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[^:\p{Cc}]+$/u, 'no colon or control character'),
  password: z
    .string()
    .min(1)
    .max(1024)
    .regex(/^\P{Cc}+$/u, 'no control character'),
});

export type NcmecCredentials = z.input<typeof ncmecCredentialsSchema>;
