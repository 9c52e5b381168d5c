import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { demoOptions } from '../../../test/support/demo-options.js';
import { startDemo } from './demo-command.js';

const run = promisify(execFile);
const curlAvailable = await run('curl', ['--version']).then(
  () => true,
  () => false,
);

describe('prevail demo', () => {
  let directory: string;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-demo-'));
    demo = await startDemo(demoOptions(directory));
  });
  after(async () => {
    await demo.server.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('prints curl commands, and every one of them works against the running demo', {
    skip: curlAvailable ? false : 'curl is not installed',
  }, async () => {
    const commands = demo.lines.map((line) => line.trim()).filter((line) => line.startsWith('curl '));
    assert.ok(commands.length >= 8, `printed ${commands.length} commands`);
    const outputs: string[] = [];
    for (const command of commands) {
      const withoutComment = command.replace(/\s+#.*$/, '');
      const { stdout } = await run('sh', ['-c', `${withoutComment} --silent --show-error --fail --max-time 10`]);
      outputs.push(stdout);
    }
    const outputOf = (...needles: string[]) =>
      outputs[commands.findIndex((command) => needles.every((needle) => command.includes(needle)))] ?? '';
    assert.equal(outputOf('/status'), 'I-AM-ALIVE');
    assert.deepEqual(Object.keys(JSON.parse(outputOf('query-near-copy.jpg', '/m/lookup')).pdq), ['DEMO_IMAGES']);
    assert.deepEqual(JSON.parse(outputOf('query-unrelated.png', '/m/lookup')), { pdq: {} });
    assert.match(outputOf('signal_type=pdq'), /DEMO_IMAGES/);
    assert.equal(JSON.parse(outputOf('/v1/match')).matches[0].bank, 'DEMO_IMAGES');
  });

  test('prints the console URL and a login per role; the printed reviewer password signs in over HTTP', async () => {
    const text = demo.lines.join('\n');
    assert.ok(text.includes(`${demo.server.url}/console/`), text);
    for (const login of ['admin', 'reviewer', 'analyst', 'wellness', 'auditor'])
      assert.match(text, new RegExp(`^  ${login} +\\S{12,}  \\(`, 'm'), `${login} is printed`);
    const line = demo.lines.find((item) => /^ {2}reviewer /.test(item)) ?? '';
    const password = line.trim().split(/\s+/)[1];
    assert.equal(password, demo.seed.people.find((person) => person.login === 'reviewer')?.password);
    const response = await fetch(`${demo.server.url}/console/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'reviewer', password }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const body = (await response.json()) as { person: { login: string }; childSafety: boolean; permissions: string[] };
    assert.equal(body.person.login, 'reviewer');
    assert.equal(body.childSafety, true, 'the reviewer has a recorded opt-in');
    assert.ok(body.permissions.includes('media.reveal'));
    assert.match(response.headers.get('set-cookie') ?? '', /prevail_session=/);
  });

  test('seeds four cases: a hash match and a stream match with media, a payments typology, an imminent one', async () => {
    const { queues } = demo.server.services;
    const byScenario = new Map(demo.seed.cases.map((item) => [item.scenario, item.caseId]));
    assert.deepEqual([...byScenario.keys()].sort(), ['hash_match', 'imminent_harm', 'payments', 'stream_match']);
    const item = async (scenario: string) => queues.item(byScenario.get(scenario as never) ?? 0);
    assert.equal((await item('hash_match')).source, 'hash_match');
    assert.equal((await item('stream_match')).source, 'stream');
    assert.equal((await item('payments')).typology, 'sextortion_victim');
    assert.equal((await item('imminent_harm')).imminent, true);
    const reviewer = await demo.server.services.people.get('reviewer');
    const view = await demo.server.services.review?.caseView(byScenario.get('stream_match') ?? 0, reviewer);
    assert.equal(view?.media.length, 1);
    assert.equal(view?.media[0]?.origin, 'evidence');
  });

  test('running it again reuses the bank instead of failing', async () => {
    const second = await startDemo(demoOptions(directory));
    try {
      const banks = await second.server.services.banks.listBanks();
      assert.deepEqual(
        banks.map((bank) => bank.name),
        ['DEMO_IMAGES'],
      );
      assert.equal(await second.server.services.storage.banks.countSignals('pdq'), 6);
      assert.deepEqual(
        second.seed.cases.map((item) => item.caseId),
        demo.seed.cases.map((item) => item.caseId),
        'the same cases, none added',
      );
      assert.equal((await second.server.services.storage.engine.cases.list({ limit: 100 })).length, 4);
      const reviewer = second.seed.people.find((person) => person.login === 'reviewer');
      assert.ok(reviewer);
      await second.server.services.people.authenticate('reviewer', reviewer.password);
    } finally {
      await second.server.close();
    }
  });
});
