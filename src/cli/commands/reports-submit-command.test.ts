import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import {
  type CybertipContractServer,
  startCybertipContractServer,
} from '../../../test/support/cybertip-contract-server.js';
import { demoOptions } from '../../../test/support/demo-options.js';
import { defaultSettings } from '../../config/index.js';
import { silentLogger } from '../../logging/index.js';
import { useCliSettings } from '../cli-settings.js';
import { runCli } from '../main.js';
import { startDemo } from './demo-command.js';

let server: CybertipContractServer;
before(async () => {
  server = await startCybertipContractServer();
});
after(() => server.close());

function environment(password: string): Record<string, string> {
  return {
    PREVAIL_CYBERTIP_USERNAME: server.username,
    PREVAIL_CYBERTIP_PASSWORD: password,
    PREVAIL_CYBERTIP_BASE_URL: server.url,
    PREVAIL_LOG_LEVEL: 'silent',
  };
}

test('reports check: GET /status with the configured credentials prints who NCMEC says we are', async () => {
  const io = captureIo();
  const status = await runCli(['reports', 'check'], io, environment(server.password));
  assert.equal(status, 0, io.errors());
  const line = JSON.parse(io.output());
  assert.equal(line.ok, true);
  assert.equal(line.environment, 'test', 'test unless production is set');
  assert.equal(line.baseUrl, server.url);
  assert.equal(line.username, server.username);
  assert.equal(line.responseCode, 0);
  assert.match(line.responseDescription, new RegExp(`Remote User : ${server.username}`));
  assert.equal(server.calls.at(-1)?.endpoint, '/status');
  assert.ok(!io.output().includes(server.password));
});

test('reports check: wrong credentials exit 1 with NCMEC 3000, the password never printed', async () => {
  const io = captureIo();
  const status = await runCli(['reports', 'check'], io, environment('wrong-password-value'));
  assert.equal(status, 1);
  const line = JSON.parse(io.output());
  assert.equal(line.ok, false);
  assert.equal(line.responseCode, 3000);
  assert.match(io.errors(), /CyberTipline check failed \(permanent\)/);
  assert.ok(!`${io.output()}${io.errors()}`.includes('wrong-password-value'));
});

test('reports check: a server that does not answer in time exits 1; no credentials is a configuration error', async () => {
  server.failNext('/status', 1, { hang: true });
  const hung = captureIo();
  assert.equal(
    await runCli(['reports', 'check'], hung, { ...environment(server.password), PREVAIL_CYBERTIP_TIMEOUT_MS: '200' }),
    1,
  );
  assert.match(JSON.parse(hung.output()).text, /no answer within 200 ms/);
  const missing = captureIo();
  assert.equal(await runCli(['reports', 'check'], missing, { PREVAIL_LOG_LEVEL: 'silent' }), 2);
  assert.match(missing.errors(), /CONFIG_INVALID: the CyberTipline needs PREVAIL_CYBERTIP_USERNAME/);
  assert.equal(missing.output(), '');
});

test('reports submit: a confirmed demo case goes to NCMEC once from the command line; a refused one names its code', async () => {
  const directory = await mkdtemp(join(tmpdir(), 'prevail-reports-submit-'));
  try {
    useCliSettings(defaultSettings(), silentLogger());
    const demo = await startDemo(demoOptions(directory));
    const caseOf = (scenario: string) => demo.seed.cases.find((item) => item.scenario === scenario)?.caseId ?? 0;
    const reviewer = await demo.server.services.people.get('reviewer');
    await demo.server.services.review?.decide(caseOf('hash_match'), reviewer, {
      action: 'confirm',
      reason: 'matches a banked demo picture (synthetic)',
      classification: 'A2',
    });
    await demo.server.close();
    const env = {
      ...environment(server.password),
      PREVAIL_EVIDENCE_KEY: (await readFile(join(directory, 'demo-evidence-key'), 'utf8')).trim(),
    };
    const args = (caseId: number) => [
      'reports',
      'submit',
      String(caseId),
      '--data-dir',
      directory,
      '--policy',
      join(directory, 'demo-policy'),
      '--evidence-dir',
      join(directory, 'demo-evidence'),
      '--actor',
      'test-operator',
    ];
    const before = server.reports().length;
    const io = captureIo();
    assert.equal(await runCli(args(caseOf('hash_match')), io, env), 0, io.errors());
    const submission = JSON.parse(io.output());
    assert.equal(submission.status, 'finished');
    assert.equal(submission.actor, 'person:test-operator');
    const received = server.reports().slice(before);
    assert.equal(received.length, 1);
    assert.equal(received[0]?.reportId, submission.reportId);
    assert.equal(received[0]?.files.length, 2, 'both demo pictures, read from the vault');
    for (const file of received[0]?.files ?? [])
      assert.match(file.fileDetails.join(''), /<fileViewedByEsp>false<\/fileViewedByEsp>/, 'nobody revealed them');

    const again = captureIo();
    assert.equal(await runCli(args(caseOf('hash_match')), again, env), 0, again.errors());
    assert.equal(JSON.parse(again.output()).id, submission.id, 'the same decision: the same submission');
    assert.equal(server.reports().length, before + 1, 'nothing sent again');

    const undecided = captureIo();
    assert.equal(await runCli(args(caseOf('stream_match')), undecided, env), 1);
    assert.match(undecided.errors(), /CASE_TRANSITION_INVALID/);
  } finally {
    useCliSettings(defaultSettings(), silentLogger());
    await rm(directory, { recursive: true, force: true });
  }
});
