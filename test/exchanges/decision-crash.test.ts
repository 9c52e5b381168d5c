import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createServices } from '../../src/app/index.js';
import { caseBackends } from '../support/case-backends.js';
import { examplePolicy } from '../support/engine-harness.js';
import { testCredentialRing } from '../support/exchange-servers.js';
import { listUpstream, startNcmecContractServer } from '../support/ncmec-contract-server.js';
import { postgresUrl } from '../support/postgres.js';

const childScript = fileURLToPath(new URL('../support/decision-child.ts', import.meta.url));
const cleanups: (() => Promise<unknown>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});
const backends = await caseBackends();
after(async () => {
  for (const backend of backends) await backend.cleanup();
});

/** Runs the decision child to its SIGKILL; returns the case it decided. */
async function decideAndDie(where: object, bank: string, contentId: number, user: string): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', childScript, JSON.stringify(where), bank, String(contentId), user],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, how) => resolve(how)));
  assert.equal(signal, 'SIGKILL', `the child died by its own SIGKILL (stderr: ${err.slice(0, 2000)})`);
  const decided = /decided (\d+)/.exec(out);
  assert.ok(decided, `the child decided a case before dying (stdout: ${out})`);
  return Number(decided[1]);
}

for (const backend of backends)
  test(`a process killed right after committing a decision: on restart the job sends its feedback upstream exactly once (${backend.name})`, {
    skip: backend.skip,
  }, async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const server = await startNcmecContractServer({
      upstream: listUpstream(() => [
        { member: 101, id: 'k1', type: 'image', timestamp: nowSeconds - 600, md5: 'ef'.repeat(16) },
      ]),
    });
    cleanups.push(() => server.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-decision-crash-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const place = await backend.place();
    const where =
      backend.name === 'PostgreSQL' ? { dataDir, databaseUrl: postgresUrl, schema: place } : { dataDir: place };
    const open = () =>
      createServices(
        { ...where, policyDir: examplePolicy },
        { withEngine: true, loadIndexes: false, exchanges: { evidenceKeys: testCredentialRing } },
      );

    const setup = await open();
    await setup.exchanges.add({ name: 'NCMEC_CRASH', kind: 'ncmec', config: { environment: server.url } });
    await setup.exchanges.setCredentials({ kind: 'ncmec' }, { user: 'test-user', password: 'test-password' });
    assert.equal((await setup.exchanges.fetch('NCMEC_CRASH')).upserts, 1);
    const [item] = await setup.banks.listContent('NCMEC_CRASH', { limit: 10 });
    assert.ok(item);
    await setup.close();

    const caseId = await decideAndDie(where, 'NCMEC_CRASH', item.id, 'crash-user-1');
    assert.equal(server.feedback.length, 0, 'the child sent nothing');

    // Restart: two servers on the same store tick; the decision's false positive goes up once.
    const first = await open();
    cleanups.push(() => first.close());
    const second = await open();
    cleanups.push(() => second.close());
    assert.equal((await first.storage.engine.cases.get(caseId))?.decision, 'dismissed', 'the decision was committed');
    const ticks = await Promise.all([first.exchanges.feedbackTick(), second.exchanges.feedbackTick()]);
    assert.equal(ticks[0].queued + ticks[1].queued, 1, 'queued once between the two servers');
    for (let round = 0; round < 3; round++) {
      await first.exchanges.feedbackTick();
      await second.exchanges.feedbackTick();
    }
    assert.equal(server.feedback.length, 1, 'sent exactly once');
    assert.match(String(server.feedback[0]?.path), /\/v2\/entries\/101\/k1\/MD5\/feedback$/);
    assert.match(String(server.feedback[0]?.body), /<negative>/);
    assert.deepEqual(
      (await first.exchanges.caseFeedback(caseId)).map((entry) => [entry.key, entry.state, entry.verdict, entry.actor]),
      [['101-k1', 'sent', 'false_positive', 'api:crash-test']],
    );
  });
