import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { fetchInto } from '../../../test/support/exchange-bank.js';
import {
  listUpstream,
  type NcmecContractServer,
  type NcmecUpstreamEntry,
  startNcmecContractServer,
} from '../../../test/support/ncmec-contract-server.js';
import { parseXml } from '../../../test/support/xml-tree.js';
import { EngineError } from '../../core/index.js';
import type { ExchangeCheckpoint, ExchangeRecord } from '../exchange-client.js';
import { createNcmecClient, utcTime } from './ncmec-client.js';

const t0 = Date.UTC(2026, 0, 10, 12, 0, 0) / 1000;
const credentials = { user: 'test-user', password: 'test-password' };

function hex(i: number, length: number): string {
  return `${i.toString(16).padStart(8, '0')}ab`.repeat(8).slice(0, length);
}

/** `count` synthetic entries, deliberately out of timestamp order, some videos, some large fingerprints. */
function makeEntries(count: number, firstTs: number, spread: number): NcmecUpstreamEntry[] {
  const entries: NcmecUpstreamEntry[] = [];
  for (let i = 0; i < count; i++) {
    entries.push({
      member: 100 + (i % 3),
      id: `e${i}`,
      type: i % 4 === 0 ? 'video' : 'image',
      timestamp: firstTs + ((i * 7919) % spread),
      classification: i % 2 === 0 ? 'A1' : 'B2',
      md5: hex(i, 32),
      ...(i % 4 === 0 ? {} : { pdq: hex(i + 1, 64) }),
      ...(i % 10 === 0 ? { large: true, sha1: hex(i, 40) } : {}),
    });
  }
  return entries;
}

/** The bank a correct client must hold for `entries`: the latest state per key, tombstones gone. */
function expectedKeys(entries: readonly NcmecUpstreamEntry[]): string[] {
  const latest = new Map<string, NcmecUpstreamEntry>();
  for (const entry of entries) latest.set(`${entry.member}-${entry.id}`, entry);
  return [...latest]
    .filter(([, entry]) => entry.deleted !== true)
    .map(([key]) => key)
    .sort();
}

describe('NCMEC client against the contract server', () => {
  const servers: NcmecContractServer[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  let clock = t0 * 1000;
  const now = () => clock;
  const start = async (entries: () => NcmecUpstreamEntry[], extra: { pageSize?: number } = {}) => {
    const server = await startNcmecContractServer({ upstream: listUpstream(entries), now, ...extra });
    servers.push(server);
    return server;
  };
  const client = (url: string, more: Record<string, unknown> = {}) =>
    createNcmecClient({ baseUrl: url, ...more }, credentials, { now, baseDelayMs: 1, maxDelayMs: 5 });

  test('a full fetch then deltas: the bank equals the upstream list; windows are UTC', async () => {
    clock = t0 * 1000;
    let entries = makeEntries(2500, t0 - 86_400, 80_000);
    const server = await start(() => entries);
    const ncmec = client(server.url);
    const bank = new Map<string, ExchangeRecord>();
    const first = await fetchInto(ncmec, bank, null);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(entries));
    assert.equal(first.pages, 3);
    assert.equal(first.checkpoint?.get_entries_max_ts, t0 - 5);
    assert.ok(server.requests.every((path) => /from=\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ&to=/.test(path)));
    assert.ok(server.requests[0]?.includes(`to=${utcTime(t0 - 5)}`));

    const video = bank.get('100-e0');
    assert.deepEqual(video?.signals, [{ signalType: 'md5', value: hex(0, 32) }]);
    assert.equal(video?.metadata.classification, 'A1');
    assert.equal(video?.metadata.entryType, 'video');
    assert.deepEqual(video?.metadata.largeFingerprints, ['tmk-pdqf']);
    assert.equal((video?.metadata.fingerprints as Record<string, string> | undefined)?.sha1, hex(0, 40));
    assert.ok(!JSON.stringify(video).includes('/v2/large'), 'large fingerprint URLs are not kept');

    clock += 3600_000;
    const later = t0 + 1800;
    entries = [
      ...entries.filter((entry) => !['e1', 'e2'].includes(entry.id)),
      { ...(entries[1] as NcmecUpstreamEntry), timestamp: later, classification: 'A2' },
      { member: 102, id: 'e2', type: 'image', timestamp: later + 1, deleted: true },
      ...makeEntries(3, later, 10).map((entry) => ({ ...entry, id: `new${entry.id}` })),
    ];
    const before = server.requests.length;
    const second = await fetchInto(ncmec, bank, first.checkpoint);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(entries));
    assert.equal(bank.get('101-e1')?.metadata.classification, 'A2');
    assert.equal(bank.has('102-e2'), false);
    assert.equal(server.requests.length - before, 1, 'only the new window is read');
    assert.ok(server.requests.at(-1)?.includes(`from=${utcTime(t0 - 5)}`));
    assert.equal(second.checkpoint?.get_entries_max_ts, Math.floor(clock / 1000) - 5);
  });

  test('an empty upstream is up to date in one page with no deltas', async () => {
    clock = t0 * 1000;
    const server = await start(() => []);
    const page = await client(server.url).fetchPage(null);
    assert.deepEqual(page.deltas, []);
    assert.equal(page.more, false);
    assert.equal(page.checkpoint.get_entries_max_ts, t0 - 5);
  });

  test('a cursor older than 12 hours, or refused by the server, restarts the window: nothing lost', async () => {
    clock = t0 * 1000;
    const entries = makeEntries(2500, t0 - 86_400, 80_000);
    const server = await start(() => entries);
    const ncmec = client(server.url);
    const bank = new Map<string, ExchangeRecord>();
    const page1 = await ncmec.fetchPage(null);
    for (const delta of page1.deltas) if (delta.record !== null) bank.set(delta.key, delta.record);
    const paging = page1.checkpoint.paging_info as { paging_url: string };
    assert.match(paging.paging_url, /^\/v2\/entries\?from=/);

    // 13 hours later the stored cursor is not followed; the window restarts from its start.
    clock += 13 * 3600_000;
    const resumed = await ncmec.fetchPage(page1.checkpoint);
    assert.ok(!server.requests.at(-1)?.includes('cursor='), 'a fresh query, not the old cursor');
    assert.ok(server.requests.at(-1)?.includes(`from=${utcTime(0)}`));
    for (const delta of resumed.deltas) if (delta.record !== null) bank.set(delta.key, delta.record);

    // The server kills its cursors: the next page answers 400 and the window restarts.
    server.expireCursors();
    const refused = await ncmec.fetchPage(resumed.checkpoint);
    assert.deepEqual(refused.deltas, []);
    assert.equal(refused.more, true);
    assert.equal(refused.checkpoint.paging_info, null);
    assert.equal(refused.checkpoint.get_entries_max_ts, 0);
    await fetchInto(ncmec, bank, refused.checkpoint);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(entries));
  });

  test('a window estimated above maxWindowEntries is shrunk, and every entry still arrives', async () => {
    clock = t0 * 1000;
    const entries = makeEntries(3000, t0 - 30_000, 29_000);
    const server = await start(() => entries, { pageSize: 100 });
    const ncmec = client(server.url, { maxWindowEntries: 1000 });
    const bank = new Map<string, ExchangeRecord>();
    const result = await fetchInto(ncmec, bank, null, 400);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(entries));
    assert.ok(typeof result.checkpoint?.window_seconds === 'number');
    const windows = new Set(server.requests.map((path) => new URL(path, 'http://x').searchParams.get('to')));
    assert.ok(windows.size > 3, `several windows (${windows.size})`);
  });

  test('a "cursed second" holding more than a page (TE#1679) is paged through, not shrunk forever', async () => {
    clock = t0 * 1000;
    const entries = makeEntries(2500, t0 - 5000, 1);
    const server = await start(() => entries, { pageSize: 1000 });
    const bank = new Map<string, ExchangeRecord>();
    const result = await fetchInto(client(server.url, { maxWindowEntries: 1000 }), bank, null, 100);
    assert.deepEqual([...bank.keys()].sort(), expectedKeys(entries));
    assert.ok(
      server.requests.some((path) => path.includes('cursor=')),
      'the crowded second is paged by cursor',
    );
    assert.equal(result.checkpoint?.get_entries_max_ts, t0 - 5);
  });

  test('429 and 5xx are retried honouring Retry-After; 401 fails at once', async () => {
    clock = t0 * 1000;
    const entries = makeEntries(10, t0 - 100, 50);
    const server = await start(() => entries);
    server.faults.push({ status: 429, retryAfter: '0' }, { status: 503, retryAfter: '0' }, { status: 500 });
    const page = await client(server.url).fetchPage(null);
    assert.equal(page.deltas.length, 10);
    assert.equal(server.requests.length, 4);

    const wrong = createNcmecClient({ baseUrl: server.url }, { user: 'test-user', password: 'nope' }, { now });
    const before = server.requests.length;
    await assert.rejects(wrong.fetchPage(null), (error: unknown) => {
      assert.ok(error instanceof EngineError && error.code === 'EXCHANGE_AUTH_FAILED');
      assert.doesNotMatch(error.message, /nope|test-user/);
      return true;
    });
    assert.equal(server.requests.length - before, 1);
  });

  test('a malformed page is retried, then EXCHANGE_PAGE_MALFORMED with nothing returned; the next fetch succeeds', async () => {
    clock = t0 * 1000;
    const entries = makeEntries(10, t0 - 100, 50);
    const server = await start(() => entries);
    const truncated = '<?xml version="1.0"?><queryResult><images count="1"><image><member id="1">x</member><id>a';
    server.faults.push({ body: truncated }, { body: truncated });
    await assert.rejects(client(server.url).fetchPage(null), (error: unknown) => {
      return error instanceof EngineError && error.code === 'EXCHANGE_PAGE_MALFORMED';
    });
    assert.equal(server.requests.length, 2);
    const page = await client(server.url).fetchPage(null);
    assert.equal(page.deltas.length, 10);
  });

  test('unknown classifications, elements and bad values are kept in metadata, not dropped', async () => {
    clock = t0 * 1000;
    const entries: NcmecUpstreamEntry[] = [
      {
        member: 7,
        id: 'odd',
        type: 'image',
        timestamp: t0 - 50,
        classification: 'Z9-never-seen',
        md5: 'not-a-hash',
        pdq: hex(3, 64).toUpperCase(),
        extraXml: '<categorization kind="new">Fake category</categorization>',
      },
    ];
    const server = await start(() => entries);
    const page = await client(server.url).fetchPage(null);
    const record = page.deltas[0]?.record;
    assert.equal(record?.metadata.classification, 'Z9-never-seen');
    assert.deepEqual(record?.signals, [{ signalType: 'pdq', value: hex(3, 64) }]);
    assert.deepEqual(record?.metadata.invalidFingerprints, ['md5']);
    assert.deepEqual((record?.metadata.extra as Record<string, unknown> | undefined)?.categorization, {
      name: 'categorization',
      attributes: { kind: 'new' },
      text: 'Fake category',
    });
  });

  test('onlyMemberIds keeps those members only', async () => {
    clock = t0 * 1000;
    const entries = makeEntries(30, t0 - 100, 50);
    const server = await start(() => entries);
    const page = await client(server.url, { onlyMemberIds: [101] }).fetchPage(null);
    assert.equal(page.deltas.length, 10);
    assert.ok(page.deltas.every((delta) => delta.key.startsWith('101-')));
  });

  test('feedback: an upvote and a downvote with the only reason, each one PUT with the right body', async () => {
    clock = t0 * 1000;
    const server = await start(() => []);
    const ncmec = client(server.url);
    const signal = { signalType: 'pdq', value: hex(1, 64) };
    await ncmec.sendFeedback?.({ key: '101-e1', signal, verdict: 'true_positive' });
    await ncmec.sendFeedback?.({
      key: '101-e1',
      signal: { signalType: 'md5', value: hex(1, 32) },
      verdict: 'false_positive',
    });
    assert.deepEqual(
      server.feedback.map((item) => item.path),
      ['/v2/entries/101/e1/PDQ/feedback', '/v2/entries/101/e1/MD5/feedback'],
    );
    const up = parseXml(server.feedback[0]?.body ?? '');
    assert.equal(up.name, 'feedbackSubmission');
    assert.deepEqual(
      up.children.map((child) => child.name),
      ['affirmative'],
    );
    const down = parseXml(server.feedback[1]?.body ?? '');
    assert.equal(down.children[0]?.children[0]?.children[0]?.text, '0f0f0f0f-0000-4000-8000-000000000001');

    await assert.rejects(
      ncmec.sendFeedback?.({ key: '101-e1', signal, verdict: 'false_positive', reason: '<x/>' }) ?? Promise.resolve(),
      (error: unknown) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
    await assert.rejects(
      ncmec.sendFeedback?.({ key: 'nodash', signal, verdict: 'true_positive' }) ?? Promise.resolve(),
      (error: unknown) => error instanceof EngineError && error.code === 'REQUEST_INVALID',
    );
    // A write refused with a status is not retried.
    const unknownGuid = '0f0f0f0f-0000-4000-8000-00000000dead';
    const before = server.requests.length;
    await assert.rejects(
      ncmec.sendFeedback?.({ key: '101-e1', signal, verdict: 'false_positive', reason: unknownGuid }) ??
        Promise.resolve(),
      (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_UNAVAILABLE',
    );
    assert.equal(server.requests.length - before, 1);
  });
});

describe('NCMEC client: hostile inputs', () => {
  const servers: { close: () => Promise<void> }[] = [];
  after(() => Promise.all(servers.map((server) => server.close())));
  const now = () => t0 * 1000;
  const serve = async (body: string) => {
    const server = await startNcmecContractServer({ upstream: listUpstream(() => []), now });
    servers.push(server);
    server.faults.push({ body }, { body });
    return createNcmecClient({ baseUrl: server.url }, credentials, { now, maxPageBytes: 200_000 });
  };
  const malformed = (error: unknown) => error instanceof EngineError && error.code === 'EXCHANGE_PAGE_MALFORMED';

  test('huge, NUL, deeply nested, DOCTYPE and foreign-cursor pages are EXCHANGE_PAGE_MALFORMED', async () => {
    const huge = `<queryResult><images>${'<image/>'.repeat(40_000)}</images></queryResult>`;
    const nul = '<queryResult><images><image><id>a\u0000b</id></image></images></queryResult>';
    const deep = `<queryResult>${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</queryResult>`;
    const doctype = '<!DOCTYPE q [<!ENTITY x "y">]><queryResult/>';
    const foreign = '<queryResult><paging><next>//elsewhere.invalid/v2/entries</next></paging></queryResult>';
    const wrongRoot = '<status/>';
    for (const body of [huge, nul, deep, doctype, foreign, wrongRoot, '', '{"json": true}']) {
      await assert.rejects((await serve(body)).fetchPage(null), malformed, body.slice(0, 40));
    }
  });

  test('entries without member or id are skipped and counted; odd unicode is kept verbatim', async () => {
    const body =
      '<queryResult><images><image><id>x</id></image><image><member id="5">m</member></image>' +
      '<image><member id="5">\u202e\ud83d\ude00</member><id>\u00e9\u200b</id><classification>\u0661</classification></image></images></queryResult>';
    const page = await (await serve(body)).fetchPage(null);
    assert.equal(page.skipped, 2);
    assert.equal(page.deltas[0]?.key, '5-\u00e9\u200b');
    assert.equal(page.deltas[0]?.record?.metadata.memberName, '\u202e\ud83d\ude00');
  });

  test('absurd checkpoints are clamped, never trusted or refused', async () => {
    const server = await startNcmecContractServer({ upstream: listUpstream(() => []), now });
    servers.push(server);
    const ncmec = createNcmecClient({ baseUrl: server.url }, credentials, { now });
    const cases: ExchangeCheckpoint[] = [
      { get_entries_max_ts: 1e20, paging_info: null },
      { get_entries_max_ts: -5, paging_info: null },
      { get_entries_max_ts: 'yesterday', paging_info: 'x' },
      {
        get_entries_max_ts: 10,
        paging_info: { paging_url: '//elsewhere.invalid/x', paging_end_ts: 20, paging_url_ts: t0 },
      },
      { get_entries_max_ts: Number.NaN, window_seconds: -1 },
    ];
    for (const checkpoint of cases) {
      const page = await ncmec.fetchPage(checkpoint);
      assert.equal(page.checkpoint.paging_info, null);
      const progress = page.checkpoint.get_entries_max_ts as number;
      assert.ok(progress >= 0 && progress <= t0, JSON.stringify(checkpoint));
    }
    assert.ok(server.requests.every((path) => path.startsWith('/v2/entries?from=')));
  });

  test('bad configuration and credentials are REQUEST_INVALID without echoing secrets', () => {
    const invalid = (error: unknown) =>
      error instanceof EngineError && error.code === 'REQUEST_INVALID' && !error.message.includes('s3cret');
    const base = { baseUrl: 'http://127.0.0.1:9' };
    for (const config of [
      {},
      { baseUrl: 'ftp://127.0.0.1/' },
      { baseUrl: 'http://u:p@127.0.0.1/' },
      { ...base, extra: 1 },
      { ...base, onlyMemberIds: [1.5] },
      null,
    ]) {
      assert.throws(() => createNcmecClient(config as never, credentials), invalid);
    }
    for (const secret of [
      { user: '', password: 's3cret' },
      { user: 'a:b', password: 's3cret' },
      { user: 'a', password: 's3cret\u0000' },
      {},
    ]) {
      assert.throws(() => createNcmecClient(base, secret as never), invalid);
    }
  });
});
