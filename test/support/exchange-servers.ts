import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/index.js';
import { createApiKey } from '../../src/auth/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { buildHttpServer } from '../../src/http/index.js';
import { httpDependencies } from '../../src/main.js';

/** Test keys: plainly fake, fixed. */
export const testFeedSeed = '7e'.repeat(32);
export const testCredentialRing = `t1:${'5a'.repeat(32)}`;

/** A Prevail (SQLite in `dataDir`) serving HTTP on 127.0.0.1 at a free port. */
export interface PrevailNode {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  readonly dataDir: string;
  /** Stops it, keeping `dataDir` (for a restart). */
  stop(): Promise<void>;
}

/** Starts a node; `feedKey` makes it a publisher, the credential ring lets it store an API key. */
export async function startPrevailNode(dataDir: string, options: { feedKey?: string } = {}): Promise<PrevailNode> {
  const services = await createServices(
    { dataDir },
    {
      exchanges: {
        evidenceKeys: testCredentialRing,
        ...(options.feedKey === undefined ? {} : { feedKey: options.feedKey }),
      },
    },
  );
  const app = await buildHttpServer(
    httpDependencies(services, {
      hmaAccess: 'open',
      maxUploadBytes: 1024 * 1024,
      fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: true },
      decode: { maxPixels: defaultMaxPixels },
    }),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    app,
    services,
    dataDir,
    stop: async () => {
      await app.close();
      await services.close();
    },
  };
}

/** A fresh data directory, removed by `cleanup`. */
export async function freshDataDir(cleanup: string[]): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-exchange-node-'));
  cleanup.push(directory);
  return directory;
}

export async function removeAll(directories: readonly string[]): Promise<void> {
  for (const directory of directories) await rm(directory, { recursive: true, force: true });
}

/** A read-scoped API key of `node` (the subscriber's credential). */
export async function readKey(node: PrevailNode): Promise<string> {
  return (await createApiKey(node.services.storage.apiKeys, 'peer', ['read'])).secret;
}
