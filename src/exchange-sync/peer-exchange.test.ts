import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { fakePdq } from '../../test/support/exchange-rig.js';
import {
  freshDataDir,
  type PrevailNode,
  readKey,
  removeAll,
  startPrevailNode,
  testFeedSeed,
} from '../../test/support/exchange-servers.js';
import { EngineError } from '../core/index.js';
import { feedPublicKeyText, generateFeedKey, parseFeedSigningKey } from '../exchanges/index.js';

const directories: string[] = [];
const nodes: PrevailNode[] = [];
after(async () => {
  for (const node of nodes) await node.stop().catch(() => undefined);
  await removeAll(directories);
});

function hasCode(code: string): (error: unknown) => boolean {
  return (error) => error instanceof EngineError && error.code === code;
}

async function node(dataDir: string, feedKey?: string): Promise<PrevailNode> {
  const started = await startPrevailNode(dataDir, feedKey === undefined ? {} : { feedKey });
  nodes.push(started);
  return started;
}

/** The subscriber bank's pdq values, sorted. */
async function values(subscriber: PrevailNode, bank: string): Promise<string[]> {
  return (await subscriber.services.banks.listContent(bank, { limit: 1000 }))
    .map((item) => item.signals.pdq ?? '')
    .sort();
}

async function publishedValues(publisher: PrevailNode): Promise<string[]> {
  return values(publisher, 'SHARED');
}

const publicKey = feedPublicKeyText(parseFeedSigningKey(testFeedSeed));

describe('the Prevail peer exchange', () => {
  test('round trip between two servers; deletions follow; resumes after a restart from its checkpoint', async () => {
    const publisher = await node(await freshDataDir(directories), testFeedSeed);
    await publisher.services.banks.createBank({ name: 'SHARED' });
    const added = [];
    for (let n = 1; n <= 5; n++) {
      added.push(
        await publisher.services.banks.addContent('SHARED', {
          signals: { pdq: fakePdq(n) },
          category: 'fake-category',
        }),
      );
    }
    const subscriberDir = await freshDataDir(directories);
    let subscriber = await node(subscriberDir);
    await subscriber.services.exchanges.add({
      name: 'FROM_PEER',
      kind: 'prevail',
      config: { url: publisher.url, bank: 'SHARED', public_key: publicKey, page_size: 2 },
    });
    await subscriber.services.exchanges.setCredentials(
      { exchange: 'FROM_PEER' },
      { api_key: await readKey(publisher) },
    );
    const first = await subscriber.services.exchanges.fetch('FROM_PEER');
    assert.equal(first.upToDate, true);
    assert.equal(first.pages, 3);
    assert.deepEqual(await values(subscriber, 'FROM_PEER'), await publishedValues(publisher));
    const match = await subscriber.services.matcher.match({ signals: { pdq: fakePdq(3) } });
    assert.equal(match.matches[0]?.provenance.upstream?.exchange, 'FROM_PEER');
    assert.equal(match.matches[0]?.provenance.upstream?.metadata.category, 'fake-category');

    await publisher.services.banks.deleteContent(added[1]?.id ?? 0);
    await publisher.services.banks.addContent('SHARED', { signals: { pdq: fakePdq(6) } });
    await subscriber.stop();
    nodes.splice(nodes.indexOf(subscriber), 1);
    subscriber = await node(subscriberDir);
    const second = await subscriber.services.exchanges.fetch('FROM_PEER');
    assert.deepEqual([second.upserts, second.removals], [1, 1], 'only the changes since the checkpoint');
    assert.deepEqual(await values(subscriber, 'FROM_PEER'), await publishedValues(publisher));
    assert.equal((await subscriber.services.matcher.match({ signals: { pdq: fakePdq(2) } })).matches.length, 0);
    assert.equal((await subscriber.services.matcher.match({ signals: { pdq: fakePdq(6) } })).matches.length, 1);
  });

  test('a tampered page or the wrong key is refused and nothing is committed; without a key the feed is refused', async () => {
    const publisher = await node(await freshDataDir(directories), testFeedSeed);
    await publisher.services.banks.createBank({ name: 'SHARED' });
    await publisher.services.banks.addContent('SHARED', { signals: { pdq: fakePdq(1) } });
    const secret = await readKey(publisher);
    // A proxy that flips one hex digit of every body and keeps the signature header.
    const target = new URL(publisher.url);
    const proxy = createServer((incoming, outgoing) => {
      const forward = httpRequest(
        { host: target.hostname, port: target.port, path: incoming.url, headers: incoming.headers },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (part: Buffer) => parts.push(part));
          answer.on('end', () => {
            const body = Buffer.concat(parts)
              .toString('utf8')
              .replace(fakePdq(1).slice(0, 8), `f${fakePdq(1).slice(1, 8)}`);
            const headers = { ...answer.headers };
            delete headers['content-length'];
            outgoing.writeHead(answer.statusCode ?? 500, headers);
            outgoing.end(body);
          });
        },
      );
      forward.end();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const subscriber = await node(await freshDataDir(directories));
      const exchanges = subscriber.services.exchanges;
      await exchanges.add({
        name: 'TAMPERED',
        kind: 'prevail',
        config: {
          url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
          bank: 'SHARED',
          public_key: publicKey,
        },
      });
      await exchanges.setCredentials({ exchange: 'TAMPERED' }, { api_key: secret });
      await assert.rejects(exchanges.fetch('TAMPERED'), hasCode('EXCHANGE_SIGNATURE_INVALID'));
      await exchanges.add({
        name: 'WRONG_KEY',
        kind: 'prevail',
        config: { url: publisher.url, bank: 'SHARED', public_key: generateFeedKey().publicKey },
      });
      await exchanges.setCredentials({ exchange: 'WRONG_KEY' }, { api_key: secret });
      await assert.rejects(exchanges.fetch('WRONG_KEY'), hasCode('EXCHANGE_SIGNATURE_INVALID'));
      await exchanges.add({
        name: 'NO_KEY',
        kind: 'prevail',
        config: { url: publisher.url, bank: 'SHARED', public_key: publicKey },
      });
      await assert.rejects(exchanges.fetch('NO_KEY'), hasCode('EXCHANGE_AUTH_FAILED'));
      for (const name of ['TAMPERED', 'WRONG_KEY', 'NO_KEY']) {
        const status = await exchanges.status(name);
        assert.equal(status.checkpoint, null);
        assert.equal(status.fetchedItems, 0);
        assert.equal(status.lastSucceeded, false);
      }
      await assert.rejects(
        exchanges.add({
          name: 'BAD_PEER',
          kind: 'prevail',
          config: { url: publisher.url, bank: 'SHARED', public_key: 'AAAA' },
        }),
        hasCode('EXCHANGE_SIGNATURE_INVALID'),
      );
      await assert.rejects(
        exchanges.add({
          name: 'BAD_URL',
          kind: 'prevail',
          config: { url: 'file:///etc/passwd', bank: 'SHARED', public_key: publicKey },
        }),
        hasCode('EXCHANGE_INVALID'),
      );
      // The feed route refuses absurd checkpoints with a coded error.
      const absurd = await publisher.app.inject({
        method: 'GET',
        url: '/v1/exchange-feed/SHARED?after_content=-1&limit=99999999999',
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(absurd.statusCode, 400);
      for (const [url, status] of [
        ['/v1/exchange-feed/SH%00ARED', 404],
        ['/v1/exchange-feed/SHARED?limit=abc', 400],
        ['/v1/exchange-feed/SHARED?after_content=1e400', 400],
        [`/v1/exchange-feed/${'X'.repeat(300)}`, 414],
      ] as const) {
        const answer = await publisher.app.inject({
          method: 'GET',
          url,
          headers: { authorization: `Bearer ${secret}` },
        });
        assert.equal(answer.statusCode, status, url);
        // 414 is Fastify's own answer to a path parameter over 100 characters (every route's).
        if (status !== 414) assert.ok(answer.json().error.code, url);
      }
      const anonymous = await publisher.app.inject({ method: 'GET', url: '/v1/exchange-feed/SHARED' });
      assert.equal(anonymous.statusCode, 401);
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
    }
  });

  test("HMA's exchange routes drive the service: create, read, status, enable, credentials, schema, delete", async () => {
    const server = await node(await freshDataDir(directories));
    const inject = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
      server.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
    assert.deepEqual((await inject('GET', '/c/exchanges/apis')).json(), [
      'local_file',
      'url',
      'prevail',
      'ncmec',
      'stop_ncii',
      'fb_threatexchange',
    ]);
    const created = await inject('POST', '/c/exchanges', {
      bank: 'LIST_FROM_URL',
      api: 'url',
      api_json: { url: 'http://127.0.0.1:9/list.txt', format: 'typed' },
    });
    assert.equal(created.statusCode, 201);
    assert.deepEqual(created.json(), { message: 'Created successfully' });
    assert.deepEqual((await inject('GET', '/c/exchanges')).json(), ['LIST_FROM_URL']);
    const shown = await inject('GET', '/c/exchange/LIST_FROM_URL');
    assert.deepEqual(Object.keys(shown.json()).slice(0, 3), ['name', 'api', 'enabled']);
    assert.equal(shown.json().url, 'http://127.0.0.1:9/list.txt');
    const status = await inject('GET', '/c/exchange/LIST_FROM_URL/status');
    assert.deepEqual(Object.keys(status.json()).sort(), [
      'checkpoint_ts',
      'fetched_items',
      'last_fetch_complete_ts',
      'last_fetch_succeeded',
      'running_fetch_start_ts',
      'up_to_date',
    ]);
    assert.equal((await inject('PUT', '/c/exchange/LIST_FROM_URL', { enabled: false })).statusCode, 200);
    assert.equal((await inject('GET', '/c/exchange/LIST_FROM_URL')).json().enabled, false);
    assert.equal((await inject('PUT', '/c/exchange/LIST_FROM_URL', { enabled: 'yes' })).statusCode, 400);
    const badConfig = await inject('POST', '/c/exchanges', { bank: 'BAD', api: 'url', api_json: { url: 'ftp://x' } });
    assert.equal(badConfig.statusCode, 400);
    assert.equal(await server.services.banks.repository.getBankByName('BAD'), undefined);
    const nested = await inject('POST', '/c/exchanges', {
      bank: 'NESTED',
      api: 'url',
      api_json: JSON.parse(`${'{"a":'.repeat(30)}1${'}'.repeat(30)}`) as object,
    });
    assert.equal(nested.statusCode, 400);

    assert.deepEqual((await inject('GET', '/c/exchanges/api/url')).json(), {
      supports_authentification: true,
      has_set_authentification: false,
    });
    const set = await inject('POST', '/c/exchanges/api/url', {
      credential_json: { authorization: 'Bearer fake-secret' },
    });
    assert.deepEqual(set.json(), { supports_authentification: true, has_set_authentification: true });
    assert.ok(!JSON.stringify(set.json()).includes('fake-secret'));
    assert.equal((await inject('POST', '/c/exchanges/api/url', {})).json().has_set_authentification, true);
    assert.equal(
      (await inject('POST', '/c/exchanges/api/url', { credential_json: {} })).json().has_set_authentification,
      false,
    );
    assert.equal((await inject('POST', '/c/exchanges/api/url', [1])).statusCode, 400);
    assert.equal((await inject('GET', '/c/exchanges/api/local_file')).json().supports_authentification, false);
    const schema = (await inject('GET', '/c/exchanges/api/local_file/schema')).json();
    assert.equal(schema.credentials_schema, null);
    assert.equal(schema.config_schema.fields[0].name, 'path');
    assert.equal((await inject('GET', '/c/exchanges/api/nope/schema')).statusCode, 404);

    assert.deepEqual((await inject('DELETE', '/c/exchange/LIST_FROM_URL')).json(), { message: 'Exchange deleted' });
    assert.equal(await server.services.banks.repository.getBankByName('LIST_FROM_URL'), undefined);
    assert.equal((await inject('DELETE', '/c/exchange/LIST_FROM_URL')).statusCode, 200);
    assert.equal((await inject('GET', '/c/exchange/LIST_FROM_URL/status')).statusCode, 404);
  });
});
