import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { buildHttpServer, type HttpConfig } from '../../src/http/index.js';
import { httpDependencies } from '../../src/main.js';
import type { FloodPolicy } from '../../src/matching/index.js';

/**
 * A real Prevail server for tests: SQLite in a fresh temporary directory, real indexes, the
 * real HTTP app driven in-process with `app.inject()` (no port is opened). `close()` removes
 * everything.
 */
export async function startTestServer(
  options: {
    hmaAccess?: HttpConfig['hmaAccess'];
    floodPolicy?: FloodPolicy;
    allowPrivateUrls?: boolean;
    policyDir?: string;
    /** `PREVAIL_ACTION_SECRET_*` values for the policy's `actions.yaml`. */
    actionSecrets?: Readonly<Record<string, string>>;
    /** The key ring that seals exchange credentials (`PREVAIL_EVIDENCE_KEYS`' format). */
    exchangeKeys?: string;
  } = {},
): Promise<{ app: FastifyInstance; services: Services; dataDir: string; close: () => Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'prevail-server-'));
  const services = await createServices(
    {
      dataDir,
      ...(options.policyDir !== undefined ? { policyDir: options.policyDir } : {}),
      ...(options.actionSecrets !== undefined ? { actionSecrets: options.actionSecrets } : {}),
    },
    {
      withEngine: true,
      // As \`prevail serve\`: the matcher follows the bank change log.
      followBankChanges: true,
      ...(options.floodPolicy ? { floodPolicy: options.floodPolicy } : {}),
      ...(options.exchangeKeys === undefined ? {} : { exchanges: { evidenceKeys: options.exchangeKeys } }),
    },
  );
  const app = await buildHttpServer(
    httpDependencies(services, {
      hmaAccess: options.hmaAccess ?? 'open',
      maxUploadBytes: 20 * 1024 * 1024,
      fetchPolicy: {
        maxBytes: 20 * 1024 * 1024,
        timeoutMs: 5000,
        allowedHosts: [],
        allowPrivateAddresses: options.allowPrivateUrls ?? true,
      },
      decode: { maxPixels: defaultMaxPixels },
    }),
  );
  await app.ready();
  return {
    app,
    services,
    dataDir,
    close: async () => {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
