import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { createServices, type Services } from '../../src/app/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { HashPool, type HashPoolSettings } from '../../src/hasher/index.js';
import { buildHttpServer } from '../../src/http/index.js';
import { httpDependencies } from '../../src/main.js';

/**
 * A real server for upload tests: SQLite in a fresh temporary directory, the real HTTP app
 * (driven with `app.inject()`, no port), a hashing pool the test sizes and can watch, an upload
 * limit the test chooses, the bank `UPLOADS`, and an admin key. `close()` removes everything.
 */
export async function startUploadServer(options: {
  readonly maxUploadBytes: number;
  readonly hashing: HashPoolSettings;
}): Promise<{
  app: FastifyInstance;
  services: Services;
  pool: HashPool;
  authorization: string;
  close: () => Promise<void>;
}> {
  const dataDir = await mkdtemp(join(tmpdir(), 'prevail-uploads-'));
  const services = await createServices({ dataDir }, { withEngine: true });
  const pool = new HashPool(options.hashing);
  const app = await buildHttpServer({
    ...httpDependencies(services, {
      hmaAccess: 'open',
      maxUploadBytes: options.maxUploadBytes,
      fetchPolicy: { maxBytes: options.maxUploadBytes, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: true },
      decode: { maxPixels: defaultMaxPixels },
    }),
    hasher: pool,
  });
  await app.ready();
  await services.banks.createBank({ name: 'UPLOADS' });
  const { secret } = await createApiKey(services.storage.apiKeys, 'uploader', ['admin']);
  return {
    app,
    services,
    pool,
    authorization: `Bearer ${secret}`,
    close: async () => {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A multipart/form-data body with one file part named `field` and optional form fields. */
export function multipartBody(
  field: string,
  bytes: Uint8Array,
  fields: Readonly<Record<string, string>> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----prevailuploadboundary';
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="x"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
  );
  parts.push(Buffer.from(bytes), Buffer.from(`\r\n--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A flat benign picture: a small PNG that decodes to `width × height` pixels. */
export async function flatPng(width: number, height: number): Promise<Uint8Array> {
  const image = sharp({ create: { width, height, channels: 3, background: { r: 90, g: 140, b: 200 } } });
  return new Uint8Array(await image.png().toBuffer());
}

/** Every route that takes an upload, with the field name its clients use for a picture. */
export const uploadRoutes: readonly { readonly url: string; readonly field: string; readonly hma: boolean }[] = [
  { url: '/h/hash', field: 'photo', hma: true },
  { url: '/m/lookup', field: 'photo', hma: true },
  { url: '/c/bank/UPLOADS/content', field: 'photo', hma: true },
  { url: '/v1/hash', field: 'file', hma: false },
  { url: '/v1/match', field: 'file', hma: false },
  { url: '/v1/banks/UPLOADS/media', field: 'file', hma: false },
];
