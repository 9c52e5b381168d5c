/**
 * `POST /v1/rules/reload` on one API node reloads the rules of every node of a multi-node
 * deployment, each from its own policy directory, and answers with what each node did: a worker
 * that gained a rule counts it, a worker whose files do not validate keeps its old set and names
 * the problem, another API node answers too, and the node asked does not answer itself. The audit
 * entry holds every answer. Before, only the node asked reloaded (workers needed SIGHUP each).
 */
import assert from 'node:assert/strict';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Client } from 'pg';
import { startBusRig } from '../support/bus-rig.js';
import { examplePolicy } from '../support/engine-harness.js';
import { natsSkipReason } from '../support/nats-server.js';
import { waitForText, writeBrokenRule, writeExtraRule } from '../support/policy-edits.js';
import { postgresSkipReason } from '../support/postgres.js';
import { runPrevail, type ServeProcess, spawnPrevailWorker, startPrevailServe } from '../support/prevail-process.js';

const skip = natsSkipReason() ?? (await postgresSkipReason());

/** What the route answers (the parts this test reads). */
interface ReloadAnswer {
  reloaded: boolean;
  rules?: number;
  nodes?: {
    node: string;
    reloaded: boolean;
    rules?: number;
    diagnostics?: { file: string; message: string }[];
    error?: { code: string };
  }[];
}

describe('POST /v1/rules/reload reloads every node', {
  skip: skip === false ? undefined : skip,
  timeout: 240_000,
}, () => {
  test('each worker and API node reloads from its own directory and says how it went', async () => {
    const rig = await startBusRig('prevail_reload_nodes');
    const policies = { api: join(rig.dir, 'policy-api'), worker: join(rig.dir, 'policy-worker') };
    await cp(examplePolicy, policies.api, { recursive: true });
    await cp(examplePolicy, policies.worker, { recursive: true });
    const storage = ['--database-url', rig.database.url, '--data-dir', rig.dir];
    const serveFlags = ['--events', rig.nats.url, ...storage, '--hash-workers', '1', '--stream-hash-workers', '0'];
    const servers: ServeProcess[] = [];
    const worker = spawnPrevailWorker(rig.nats.url, [...storage, '--policy', policies.worker]);
    const pg = new Client({ connectionString: rig.database.connectionString });
    try {
      const created = await runPrevail(['keys', 'create', 'operator', '--scopes', 'admin', ...storage]);
      assert.equal(created.code, 0, created.stderr);
      const key = (JSON.parse(created.stdout) as { secret: string }).secret;
      servers.push(await startPrevailServe([...serveFlags, '--policy', policies.api]));
      servers.push(await startPrevailServe([...serveFlags, '--policy', policies.api]));
      await waitForText(worker.stderr, 'prevail worker consuming', 30_000);
      const [asked] = servers as [ServeProcess, ServeProcess];
      const reload = async (): Promise<ReloadAnswer> => {
        const answer = await fetch(`${asked.url}/v1/rules/reload`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}` },
        });
        assert.equal(answer.status, 200, await answer.clone().text());
        return (await answer.json()) as ReloadAnswer;
      };

      // The worker's directory gains a rule; the API nodes' does not.
      await writeExtraRule(policies.worker, 'zz-reload-nodes.yaml', 'reload_across_nodes_rule');
      const first = await reload();
      assert.equal(first.reloaded, true);
      const workerAnswer = first.nodes?.find((node) => node.node.startsWith('worker '));
      const otherApi = first.nodes?.filter((node) => node.node.startsWith('api ')) ?? [];
      assert.equal(first.nodes?.length, 2, JSON.stringify(first.nodes));
      assert.equal(otherApi.length, 1, 'the other API node answered, the one asked did not answer itself');
      assert.deepEqual(
        { reloaded: otherApi[0]?.reloaded, rules: otherApi[0]?.rules },
        {
          reloaded: true,
          rules: first.rules,
        },
      );
      assert.equal(workerAnswer?.reloaded, true);
      assert.equal(workerAnswer?.rules, (first.rules ?? 0) + 1, 'the worker counts the rule its directory gained');
      assert.ok(worker.stderr().includes(workerAnswer.node), 'the worker printed the name it answers with');

      // The worker's file no longer validates: it keeps its set and says why; the API nodes reload.
      await writeBrokenRule(policies.worker, 'zz-reload-nodes.yaml');
      const second = await reload();
      assert.equal(second.reloaded, true);
      const refused = second.nodes?.find((node) => node.node === workerAnswer.node);
      assert.equal(refused?.reloaded, false);
      assert.ok(
        refused?.diagnostics?.some((diagnostic) => diagnostic.file.endsWith('zz-reload-nodes.yaml')),
        JSON.stringify(refused),
      );
      assert.equal(worker.child.exitCode, null, 'the worker runs on');

      // Each reload is audited once, by the node asked, with every answer.
      await pg.connect();
      const audited = await pg.query<{ detail: string | { nodes?: unknown[] } }>(
        "select detail_json as detail from audit_log where action = 'rules.reload' order by seq",
      );
      assert.equal(audited.rows.length, 2);
      const details = audited.rows.map((row) =>
        typeof row.detail === 'string' ? (JSON.parse(row.detail) as { nodes?: unknown[] }) : row.detail,
      );
      assert.deepEqual(
        details.map((detail) => detail.nodes?.length),
        [2, 2],
      );
    } finally {
      await pg.end().catch(() => undefined);
      for (const server of servers) await server.stop();
      worker.child.kill('SIGTERM');
      await new Promise((resolve) => worker.child.once('exit', resolve));
      await rig.close();
    }
  });
});
