import { createHash, randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createServices, type Services } from '../../src/app/index.js';
import { defaultMaxPixels } from '../../src/content/index.js';
import { buildHttpServer, type HttpConfig, serverHostNames } from '../../src/http/index.js';
import { httpDependencies } from '../../src/main.js';
import type { Role } from '../../src/people/index.js';
import { actionSecretEnv } from './action-rig.js';
import { chatTestPolicy, chatTestRuleYaml } from './chat-case.js';
import { examplePolicy } from './engine-harness.js';
import { startLocalServer } from './http-server.js';

/**
 * A real Prevail server for browser tests: SQLite in a fresh temporary directory, the example
 * policy, the signals engine, the console's services (people, queues, review, wellness) and the
 * built console, listening on `127.0.0.1` on a free port. A small local media server serves the
 * benign pictures cases point at (`mediaUrl/<name>`). `close()` stops both and removes the data.
 */
export interface ConsoleServer {
  /** `http://127.0.0.1:PORT` (no trailing slash). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly services: Services;
  /** `http://127.0.0.1:PORT` of the media server; `/<name>` serves `files.get(name)`. */
  readonly mediaUrl: string;
  readonly files: Map<string, Uint8Array>;
  close(): Promise<void>;
}

export async function startConsoleServer(
  options: {
    readonly claimTimeoutMs?: number;
    /**
     * Report to this CyberTipline (a local contract server): evidence preservation on in the data
     * directory with a fresh key, and the example policy copied with `reportsYaml` as its
     * `reports.yaml`.
     */
    readonly cybertip?: {
      readonly url: string;
      readonly username: string;
      readonly password: string;
      readonly reportsYaml: string;
    };
    /** The example policy copied with this `actions.yaml` (its secrets: `actionSecretEnv`). */
    readonly actionsYaml?: string;
    /** The example policy copied with the chat test rule (`chat-case.ts`: an indicator opens a case). */
    readonly chatTestRule?: boolean;
    /** The key ring that seals exchange credentials (`PREVAIL_EVIDENCE_KEYS`' format). */
    readonly exchangeKeys?: string;
  } = {},
): Promise<ConsoleServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'prevail-console-'));
  let policyDir = examplePolicy;
  if (options.cybertip !== undefined) {
    policyDir = join(dataDir, 'policy');
    await cp(examplePolicy, policyDir, { recursive: true });
    await writeFile(join(policyDir, 'reports.yaml'), options.cybertip.reportsYaml);
  }
  if (options.actionsYaml !== undefined) {
    if (policyDir === examplePolicy) {
      policyDir = join(dataDir, 'policy');
      await cp(examplePolicy, policyDir, { recursive: true });
    }
    await writeFile(join(policyDir, 'actions.yaml'), options.actionsYaml);
  }
  if (options.chatTestRule === true) {
    if (policyDir === examplePolicy) policyDir = await chatTestPolicy(join(dataDir, 'policy'));
    else await writeFile(join(policyDir, 'rules', 'chat-test.yaml'), chatTestRuleYaml);
  }
  const files = new Map<string, Uint8Array>();
  const media = await startLocalServer((request, response) => {
    const body = files.get((request.url ?? '/').slice(1));
    if (body === undefined) {
      response.statusCode = 404;
      response.end();
      return;
    }
    response.setHeader('content-type', (request.url ?? '').endsWith('.mp4') ? 'video/mp4' : 'image/png');
    response.end(body);
  });
  const fetchPolicy = { maxBytes: 20 * 1024 * 1024, timeoutMs: 5000, allowedHosts: [], allowPrivateAddresses: true };
  const services = await createServices(
    { dataDir, policyDir, ...(options.actionsYaml === undefined ? {} : { actionSecrets: actionSecretEnv }) },
    {
      withEngine: true,
      wellness: { fetchPolicy },
      ...(options.cybertip === undefined
        ? {}
        : {
            streams: { evidenceDirectory: join(dataDir, 'evidence'), evidenceKey: randomBytes(32).toString('hex') },
            reporting: {
              cybertip: {
                environment: 'test' as const,
                username: options.cybertip.username,
                password: options.cybertip.password,
                baseUrl: options.cybertip.url,
                timeoutMs: 5000,
              },
              fetchPolicy,
            },
          }),
      ...(options.claimTimeoutMs !== undefined ? { claimTimeoutMs: options.claimTimeoutMs } : {}),
      ...(options.exchangeKeys === undefined ? {} : { exchanges: { evidenceKeys: options.exchangeKeys } }),
    },
  );
  const config: HttpConfig = {
    hmaAccess: 'open',
    maxUploadBytes: 20 * 1024 * 1024,
    fetchPolicy,
    decode: { maxPixels: defaultMaxPixels },
    allowedHosts: serverHostNames('127.0.0.1', []),
    allowedOrigins: [],
  };
  const app = await buildHttpServer(httpDependencies(services, config));
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url: address.replace('localhost', '127.0.0.1'),
    app,
    services,
    mediaUrl: media.url,
    files,
    close: async () => {
      await app.close();
      await services.close();
      await media.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The password `addPerson` gives everyone (at least 12 characters). */
export const testPassword = 'correct horse battery';

/** Creates a person with `roles` (opted in to child-safety work when asked). */
export async function addPerson(
  services: Services,
  login: string,
  roles: readonly Role[],
  options: { readonly optIn?: boolean } = {},
): Promise<void> {
  await services.people.create(
    { login, displayName: login.charAt(0).toUpperCase() + login.slice(1), password: testPassword, roles },
    { actor: 'system:test' },
  );
  if (options.optIn === true) {
    await services.people.setChildSafetyOptIn(login, true, { actor: `person:${login}`, reason: 'test opt-in' });
  }
}

let eventNumber = 0;

/**
 * Opens a hash-match case: banks the picture's MD5 (with `category`) and ingests the
 * `media.matched` event `/v1/match` would send for it, with `data.media.url` pointing at the media
 * server, about `user`. Returns the case id.
 */
export async function hashMatchCase(
  server: ConsoleServer,
  user: string,
  picture: Uint8Array,
  options: { readonly category?: string; readonly source?: 'api' | 'stream'; readonly kind?: 'image' | 'video' } = {},
): Promise<number> {
  const engine = server.services.engine;
  if (engine === undefined) throw new Error('the console server has no engine');
  const md5 = createHash('md5').update(picture).digest('hex');
  const name = `media-${md5}.${options.kind === 'video' ? 'mp4' : 'png'}`;
  server.files.set(name, picture);
  const bankName = 'CONSOLE_TEST_BANK';
  const banks = await server.services.banks.listBanks();
  if (!banks.some((bank) => bank.name === bankName)) await server.services.banks.createBank({ name: bankName });
  const content = await server.services.banks.addContent(bankName, {
    signals: { md5 },
    ...(options.category !== undefined ? { category: options.category } : {}),
  });
  const event = {
    id: `console-test-${++eventNumber}-${md5.slice(0, 8)}`,
    type: 'media.matched',
    time: new Date().toISOString(),
    entities: { user },
    data: {
      matches: [{ bank: bankName, contentId: content.id, signalType: 'md5', distance: 0 }],
      signals: { md5 },
      source: options.source ?? 'api',
      media: { url: `${server.mediaUrl}/${name}`, ...(options.kind !== undefined ? { kind: options.kind } : {}) },
    },
  };
  const [result] = await engine.engine.ingest([event], { wait: true });
  if (result === undefined || result.status !== 'accepted') throw new Error(`ingest: ${JSON.stringify(result)}`);
  const [found] = await server.services.storage.engine.cases.list({ subject: `user:${user}` });
  if (found === undefined) throw new Error(`no case was opened for user:${user}`);
  return found.id;
}

/**
 * Opens a payments case under the example policy: five small payments of `user`'s account to a
 * high-risk corridor (the typology reaches its case threshold). Returns the case id.
 */
export async function paymentsCase(server: ConsoleServer, user: string): Promise<number> {
  const engine = server.services.engine;
  if (engine === undefined) throw new Error('the console server has no engine');
  const start = Date.now() - 5 * 3_600_000;
  const events = Array.from({ length: 5 }, (_, index) => ({
    id: `console-test-pay-${++eventNumber}`,
    type: 'payment.sent',
    time: new Date(start + index * 600_000).toISOString(),
    entities: { user, payment_account: `acct-${user}`, payee_account: 'acct-payee-1' },
    data: { amount: 25, currency: 'USD', payee_country: 'PH' },
  }));
  const results = await engine.engine.ingest(events, { wait: true });
  for (const result of results) if (result.status !== 'accepted') throw new Error(`ingest: ${JSON.stringify(result)}`);
  const [found] = await server.services.storage.engine.cases.list({ subject: `user:${user}` });
  if (found === undefined) throw new Error(`no case was opened for user:${user}`);
  return found.id;
}
