import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  type CybertipContractServer,
  startCybertipContractServer,
} from '../../test/support/cybertip-contract-server.js';
import { misorderedReportXml, validReportXml } from '../../test/support/cybertip-fixtures.js';
import { startLocalServer } from '../../test/support/http-server.js';
import { isEngineError } from '../core/index.js';
import {
  CybertipClient,
  type CybertipEnvironment,
  classifyResponseCode,
  cybertipBaseUrls,
  parseCybertipResponse,
} from './index.js';

describe('CyberTipline responses', () => {
  test('reportResponse and reportDoneResponse parse into code, description, ids and hash', () => {
    assert.deepEqual(
      parseCybertipResponse(
        '<?xml version="1.0"?><reportResponse><responseCode>0</responseCode><responseDescription>Success</responseDescription><reportId>4564654</reportId><fileId>ab12</fileId><hash>d41d8cd98f00b204e9800998ecf8427e</hash></reportResponse>',
      ),
      {
        responseCode: 0,
        responseDescription: 'Success',
        reportId: '4564654',
        fileId: 'ab12',
        hash: 'd41d8cd98f00b204e9800998ecf8427e',
      },
    );
    assert.deepEqual(
      parseCybertipResponse(
        '<reportDoneResponse><responseCode>0</responseCode><reportId>7</reportId><files><fileId>x</fileId></files></reportDoneResponse>',
      ),
      { responseCode: 0, responseDescription: '', reportId: '7' },
      'nested elements are not the report-level fields',
    );
  });

  test('anything else is a problem, never a response', () => {
    for (const body of [
      '',
      'Service Unavailable',
      '<html><body>proxy error</body></html>',
      '<reportResponse><responseCode>zero</responseCode></reportResponse>',
      '<reportResponse><responseDescription>no code</responseDescription></reportResponse>',
      '<reportResponse><responseCode>0</responseCode>',
      '<!DOCTYPE x [<!ENTITY e "boom">]><reportResponse><responseCode>&e;</responseCode></reportResponse>',
      '<reportResponse>\u0000</reportResponse>',
    ]) {
      assert.ok('problem' in parseCybertipResponse(body), body);
    }
  });

  test('codes: 1000, 1100, 1110, 1111 transient; documented refusals and unknown codes permanent', () => {
    for (const code of [1000, 1100, 1110, 1111]) assert.equal(classifyResponseCode(code), 'transient', String(code));
    for (const code of [2000, 3000, 3100, 3300, 4000, 4100, 4110, 4200, 5001, 5002, 5101, 5102, 1210, 9999])
      assert.equal(classifyResponseCode(code), 'permanent', String(code));
    assert.equal(classifyResponseCode(0), 'ok');
  });
});

describe('CyberTipline client', () => {
  let server: CybertipContractServer;
  let client: CybertipClient;
  before(async () => {
    server = await startCybertipContractServer();
    client = new CybertipClient({
      environment: 'test',
      username: server.username,
      password: server.password,
      baseUrl: server.url,
      timeoutMs: 300,
    });
  });
  after(() => server.close());

  test('production is never the default: the environment is required, each has its documented base URL', () => {
    assert.throws(
      () => new CybertipClient({ username: 'u', password: 'p' } as never),
      (error) => isEngineError(error) && error.code === 'CONFIG_INVALID',
    );
    assert.throws(
      () => new CybertipClient({ environment: 'prod' as CybertipEnvironment, username: 'u', password: 'p' }),
      (error) => isEngineError(error) && error.code === 'CONFIG_INVALID',
    );
    assert.equal(
      new CybertipClient({ environment: 'test', username: 'u', password: 'p' }).baseUrl,
      cybertipBaseUrls.test,
    );
    assert.equal(
      new CybertipClient({ environment: 'production', username: 'u', password: 'p' }).baseUrl,
      cybertipBaseUrls.production,
    );
    assert.notEqual(cybertipBaseUrls.test, cybertipBaseUrls.production);
  });

  test('bad settings are refused: credentials in the URL, a colon in the username, an empty password', () => {
    for (const options of [
      { baseUrl: 'http://user:secret@127.0.0.1:1/ispws' },
      { baseUrl: 'ftp://127.0.0.1/ispws' },
      { baseUrl: 'not a url' },
      { username: 'a:b' },
      { password: '' },
    ]) {
      assert.throws(
        () => new CybertipClient({ environment: 'test', username: 'u', password: 'p', ...options }),
        (error) => isEngineError(error) && error.code === 'CONFIG_INVALID' && !error.message.includes('secret'),
        JSON.stringify(options),
      );
    }
  });

  test('status with the right credentials is ok and says who the caller is', async () => {
    const outcome = await client.status();
    assert.equal(outcome.kind, 'ok');
    assert.equal(outcome.response?.responseCode, 0);
    assert.match(outcome.text, new RegExp(`Remote User : ${server.username}`));
  });

  test('authentication: no header is 2000, a wrong password 3000, both permanent', async () => {
    const bare = await fetch(`${server.url}/status`);
    assert.equal(bare.status, 401);
    assert.match(await bare.text(), /<responseCode>2000</);
    const wrong = new CybertipClient({
      environment: 'test',
      username: server.username,
      password: 'nope',
      baseUrl: server.url,
    });
    const outcome = await wrong.status();
    assert.equal(outcome.kind, 'permanent');
    assert.equal(outcome.response?.responseCode, 3000);
    assert.equal(outcome.httpStatus, 403);
  });

  test('the full sequence against the contract server, and its refusals once finished or retracted', async () => {
    const submitted = await client.submit(validReportXml());
    assert.equal(submitted.kind, 'ok', submitted.text);
    const reportId = submitted.response?.reportId as string;
    const uploaded = await client.upload(reportId, { name: 'a.bin', bytes: Buffer.from('synthetic bytes') });
    assert.equal(uploaded.kind, 'ok', uploaded.text);
    assert.match(uploaded.response?.fileId ?? '', /^[0-9a-f]{32}$/);
    assert.equal(uploaded.response?.hash, createHash('md5').update('synthetic bytes').digest('hex'));
    const details = `<fileDetails><reportId>${reportId}</reportId><fileId>${uploaded.response?.fileId}</fileId><fileViewedByEsp>false</fileViewedByEsp></fileDetails>`;
    assert.equal((await client.fileInfo(details)).kind, 'ok');
    const unknownFile = await client.fileInfo(
      `<fileDetails><reportId>${reportId}</reportId><fileId>nope</fileId></fileDetails>`,
    );
    assert.equal(unknownFile.response?.responseCode, 5002);
    const finished = await client.finish(reportId);
    assert.equal(finished.kind, 'ok');
    assert.equal(finished.response?.reportId, reportId);
    assert.equal(
      (await client.upload(reportId, { name: 'b.bin', bytes: Buffer.from('more') })).response?.responseCode,
      5102,
    );
    assert.equal((await client.finish(reportId)).response?.responseCode, 5102);
    assert.equal(
      (await client.upload('999', { name: 'b.bin', bytes: Buffer.from('more') })).response?.responseCode,
      5001,
    );

    const other = (await client.submit(validReportXml('another'))).response?.reportId as string;
    assert.equal((await client.retract(other)).kind, 'ok');
    const twice = await client.retract(other);
    assert.equal(twice.kind, 'permanent');
    assert.equal(twice.response?.responseCode, 5101);
    assert.equal(server.reports().find((report) => report.reportId === other)?.status, 'retracted');
  });

  test('the contract server checks the order: misordered report 4100, malformed XML 4110', async () => {
    const misordered = await client.submit(misorderedReportXml());
    assert.equal(misordered.kind, 'permanent');
    assert.equal(misordered.response?.responseCode, 4100);
    const malformed = await client.submit('<report><incidentSummary></report>');
    assert.equal(malformed.response?.responseCode, 4110);
    const swapped = validReportXml().replace(
      '<espIdentifier>user-0001</espIdentifier><screenName>test-user</screenName>',
      '<screenName>test-user</screenName><espIdentifier>user-0001</espIdentifier>',
    );
    assert.equal((await client.submit(swapped)).response?.responseCode, 4100, 'personOrUserReported order');
    const noTime = validReportXml().replace('<incidentDateTime>2026-11-30T10:00:00Z</incidentDateTime>', '');
    assert.match((await client.submit(noTime)).text, /required <incidentDateTime> is missing/);
    const doubled = validReportXml().replace(
      '</incidentSummary>',
      '</incidentSummary><lawEnforcement/><lawEnforcement/>',
    );
    assert.match((await client.submit(doubled)).text, /appears more than once/);
    const reportId = (await client.submit(validReportXml())).response?.reportId as string;
    const fileId = (await client.upload(reportId, { name: 'c.bin', bytes: Buffer.from('c') })).response?.fileId;
    const details = `<fileDetails><fileId>${fileId}</fileId><reportId>${reportId}</reportId></fileDetails>`;
    assert.equal((await client.fileInfo(details)).response?.responseCode, 4100);
  });

  test('transient outcomes: 1000, HTTP 503, a hang past the deadline, a refused connection', async () => {
    server.failNext('/status', 1, { code: 1000 });
    server.failNext('/status', 1, { httpStatus: 503 });
    server.failNext('/status', 1, { hang: true });
    const coded = await client.status();
    assert.deepEqual([coded.kind, coded.response?.responseCode], ['transient', 1000]);
    const unavailable = await client.status();
    assert.deepEqual([unavailable.kind, unavailable.httpStatus], ['transient', 503]);
    const started = Date.now();
    const hung = await client.status();
    assert.deepEqual([hung.kind, hung.error], ['transient', 'no answer within 300 ms']);
    assert.ok(Date.now() - started < 3000);
    const closed = await startLocalServer(() => undefined);
    const url = closed.url;
    await closed.close();
    const refused = await new CybertipClient({
      environment: 'test',
      username: 'u',
      password: 'p',
      baseUrl: url,
    }).status();
    assert.equal(refused.kind, 'transient');
    assert.match(refused.text, /^connection failed/);
  });

  test('the caller aborting is not a remote failure: it throws', async () => {
    server.failNext('/status', 1, { hang: true });
    const controller = new AbortController();
    const slow = new CybertipClient({
      environment: 'test',
      username: server.username,
      password: server.password,
      baseUrl: server.url,
      timeoutMs: 5000,
    });
    const pending = slow.status(controller.signal);
    setTimeout(() => controller.abort(new Error('shutting down')), 50);
    await assert.rejects(pending, /shutting down/);
  });

  test('an answer longer than the limit is a failed call, not a read without end', async () => {
    const big = await startLocalServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/xml' });
      response.end(
        `<reportResponse><responseCode>0</responseCode><responseDescription>${'x'.repeat(4096)}</responseDescription></reportResponse>`,
      );
    });
    try {
      const limited = new CybertipClient({
        environment: 'test',
        username: 'u',
        password: 'p',
        baseUrl: big.url,
        maxResponseBytes: 1024,
      });
      const outcome = await limited.status();
      assert.equal(outcome.kind, 'transient');
      assert.equal(outcome.text, 'the answer is longer than 1024 bytes');
      assert.equal(outcome.httpStatus, 200);
    } finally {
      await big.close();
    }
  });
});
