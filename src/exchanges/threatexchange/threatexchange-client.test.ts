import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fetchInto } from '../../../test/support/exchange-bank.js';
import {
  startThreatexchangeContractServer,
  type ThreatexchangeContractServer,
  type ThreatUpdateItem,
  threatexchangeTestToken,
} from '../../../test/support/threatexchange-contract-server.js';
import { EngineError } from '../../core/index.js';
import type { ExchangeCheckpoint, ExchangeRecord } from '../exchange-client.js';
import { createThreatexchangeClient } from './threatexchange-client.js';

const t0 = Date.UTC(2026, 0, 10, 12, 0, 0) / 1000;
const credentials = { apiToken: threatexchangeTestToken };

function hex(i: number, length: number): string {
  return `${i.toString(16).padStart(8, '0')}ef`.repeat(8).slice(0, length);
}

function item(i: number, extra: Record<string, unknown> = {}): ThreatUpdateItem {
  return {
    id: String(9000 + i),
    indicator: i % 3 === 0 ? hex(i, 32) : hex(i, 64),
    type: i % 3 === 0 ? 'HASH_MD5' : 'HASH_PDQ',
    last_updated: t0 - 10_000 + i,
    should_delete: false,
    descriptors: {
      data: [
        {
          id: String(7000 + i),
          owner: { id: '1234567890' },
          status: 'MALICIOUS',
          tags: { data: [{ id: '1', text: 'fake_tag' }] },
          reactions: [{ key: 'HELPFUL', value: '111,222' }],
          added_on: '2025-01-01T00:00:00+0000',
        },
      ],
    },
    ...extra,
  };
}

function keyOf(entry: ThreatUpdateItem): string {
  return `${entry.type === 'HASH_MD5' ? 'md5' : 'pdq'}:${entry.indicator}`;
}

function expectedKeys(items: readonly ThreatUpdateItem[]): string[] {
  const latest = new Map<string, ThreatUpdateItem>();
  for (const entry of [...items].sort((a, b) => a.last_updated - b.last_updated)) latest.set(keyOf(entry), entry);
  return [...latest]
    .filter(([, entry]) => entry.should_delete !== true && entry.descriptors !== undefined)
    .map(([key]) => key)
    .sort();
}

describe('ThreatExchange client against the contract server', () => {
  const servers: ThreatexchangeContractServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  let clock = t0 * 1000;
  const now = () => clock;
  const start = async (items: () => ThreatUpdateItem[]) => {
    const server = await startThreatexchangeContractServer({ items });
    servers.push(server);
    return server;
  };
  const client = (url: string, more: Record<string, unknown> = {}, token = credentials) =>
    createThreatexchangeClient({ baseUrl: `${url}/`, privacyGroup: 4242, pageSize: 100, ...more }, token, {
      now,
      baseDelayMs: 1,
      maxDelayMs: 5,
    });

  test('a full fetch then deltas: tombstones on should_delete and missing descriptors; the token is never stored', async () => {
    clock = t0 * 1000;
    let items = Array.from({ length: 250 }, (_, i) => item(i));
    const server = await start(() => items);
    const te = client(server.url);
    const bank = new Map<string, ExchangeRecord>();
    const first = await fetchInto(te, bank, null);
    assert.equal(first.pages, 3);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(items));
    assert.equal(first.checkpoint?.update_time, t0 - 10_000 + 249);
    const record = bank.get(`pdq:${hex(1, 64)}`);
    const descriptor = (record?.metadata.descriptors as Record<string, unknown>[] | undefined)?.[0];
    assert.deepEqual(descriptor?.tags, ['fake_tag']);
    assert.equal(descriptor?.opinion, 'positive');

    const page1 = await te.fetchPage(null);
    assert.ok(typeof page1.checkpoint.next === 'string');
    assert.ok(!JSON.stringify(page1.checkpoint).includes('fake_secret'), 'no token in the checkpoint');

    clock += 600_000;
    const later = t0 + 100;
    items = [
      ...items,
      item(1, { last_updated: later, should_delete: true }),
      item(2, { last_updated: later, descriptors: undefined }),
      item(4, { last_updated: later + 1, descriptors: { data: [{ id: '1', status: 'MALICIOUS' }] } }),
      item(500, { last_updated: later + 2 }),
    ];
    const before = server.requests.length;
    await fetchInto(te, bank, first.checkpoint);
    assert.equal(server.requests.length - before, 1);
    assert.ok(server.requests.at(-1)?.includes(`start_time=${t0 - 10_000 + 249}`));
    assert.equal(bank.has(`pdq:${hex(1, 64)}`), false, 'should_delete');
    assert.equal(bank.has(`pdq:${hex(2, 64)}`), false, 'no descriptors');
    assert.equal(bank.has(`pdq:${hex(4, 64)}`), false, 'no descriptor with an owner');
    assert.ok(bank.has(`pdq:${hex(500, 64)}`));
  });

  test('an empty page is up to date, not an error', async () => {
    clock = t0 * 1000;
    const server = await start(() => []);
    const page = await client(server.url).fetchPage({ update_time: t0 - 5, last_fetch_time: t0 - 60 });
    assert.deepEqual(page.deltas, []);
    assert.equal(page.more, false);
    assert.equal(page.checkpoint.update_time, t0 - 5);
  });

  test('unknown types, statuses and fields are kept; items without indicator are counted', async () => {
    clock = t0 * 1000;
    const items: ThreatUpdateItem[] = [
      item(1, { type: 'TREND_QUERY', indicator: 'fake query text', novel_field: { a: 1 } }),
      item(2, { descriptors: { data: [{ id: '5', owner: { id: '9' }, status: 'BRAND_NEW_STATUS', tags: ['x'] }] } }),
      item(5, { indicator: 'not-hex' }),
      { last_updated: t0 - 1, type: 'HASH_PDQ' },
    ];
    const server = await start(() => items);
    const page = await client(server.url).fetchPage(null);
    assert.equal(page.skipped, 1);
    assert.deepEqual(
      page.deltas.map((delta) => delta.key),
      ['TREND_QUERY:fake query text', `pdq:${hex(2, 64)}`, 'HASH_PDQ:not-hex'],
    );
    assert.deepEqual((page.deltas[0]?.record?.metadata.extra as Record<string, unknown> | undefined)?.novel_field, {
      a: 1,
    });
    const descriptors = page.deltas[1]?.record?.metadata.descriptors as Record<string, unknown>[] | undefined;
    assert.equal(descriptors?.[0]?.status, 'BRAND_NEW_STATUS');
    assert.equal(descriptors?.[0]?.opinion, 'seed');
  });

  test('a refused or old next restarts from update_time; a stale checkpoint starts over', async () => {
    clock = t0 * 1000;
    const items = Array.from({ length: 250 }, (_, i) => item(i));
    const server = await start(() => items);
    const te = client(server.url);
    const bank = new Map<string, ExchangeRecord>();
    const page1 = await te.fetchPage(null);
    for (const delta of page1.deltas) if (delta.record !== null) bank.set(delta.key, delta.record);
    server.expireCursors();
    const refused = await te.fetchPage(page1.checkpoint);
    assert.equal(refused.more, true);
    assert.equal(refused.checkpoint.next, null);
    await fetchInto(te, bank, refused.checkpoint);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(items));

    await te.fetchPage({ update_time: t0 - 100, last_fetch_time: t0 - 86 * 86_400, next: null });
    assert.ok(!server.requests.at(-1)?.includes('start_time'), 'stale after 85 days: from the beginning');
  });

  test('429/5xx retried; a bad token is EXCHANGE_AUTH_FAILED at once; a disabled group is unavailable; corrupt JSON malformed', async () => {
    clock = t0 * 1000;
    const server = await start(() => [item(1)]);
    server.faults.push({ status: 429, retryAfter: '0' }, { status: 503 });
    assert.equal((await client(server.url).fetchPage(null)).deltas.length, 1);
    assert.equal(server.requests.length, 3);

    const before = server.requests.length;
    const wrong = { apiToken: '1234567890|wrong_secret_abcdefghijklmn' };
    await assert.rejects(client(server.url, {}, wrong).fetchPage(null), (error: unknown) => {
      return (
        error instanceof EngineError && error.code === 'EXCHANGE_AUTH_FAILED' && !error.message.includes('wrong_secret')
      );
    });
    assert.equal(server.requests.length - before, 1);

    await assert.rejects(
      client(server.url, { privacyGroup: '77' }).fetchPage(null),
      (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_UNAVAILABLE',
    );

    server.faults.push({ body: '{"data": [' }, { body: '{"data": [' });
    await assert.rejects(
      client(server.url).fetchPage(null),
      (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_PAGE_MALFORMED',
    );
  });

  test('feedback: a reaction per descriptor, the token in the form body', async () => {
    clock = t0 * 1000;
    const server = await start(() => []);
    const te = client(server.url);
    const metadata = { descriptors: [{ id: '7001' }, { id: '7002' }, { id: 'bad/../id' }] };
    await te.sendFeedback?.({
      key: 'k',
      signal: { signalType: 'pdq', value: hex(1, 64) },
      verdict: 'true_positive',
      metadata,
    });
    await te.sendFeedback?.({
      key: 'k',
      signal: { signalType: 'pdq', value: hex(1, 64) },
      verdict: 'false_positive',
      metadata,
    });
    assert.deepEqual(server.reactions, [
      { descriptorId: '7001', reaction: 'HELPFUL' },
      { descriptorId: '7002', reaction: 'HELPFUL' },
      { descriptorId: '7001', reaction: 'NOT_HELPFUL' },
      { descriptorId: '7002', reaction: 'NOT_HELPFUL' },
    ]);
    assert.ok(server.requests.every((path) => !path.includes('fake_secret')));
    await assert.rejects(
      te.sendFeedback?.({ key: 'k', signal: { signalType: 'pdq', value: hex(1, 64) }, verdict: 'true_positive' }) ??
        Promise.resolve(),
      (error: unknown) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
  });
});

describe('ThreatExchange client: hostile inputs', () => {
  const servers: ThreatexchangeContractServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  const now = () => t0 * 1000;
  const serve = async (body: string) => {
    const server = await startThreatexchangeContractServer({ items: () => [] });
    servers.push(server);
    server.faults.push({ body }, { body });
    return createThreatexchangeClient({ baseUrl: server.url, privacyGroup: '4242' }, credentials, {
      now,
      maxPageBytes: 100_000,
    });
  };

  test('huge, NUL, deeply nested, wrongly shaped and foreign-next pages are EXCHANGE_PAGE_MALFORMED', async () => {
    const bodies = [
      JSON.stringify({ data: Array.from({ length: 2000 }, (_, i) => item(i)) }),
      '{"data": [\u0000]}',
      `{"data": ${'['.repeat(200_000)}${']'.repeat(200_000)}}`,
      '{"data": {}}',
      JSON.stringify({ data: [item(1)], paging: { next: 'http://elsewhere.invalid/4242/threat_updates/' } }),
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

  test('absurd last_updated values never move the checkpoint past now; absurd checkpoints are clamped', async () => {
    const page = await (
      await serve(
        JSON.stringify({ data: [item(1, { last_updated: 1e300 }), item(2, { last_updated: '9999-12-31T00:00:00Z' })] }),
      )
    ).fetchPage(null);
    assert.equal(page.deltas.length, 2);
    assert.equal(page.checkpoint.update_time, t0);
    const server = await startThreatexchangeContractServer({ items: () => [] });
    servers.push(server);
    const te = createThreatexchangeClient({ baseUrl: server.url, privacyGroup: '4242' }, credentials, { now });
    const checkpoints: ExchangeCheckpoint[] = [
      { update_time: 1e20, last_fetch_time: t0 },
      { update_time: -4, last_fetch_time: t0, next: 'http://elsewhere.invalid/x', next_issued_at: t0 },
      { update_time: 'x', last_fetch_time: 'y' },
    ];
    for (const checkpoint of checkpoints) {
      const result = await te.fetchPage(checkpoint);
      const time = result.checkpoint.update_time as number | null;
      assert.ok(time === null || (time >= 0 && time <= t0), JSON.stringify(checkpoint));
    }
    assert.ok(server.requests.every((path) => path.startsWith('/4242/threat_updates/')));
  });

  test('bad configuration and tokens are REQUEST_INVALID without echoing them', () => {
    const invalid = (error: unknown) =>
      error instanceof EngineError && error.code === 'REQUEST_INVALID' && !error.message.includes('s3cret');
    for (const config of [
      { baseUrl: 'http://127.0.0.1' },
      { baseUrl: 'http://127.0.0.1', privacyGroup: '12a' },
      { baseUrl: 'x', privacyGroup: 1 },
    ]) {
      assert.throws(() => createThreatexchangeClient(config as never, credentials), invalid);
    }
    for (const token of [{ apiToken: 's3cret' }, { apiToken: '123|s3cret_abcdefghijklmnopqrstuvwxyz' }, {}]) {
      assert.throws(
        () => createThreatexchangeClient({ baseUrl: 'http://127.0.0.1', privacyGroup: 1 }, token as never),
        invalid,
      );
    }
  });
});
