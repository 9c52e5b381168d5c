import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { startTestServer } from '../../../test/support/server-harness.js';
import { HashPool } from '../../hasher/index.js';
import { Matcher } from '../../matching/index.js';
import { createSignalIndex } from '../../signals/index.js';
import { buildHttpServer } from '../index.js';

/**
 * HMA 1.1.7's end-to-end test (`test_e2e_workflow.py::test_add_hashes_and_find_match`) and the
 * incremental visibility Prevail adds: a hash added through `/c/bank/…/signal` matches on the
 * very next `/m/lookup`, and a deleted or disabled item stops matching at once.
 */

/** `PdqSignal.get_examples()` of python-threatexchange: 12 bridge-mods, 2 misc images, 2 logos. */
const pdqExamples = [
  'f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22',
  'f8f8f0cee0f4a84f06370a2a038f63f0b36e26d596621e1d33e6b39c4e9c9b22',
  'f8f8f0cee0f4a84f0637022a038f67f0b36e26d596621e1d33e6b39c4e9c9b22',
  'f8f8f0cee0f4a84f06370a2a068f67f0b36e26d596621e1d33e6339c4e9c9b22',
  'f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596221e1d33e6b39c4e9c9b22',
  'f8f8f0cee0f4a84f0e370a22038f67f0b36e2ed596221e1d33e6b39c4a9c9b22',
  'd8f8f0cec0f4a84f8e370a22038f67f0b36a2ed597231e1d72e6b39c4a9c9b22',
  'f8f8f0cee0f4a84f06370a22038f67f0b36e2ed596621e1d33e6339c4e9c9b22',
  'd0f8f1ccc0f4a84d0a370a3a228f67f0b36e2ed5b6623e1d33e6339c4e9c9b22',
  'd8f8f1eec0f4a84f0e37022a078f63f0b36e2ed596621e1d33e6239c4e9c9b22',
  'd8f8f0cec4f4a84f0637022a078f67f0b36e2ee5b6621e1d33e6239c4e9c9b22',
  'd8f8f0cec0f4a84f0637022a278f67f0b36e2ed596621e1d33e6339c4e9c9b22',
  'e64cc9d91c623882f8d1f1d9a398e78c9f199b3bd83924f2b7e11e0bf861b064',
  '6227401f601ff4ccafcc9fad4b0d95d371a2eb7265a3285234d228ca94deeb2d',
  'c186f9619659658c4b6916daf934496985f4259c72c39676ab9edb631c3c349c',
  '62c9789627838f69f23cf98c29e37836d61c87c31c59587c4b49a783f496725c',
];

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await server.close();
});

async function createBank(name: string): Promise<void> {
  const response = await server.app.inject({ method: 'POST', url: '/c/banks', payload: { name } });
  assert.equal(response.statusCode, 201);
  assert.deepEqual(response.json(), { matching_enabled_ratio: 1.0, name });
}

async function lookup(signal: string, signalType = 'pdq'): Promise<unknown> {
  const response = await server.app.inject({
    method: 'GET',
    url: `/m/lookup?signal_type=${signalType}&signal=${signal}`,
  });
  assert.equal(response.statusCode, 200);
  return response.json();
}

describe('HMA e2e workflow (test_add_hashes_and_find_match)', () => {
  test('16 signals get ids 1..16; the last one matches itself only; "5"*64 matches nothing', async () => {
    await createBank('TEST_BANK');
    for (const [index, hash] of pdqExamples.entries()) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/c/bank/TEST_BANK/signal',
        payload: { pdq: hash },
      });
      assert.equal(response.statusCode, 200);
      assert.deepEqual(response.json(), { id: index + 1, signals: { pdq: hash } });
    }

    const status = await server.app.inject({ method: 'GET', url: '/m/index/status?signal_type=pdq' });
    assert.equal(status.statusCode, 200);
    const body = status.json();
    assert.ok('pdq' in body);
    assert.equal(body.pdq.present, true);
    assert.equal(body.pdq.size, 16);
    assert.deepEqual(Object.keys(body), ['pdq']);

    assert.deepEqual(await lookup(pdqExamples[15] ?? ''), { TEST_BANK: [{ bank_content_id: 16, distance: '0' }] });
    assert.deepEqual(await lookup('5'.repeat(64)), {});
  });

  test('/m/index/status lists pdq and video_md5 with built_to, present and size', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/m/index/status' });
    assert.equal(response.statusCode, 200);
    const body = response.json();
    assert.deepEqual(Object.keys(body), ['pdq', 'video_md5']);
    assert.deepEqual(Object.keys(body.pdq), ['built_to', 'present', 'size']);
    assert.equal(body.video_md5.size, 0);
    const unknown = await server.app.inject({ method: 'GET', url: '/m/index/status?signal_type=banana' });
    assert.equal(unknown.statusCode, 400);
    assert.deepEqual(unknown.json(), { message: "No such signal type 'banana'" });
  });
});

describe('incremental visibility', () => {
  const hash = pdqExamples[12] ?? '';

  test('an added hash matches on the very next lookup, and stops after DELETE', async () => {
    await createBank('LIVE_BANK');
    assert.deepEqual(await lookup(hash), {});
    const added = await server.app.inject({ method: 'POST', url: '/c/bank/LIVE_BANK/signal', payload: { pdq: hash } });
    assert.deepEqual(added.json(), { id: 1, signals: { pdq: hash } });
    assert.deepEqual(await lookup(hash), { LIVE_BANK: [{ bank_content_id: 1, distance: '0' }] });

    const deleted = await server.app.inject({ method: 'DELETE', url: '/c/bank/LIVE_BANK/content/1' });
    assert.equal(deleted.statusCode, 200);
    assert.deepEqual(deleted.json(), { deleted: 1 });
    assert.deepEqual(await lookup(hash), {});
    const raw = await server.app.inject({ method: 'GET', url: `/m/raw_lookup?signal_type=pdq&signal=${hash}` });
    assert.deepEqual(raw.json(), { matches: [] });

    const again = await server.app.inject({ method: 'DELETE', url: '/c/bank/LIVE_BANK/content/1' });
    assert.deepEqual(again.json(), { deleted: 0 });
  });

  test('disable_until_ts 0 stops matching at once; 1 enables again; a future time disables', async () => {
    await createBank('LIVE_BANK');
    await server.app.inject({ method: 'POST', url: '/c/bank/LIVE_BANK/signal', payload: { pdq: hash } });
    const disable = async (value: number): Promise<void> => {
      const response = await server.app.inject({
        method: 'PUT',
        url: '/c/bank/LIVE_BANK/content/1',
        payload: { disable_until_ts: value },
      });
      assert.equal(response.statusCode, 200);
      assert.equal(response.json().disable_until_ts, value);
    };
    await disable(0);
    assert.deepEqual(await lookup(hash), {});
    // raw_lookup ignores enablement, as HMA's does.
    const raw = await server.app.inject({ method: 'GET', url: `/m/raw_lookup?signal_type=pdq&signal=${hash}` });
    assert.deepEqual(raw.json(), { matches: [1] });
    await disable(1);
    assert.deepEqual(await lookup(hash), { LIVE_BANK: [{ bank_content_id: 1, distance: '0' }] });
    await disable(Math.floor(Date.now() / 1000) + 3600);
    assert.deepEqual(await lookup(hash), {});
  });

  test('deleting the bank removes its content from matching', async () => {
    await createBank('GONE_BANK');
    await server.app.inject({ method: 'POST', url: '/c/bank/GONE_BANK/signal', payload: { pdq: hash } });
    const response = await server.app.inject({ method: 'DELETE', url: '/c/bank/GONE_BANK' });
    assert.deepEqual(response.json(), { message: 'Done' });
    assert.deepEqual(await lookup(hash), {});
  });

  test('video_md5 values match exactly with distance "-"', async () => {
    await createBank('VIDEO_BANK');
    const md5 = '0123456789abcdef0123456789abcdef';
    const added = await server.app.inject({
      method: 'POST',
      url: '/c/bank/VIDEO_BANK/signal',
      payload: { video_md5: ` ${md5.toUpperCase()} ` },
    });
    assert.deepEqual(added.json(), { id: 1, signals: { video_md5: md5 } });
    assert.deepEqual(await lookup(md5, 'video_md5'), { VIDEO_BANK: [{ bank_content_id: 1, distance: '-' }] });
    assert.deepEqual(await lookup(md5, 'md5'), { VIDEO_BANK: [{ bank_content_id: 1, distance: '-' }] });
    assert.deepEqual(await lookup('f'.repeat(32), 'video_md5'), {});
  });
});

describe('an index that has not loaded yet', () => {
  test('lookups answer 503 "index not yet ready"; /m/index/status says not present', async () => {
    const loading = new Matcher({
      repository: server.services.storage.banks,
      indexFactories: { pdq: () => createSignalIndex('pdq'), md5: () => createSignalIndex('md5') },
    });
    const app = await buildHttpServer({
      banks: server.services.banks,
      matcher: loading,
      apiKeys: server.services.storage.apiKeys,
      floodReports: () => [],
      hasher: new HashPool({ workers: 1 }),
      config: {
        hmaAccess: 'open',
        maxUploadBytes: 1024 * 1024,
        fetchPolicy: { maxBytes: 1024 * 1024, timeoutMs: 1000, allowedHosts: [], allowPrivateAddresses: false },
        decode: { maxPixels: 1_000_000 },
      },
    });
    try {
      const hash = pdqExamples[0] ?? '';
      for (const url of [`/m/lookup?signal_type=pdq&signal=${hash}`, `/m/raw_lookup?signal_type=pdq&signal=${hash}`]) {
        const response = await app.inject({ method: 'GET', url });
        assert.equal(response.statusCode, 503, url);
        assert.deepEqual(response.json(), { message: 'index not yet ready' });
      }
      const status = await app.inject({ method: 'GET', url: '/m/index/status' });
      assert.deepEqual(status.json(), {
        pdq: { built_to: -1, present: false, size: 0 },
        video_md5: { built_to: -1, present: false, size: 0 },
      });
    } finally {
      await app.close();
    }
  });
});
