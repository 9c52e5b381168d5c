import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createActionPlanner,
  loadActionPolicy,
  OutboxDispatcher,
  type OutboxDispatcherOptions,
} from '../../src/actions/index.js';
import { AuditLog } from '../../src/audit/index.js';
import { openEngine } from '../../src/engine/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';

/** The webhook secret of the test policy's endpoint (synthetic). */
export const actionSecret = 'test-only-secret-0123456789abcdef';

/** The environment variable the test policy reads the secret from. */
export const actionSecretEnv = { PREVAIL_ACTION_SECRET_TEST: actionSecret };

/**
 * Writes a policy with one rule: a private live session opens a case on its host and asks for
 * `end_stream` (active, to the receiver at `url`) and `warn_host` (shadow).
 */
export async function writeActionPolicy(
  policyDir: string,
  url: string,
  endpoint: { readonly timeoutMs?: number; readonly concurrency?: number } = {},
): Promise<void> {
  await mkdir(join(policyDir, 'rules'), { recursive: true });
  await writeFile(
    join(policyDir, 'rules', 'sessions.yaml'),
    `rules:
  - id: private_session
    description: A private live session started (synthetic test rule)
    events: [session.started]
    when: event.data.visibility == 'private'
    mode: active
    effects:
      - case: { subject: user, priority: high }
      - action: end_stream
      - action: warn_host
`,
  );
  await writeFile(
    join(policyDir, 'actions.yaml'),
    `endpoints:
  platform:
    url: ${url}
    secret_env: PREVAIL_ACTION_SECRET_TEST
    timeout_ms: ${endpoint.timeoutMs ?? 2000}
    concurrency: ${endpoint.concurrency ?? 4}
actions:
  - name: end_stream
    kind: terminate_stream
    mode: active
    endpoints: [platform]
    payload:
      stream: "{{entities.stream}}"
      host: "{{entities.user}}"
      rule: "{{rule}}"
      reasons: "{{reasons}}"
  - name: warn_host
    kind: warn_user
    mode: shadow
    endpoints: [platform]
    payload: { user: "{{entities.user}}" }
`,
  );
}

/** A `session.started` event of a private stream (synthetic ids). */
export function privateSession(id: string, user: string, stream: string) {
  return {
    id,
    type: 'session.started',
    time: new Date().toISOString(),
    entities: { user, stream },
    data: { kind: 'stream', visibility: 'private' },
  };
}

/**
 * Storage (SQLite under `place`, or what `open` opens there), the engine with the policy's
 * actions, and a dispatcher factory over the same store.
 */
export async function openActionRig(
  place: string,
  policyDir: string,
  open: (place: string) => Promise<Storage> = (dataDir) => openStorage({ dataDir }),
  settings: { readonly natsServers?: string; readonly env?: Readonly<Record<string, string>> } = {},
) {
  const storage = await open(place);
  const policy = await loadActionPolicy(
    policyDir,
    { ...actionSecretEnv, ...settings.env },
    settings.natsServers === undefined ? {} : { natsServers: settings.natsServers },
  );
  const planner = createActionPlanner(policy);
  const { engine } = await openEngine(storage.engine, policyDir, { actions: planner });
  const audit = new AuditLog(storage.engine.audit);
  const dispatcher = (options: Partial<OutboxDispatcherOptions> = {}) =>
    new OutboxDispatcher({ repository: storage.outbox, endpoints: policy.endpoints, audit, ...options });
  return {
    storage,
    engine,
    policy,
    audit,
    dispatcher,
    close: async () => {
      await engine.close();
      await storage.close();
    },
  };
}
