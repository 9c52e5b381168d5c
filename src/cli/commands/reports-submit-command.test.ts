import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { captureIo } from '../../../test/support/capture-io.js';
import {
  type CybertipContractServer,
  startCybertipContractServer,
} from '../../../test/support/cybertip-contract-server.js';
import { runCli } from '../main.js';

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
