import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fetchInto } from '../../../test/support/exchange-bank.js';
import {
  type StopnciiContractServer,
  type StopnciiUpstreamRecord,
  startStopnciiContractServer,
  stopnciiTestKeys,
} from '../../../test/support/stopncii-contract-server.js';
import { EngineError } from '../../core/index.js';
import type { ExchangeCheckpoint, ExchangeRecord } from '../exchange-client.js';
import { createStopnciiClient } from './stopncii-client.js';

const t0 = Date.UTC(2026, 0, 10, 12, 0, 0) / 1000;

function hex(i: number, length: number): string {
  return `${i.toString(16).padStart(8, '0')}cd`.repeat(8).slice(0, length);
}

function record(i: number, extra: Record<string, unknown> = {}): StopnciiUpstreamRecord {
  const video = i % 5 === 0;
  return {
    lastModtimestamp: t0 - 10_000 + i,
    signalType: video ? 'VideoMD5' : 'ImagePDQ',
    hashValue: video ? hex(i, 32) : hex(i, 64),
    hashStatus: 'Active',
    caseNumbers: { [`case-${i}`]: 'Active' },
    hashRegions: ['Testland'],
    CSPFeedbacks: [{ source: 'Test Platform', feedbackValue: 'Blocked', tags: ['fake'] }],
    ...extra,
  };
}

/** The keys a correct client holds for `records`: latest per (type, value), withdrawn and deleted gone. */
function expectedKeys(records: readonly StopnciiUpstreamRecord[]): string[] {
  const latest = new Map<string, StopnciiUpstreamRecord>();
  for (const item of [...records].sort((a, b) => a.lastModtimestamp - b.lastModtimestamp)) {
    const type = item.signalType === 'VideoMD5' ? 'md5' : 'pdq';
    latest.set(`${type}:${item.hashValue}`, item);
  }
  return [...latest]
    .filter(([, item]) => !['Withdrawn', 'Deleted'].includes(String(item.hashStatus)))
    .map(([key]) => key)
    .sort();
}

describe('StopNCII client against the contract server', () => {
  const servers: StopnciiContractServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  let clock = t0 * 1000;
  const now = () => clock;
  const start = async (
    records: () => StopnciiUpstreamRecord[],
    extra: { decreasingNextSetTimestamp?: boolean } = {},
  ) => {
    const server = await startStopnciiContractServer({ records, now, ...extra });
    servers.push(server);
    return server;
  };
  const client = (url: string, keys: Record<string, string> = stopnciiTestKeys) =>
    createStopnciiClient({ baseUrl: url, pageSize: 100 }, keys as typeof stopnciiTestKeys, {
      now,
      baseDelayMs: 1,
      maxDelayMs: 5,
    });

  test('a full fetch then deltas; a withdrawn hash arrives as a tombstone; both keys are sent', async () => {
    clock = t0 * 1000;
    let records = Array.from({ length: 250 }, (_, i) => record(i));
    const server = await start(() => records, { decreasingNextSetTimestamp: true });
    const stopncii = client(server.url);
    const bank = new Map<string, ExchangeRecord>();
    const first = await fetchInto(stopncii, bank, null);
    assert.equal(first.pages, 3);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(records));
    assert.equal(first.checkpoint?.update_time, t0 - 10_000 + 250, 'the running maximum, not the last page');
    const pdq = bank.get(`pdq:${hex(1, 64)}`);
    assert.deepEqual(pdq?.signals, [{ signalType: 'pdq', value: hex(1, 64) }]);
    assert.deepEqual(pdq?.metadata.caseNumbers, { 'case-1': 'Active' });
    assert.deepEqual(pdq?.metadata.hashRegions, ['Testland']);
    assert.ok(
      server.requests.slice(1).every((path) => path.includes('nextPageToken=')),
      server.requests.join('\n'),
    );

    clock += 600_000;
    const later = t0 + 100;
    records = [
      ...records,
      record(1, { lastModtimestamp: later, hashStatus: 'Withdrawn', caseNumbers: { 'case-1': 'Withdrawn' } }),
      record(2, { lastModtimestamp: later, hashStatus: 'Active', caseNumbers: { a: 'Deleted', b: 'Withdrawn' } }),
      record(3, { lastModtimestamp: later + 1, hashStatus: 'Deleted' }),
      record(900, { lastModtimestamp: later + 2 }),
    ];
    const before = server.requests.length;
    await fetchInto(stopncii, bank, first.checkpoint);
    assert.equal(server.requests.length - before, 1);
    assert.ok(server.requests.at(-1)?.includes(`startTimestamp=${t0 - 10_000 + 250}`));
    assert.equal(bank.has(`pdq:${hex(1, 64)}`), false, 'withdrawn');
    assert.equal(bank.has(`pdq:${hex(2, 64)}`), false, 'every case withdrawn or deleted');
    assert.equal(bank.has(`pdq:${hex(3, 64)}`), false, 'deleted');
    assert.ok(bank.has(`md5:${hex(900, 32)}`), 'a new video MD5');
  });

  test('unknown enum values and extra fields are kept, never a reason to drop the record', async () => {
    clock = t0 * 1000;
    const records = [
      record(1, {
        hashStatus: 'Undefined',
        CSPFeedbacks: [{ source: 'x', feedbackValue: 'Undefined', tags: [] }],
        tags: ['new'],
      }),
      record(2, { signalType: 'VideoTMK', hashValue: 'opaque-tmk-value' }),
      record(3, { signalType: 'SomethingNew', hashValue: 'abc' }),
      record(4, { feedbackValue: 4, hashStatus: 7 }),
      record(6, { hashValue: 'ZZ-not-a-pdq' }),
      { lastModtimestamp: t0 - 1, signalType: 'ImagePDQ' },
    ];
    const server = await start(() => records);
    const page = await client(server.url).fetchPage(null);
    assert.equal(page.skipped, 1);
    assert.deepEqual(
      page.deltas.map((delta) => delta.key),
      [
        `pdq:${hex(1, 64)}`,
        'VideoTMK:opaque-tmk-value',
        'SomethingNew:abc',
        `pdq:${hex(4, 64)}`,
        'ImagePDQ:ZZ-not-a-pdq',
      ],
    );
    assert.equal(page.deltas[0]?.record?.metadata.hashStatus, 'Undefined');
    assert.deepEqual(page.deltas[0]?.record?.metadata.tags, ['new']);
    assert.deepEqual(page.deltas[1]?.record?.signals, []);
    assert.equal(page.deltas[3]?.record?.metadata.hashStatus, 7);
    assert.equal(page.deltas[4]?.record?.metadata.invalidHash, true);
  });

  test('an expired or refused token restarts the sequence from its start, losing nothing', async () => {
    clock = t0 * 1000;
    const records = Array.from({ length: 250 }, (_, i) => record(i));
    const server = await start(() => records);
    const stopncii = client(server.url);
    const bank = new Map<string, ExchangeRecord>();
    const page1 = await stopncii.fetchPage(null);
    for (const delta of page1.deltas) if (delta.record !== null) bank.set(delta.key, delta.record);
    server.expireTokens();
    const refused = await stopncii.fetchPage(page1.checkpoint);
    assert.deepEqual(refused.deltas, []);
    assert.equal(refused.checkpoint.paging, null);
    assert.equal(refused.checkpoint.update_time, 10);
    const restarted = await stopncii.fetchPage(refused.checkpoint);
    clock += 2 * 3600_000;
    const page2 = await stopncii.fetchPage(restarted.checkpoint);
    assert.ok(!server.requests.at(-1)?.includes('nextPageToken'), 'a token past its lifetime is not sent');
    for (const delta of page2.deltas) if (delta.record !== null) bank.set(delta.key, delta.record);
    await fetchInto(stopncii, bank, page2.checkpoint);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(records));
  });

  test('a checkpoint 30 days old is stale: the fetch starts over', async () => {
    clock = t0 * 1000;
    const server = await start(() => [record(1)]);
    await client(server.url).fetchPage({ update_time: t0 - 100, last_fetch_time: t0 - 31 * 86_400, paging: null });
    assert.ok(server.requests.at(-1)?.includes('startTimestamp=10&'));
  });

  test('429 and 5xx are retried; 401 at once for either missing key; corrupt JSON is EXCHANGE_PAGE_MALFORMED', async () => {
    clock = t0 * 1000;
    const server = await start(() => [record(1)]);
    server.faults.push({ status: 429, retryAfter: '0' }, { status: 502 });
    assert.equal((await client(server.url).fetchPage(null)).deltas.length, 1);
    assert.equal(server.requests.length, 3);

    for (const keys of [
      { ...stopnciiTestKeys, subscriptionKey: 'wrong' },
      { ...stopnciiTestKeys, fetchFunctionKey: stopnciiTestKeys.feedbackFunctionKey },
    ]) {
      const before: number = server.requests.length;
      await assert.rejects(client(server.url, keys).fetchPage(null), (error: unknown) => {
        return (
          error instanceof EngineError && error.code === 'EXCHANGE_AUTH_FAILED' && !error.message.includes('wrong')
        );
      });
      assert.equal(server.requests.length - before, 1);
    }

    const corrupt = '{"count": 1, "hasMoreRecords": false, "hashRecords": [{"hashValue": "ab';
    server.faults.push({ body: corrupt }, { body: corrupt });
    await assert.rejects(
      client(server.url).fetchPage(null),
      (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_PAGE_MALFORMED',
    );
  });

  test('feedback: SubmitFeedback with its own key and the right body; absent without that key', async () => {
    clock = t0 * 1000;
    const server = await start(() => []);
    const stopncii = client(server.url);
    await stopncii.sendFeedback?.({
      key: `pdq:${hex(1, 64)}`,
      signal: { signalType: 'pdq', value: hex(1, 64) },
      verdict: 'false_positive',
      reason: 'not the listed image',
    });
    await stopncii.sendFeedback?.({
      key: 'k',
      signal: { signalType: 'md5', value: hex(2, 32) },
      verdict: 'true_positive',
    });
    assert.deepEqual(server.feedback, [
      {
        count: 1,
        hashFeedbacks: [{ hashValue: hex(1, 64), feedbackValue: 'NotBlocked', tags: ['not the listed image'] }],
      },
      { count: 1, hashFeedbacks: [{ hashValue: hex(2, 32), feedbackValue: 'Blocked', tags: [] }] },
    ]);
    const { feedbackFunctionKey: _unused, ...fetchOnly } = stopnciiTestKeys;
    assert.equal(client(server.url, fetchOnly).sendFeedback, undefined);
  });
});

describe('StopNCII client: hostile inputs', () => {
  const servers: StopnciiContractServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  const now = () => t0 * 1000;
  const serve = async (body: string) => {
    const server = await startStopnciiContractServer({ records: () => [], now });
    servers.push(server);
    server.faults.push({ body }, { body });
    return createStopnciiClient({ baseUrl: server.url }, stopnciiTestKeys, { now, maxPageBytes: 100_000 });
  };

  test('huge, NUL, deeply nested and wrongly shaped pages are EXCHANGE_PAGE_MALFORMED', async () => {
    const bodies = [
      JSON.stringify({ hasMoreRecords: false, hashRecords: Array.from({ length: 5000 }, (_, i) => record(i)) }),
      '{"hasMoreRecords": false, "hashRecords": [\u0000]}',
      `${'['.repeat(200_000)}${']'.repeat(200_000)}`,
      '{"hasMoreRecords": "yes", "hashRecords": []}',
      '{"hasMoreRecords": true, "hashRecords": []}',
      'null',
      '',
    ];
    for (const body of bodies) {
      await assert.rejects(
        (await serve(body)).fetchPage(null),
        (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_PAGE_MALFORMED',
        body.slice(0, 40),
      );
    }
  });

  test('absurd timestamps in pages and checkpoints are clamped to now, never trusted', async () => {
    const page = await (
      await serve(JSON.stringify({ hasMoreRecords: false, hashRecords: [], nextSetTimestamp: 1e300 }))
    ).fetchPage(null);
    assert.equal(page.checkpoint.update_time, t0);
    const server = await startStopnciiContractServer({ records: () => [], now });
    servers.push(server);
    const stopncii = createStopnciiClient({ baseUrl: server.url }, stopnciiTestKeys, { now });
    const checkpoints: ExchangeCheckpoint[] = [
      { update_time: 1e20, last_fetch_time: t0 },
      { update_time: -1, last_fetch_time: t0, paging: { token: 'x'.repeat(9000) } },
      { update_time: 'now', last_fetch_time: 'then' },
      { update_time: 100, last_fetch_time: 1e20 },
    ];
    for (const checkpoint of checkpoints) {
      const result = await stopncii.fetchPage(checkpoint);
      const time = result.checkpoint.update_time as number;
      assert.ok(time >= 10 && time <= t0, JSON.stringify(checkpoint));
    }
    assert.ok(server.requests.every((path) => !path.includes('nextPageToken')));
  });

  test('bad configuration and keys are REQUEST_INVALID without echoing them', () => {
    const invalid = (error: unknown) =>
      error instanceof EngineError && error.code === 'REQUEST_INVALID' && !error.message.includes('s3cret');
    for (const config of [
      {},
      { baseUrl: 'http://127.0.0.1/?key=s3cret' },
      { baseUrl: 'http://127.0.0.1', pageSize: 0 },
    ]) {
      assert.throws(() => createStopnciiClient(config as never, stopnciiTestKeys), invalid);
    }
    for (const keys of [
      { subscriptionKey: 's3cret' },
      { ...stopnciiTestKeys, fetchFunctionKey: 's3cret key' },
      { ...stopnciiTestKeys, subscriptionKey: 's3cret\n' },
    ]) {
      assert.throws(() => createStopnciiClient({ baseUrl: 'http://127.0.0.1' }, keys as never), invalid);
    }
  });
});
