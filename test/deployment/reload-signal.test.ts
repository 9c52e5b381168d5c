/**
 * SIGHUP, what `systemctl reload` sends (deploy/prevail.service's `ExecReload`), reloads the rules
 * of `prevail serve` and of `prevail worker` and never stops either: a valid set is swapped in, a
 * set that does not validate leaves the old one running and names the problem, and a process
 * started without a policy directory says there is nothing to reload. Before, a worker, or a
 * server without a policy, had no handler, and Node ends a process on SIGHUP.
 */
import assert from 'node:assert/strict';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { startBusRig } from '../support/bus-rig.js';
import { examplePolicy } from '../support/engine-harness.js';
import { natsSkipReason } from '../support/nats-server.js';
import { waitForText, writeBrokenRule, writeExtraRule } from '../support/policy-edits.js';
import { postgresSkipReason } from '../support/postgres.js';
import { spawnPrevailWorker, startPrevailServe } from '../support/prevail-process.js';

/** The number of rules the example policy's files hold, read from the reload message. */
const reloadedCount = (stderr: string) => Number(/rules reloaded: (\d+) rules/.exec(stderr)?.[1]);

const skipWorker = natsSkipReason() ?? (await postgresSkipReason());

describe('SIGHUP reloads the rules and stops nothing', { timeout: 180_000 }, () => {
  test('prevail serve without a policy directory says so and keeps serving', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prevail-hangup-serve-'));
    try {
      const server = await startPrevailServe(['--data-dir', dir, '--hash-workers', '1', '--stream-hash-workers', '0']);
      try {
        server.signal('SIGHUP');
        await waitForText(server.stderr, 'rules NOT reloaded: no policy directory');
        const live = await fetch(`${server.url}/status/live`);
        assert.equal(live.status, 200, 'still serving');
        assert.equal(server.exited(), false);
      } finally {
        assert.equal(await server.stop(), 0);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('prevail worker reloads its policy, keeps the old set when the new one is bad, and stops cleanly', {
    skip: skipWorker === false ? undefined : skipWorker,
  }, async () => {
    const rig = await startBusRig('prevail_hangup_worker');
    const policy = join(rig.dir, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    const worker = spawnPrevailWorker(rig.nats.url, [
      '--database-url',
      rig.database.url,
      '--policy',
      policy,
      '--data-dir',
      rig.dir,
    ]);
    const exited = new Promise<number | null>((resolve) => worker.child.once('exit', (code) => resolve(code)));
    try {
      await waitForText(worker.stderr, 'prevail worker consuming');
      worker.child.kill('SIGHUP');
      const first = reloadedCount(await waitForText(worker.stderr, /rules reloaded: \d+ rules/));
      assert.ok(first > 0, 'the example policy has rules');

      // One more rule: the reload counts it.
      await writeExtraRule(policy, 'zz-reload-test.yaml', 'reload_test_rule');
      const before = worker.stderr().length;
      worker.child.kill('SIGHUP');
      await waitForText(() => worker.stderr().slice(before), /rules reloaded: \d+ rules/);
      assert.equal(reloadedCount(worker.stderr().slice(before)), first + 1);

      // A file that does not validate: the old set keeps running, the problem is named.
      await writeBrokenRule(policy, 'zz-reload-test.yaml');
      const beforeBad = worker.stderr().length;
      worker.child.kill('SIGHUP');
      const refused = await waitForText(() => worker.stderr().slice(beforeBad), 'rules NOT reloaded');
      assert.match(refused, /zz-reload-test\.yaml:\d+:\d+:/);
      assert.equal(worker.child.exitCode, null, 'the worker runs on');

      worker.child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.match(worker.stderr(), /worker stopped: /);
    } finally {
      worker.child.kill('SIGKILL');
      await rig.close();
    }
  });
});
