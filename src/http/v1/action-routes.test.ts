import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { privateSession, writeActionPolicy } from '../../../test/support/action-rig.js';
import { createServices, type Services } from '../../app/index.js';
import { createApiKey } from '../../auth/index.js';
import { defaultMaxPixels } from '../../content/index.js';
import { httpDependencies } from '../../main.js';
import { buildHttpServer } from '../app.js';

interface SseEvent {
  readonly id?: string;
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

function parseEvents(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .map((block) => {
      const event: Record<string, string> = {};
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comment = line.slice(1).trim();
        else {
          const at = line.indexOf(': ');
          if (at > 0) event[line.slice(0, at)] = line.slice(at + 2);
        }
      }
      return event;
    });
}

/** Reads the stream until `enough` says so (bounded by a 10 s safety deadline), then closes the socket. */
function readStream(
  url: string,
  headers: Record<string, string>,
  enough: (events: SseEvent[]) => boolean,
): Promise<{ status: number; type: string | undefined; events: SseEvent[] }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const request = get(url, { headers }, (response) => {
      const finish = () => {
        clearTimeout(deadline);
        request.destroy();
        resolve({
          status: response.statusCode ?? 0,
          type: response.headers['content-type'],
          events: parseEvents(text),
        });
      };
      const deadline = setTimeout(finish, 10_000);
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
        if (enough(parseEvents(text))) finish();
      });
      response.on('end', finish);
    });
    request.on('error', (error) => {
      if (!request.destroyed) reject(error);
    });
  });
}

describe('GET /v1/actions/stream (server-sent events)', () => {
  let dir: string;
  let services: Services;
  let app: FastifyInstance;
  let base: string;
  let reader: string;
  const actionEvents = (events: SseEvent[]) => events.filter((event) => event.event === 'action');

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-action-stream-'));
    const policyDir = join(dir, 'policy');
    await writeActionPolicy(policyDir, 'http://127.0.0.1:9/unused');
    await writeFile(
      join(policyDir, 'actions.yaml'),
      `endpoints:
  feed: { kind: sse }
actions:
  - name: end_stream
    kind: terminate_stream
    mode: active
    endpoints: [feed]
    payload: { stream: "{{entities.stream}}" }
  - name: warn_host
    kind: warn_user
    mode: shadow
    endpoints: [feed]
`,
    );
    services = await createServices({ dataDir: join(dir, 'data'), policyDir }, { withEngine: true });
    const dependencies = httpDependencies(services, {
      hmaAccess: 'key',
      maxUploadBytes: 1024 * 1024,
      fetchPolicy: { maxBytes: 1024, timeoutMs: 1000, allowedHosts: [], allowPrivateAddresses: false },
      decode: { maxPixels: defaultMaxPixels },
    });
    assert.ok(dependencies.actionStream !== undefined, 'a kind: sse endpoint gives the route');
    app = await buildHttpServer({
      ...dependencies,
      actionStream: { ...dependencies.actionStream, limits: { pollMs: 20, heartbeatMs: 50 } },
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    reader = (await createApiKey(services.storage.apiKeys, 'platform', ['read'])).secret;
    await services.engine?.engine.ingest([privateSession('evt-s1', 'host-1', 'stream-1')], { wait: true });
  });

  after(async () => {
    await app.close();
    await services.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('an API key is required; the stream sends active actions with the outbox id, never shadow ones', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/v1/actions/stream' })).statusCode, 401);
    const read = await readStream(`${base}/v1/actions/stream`, { authorization: `Bearer ${reader}` }, (events) =>
      events.some((event) => event.comment === 'heartbeat'),
    );
    assert.equal(read.status, 200);
    assert.match(read.type ?? '', /^text\/event-stream/);
    const actions = actionEvents(read.events);
    assert.equal(actions.length, 1, 'one active action; the shadow one is not streamed');
    const body = JSON.parse(actions[0]?.data ?? '{}');
    assert.equal(body.action, 'end_stream');
    assert.equal(body.event_id, 'evt-s1');
    assert.deepEqual(body.payload, { stream: 'stream-1' });
    const [row] = await services.storage.outbox.list({ status: 'stream', limit: 1 });
    assert.equal(actions[0]?.id, String(row?.id));
    assert.ok(
      read.events.some((event) => event.comment === 'heartbeat'),
      'heartbeats while idle',
    );
  });

  test('Last-Event-ID resumes after the last action received; a live action arrives on an open stream', async () => {
    const [first] = await services.storage.outbox.list({ status: 'stream', limit: 1 });
    assert.ok(first !== undefined);
    const pending = readStream(
      `${base}/v1/actions/stream?endpoint=feed`,
      { authorization: `Bearer ${reader}`, 'last-event-id': String(first.id) },
      (events) => actionEvents(events).length >= 1,
    );
    await services.engine?.engine.ingest([privateSession('evt-s2', 'host-2', 'stream-2')], { wait: true });
    const read = await pending;
    const actions = actionEvents(read.events);
    assert.equal(actions.length, 1);
    assert.equal(JSON.parse(actions[0]?.data ?? '{}').event_id, 'evt-s2', 'the first action is not sent again');
    assert.ok(Number(actions[0]?.id) > first.id, 'ids grow');

    const fromNow = await readStream(
      `${base}/v1/actions/stream?from=now`,
      { authorization: `Bearer ${reader}` },
      (events) => events.some((event) => event.comment === 'heartbeat'),
    );
    assert.equal(actionEvents(fromNow.events).length, 0, 'from=now skips what is already there');
  });

  test('hostile queries and headers get coded errors and the server keeps serving', async () => {
    const auth = { authorization: `Bearer ${reader}` };
    const cases: [string, Record<string, string>, number, string][] = [
      ['?endpoint=nowhere', {}, 404, 'ACTION_ENDPOINT_NOT_FOUND'],
      ['?endpoint=Feed', {}, 400, 'REQUEST_INVALID'],
      [`?endpoint=${'a'.repeat(5000)}`, {}, 400, 'REQUEST_INVALID'],
      ['?endpoint=fe%00ed', {}, 400, 'REQUEST_INVALID'],
      ['?endpoint=f%C3%A9ed', {}, 400, 'REQUEST_INVALID'],
      ['?from=yesterday', {}, 400, 'REQUEST_INVALID'],
      ['?other=1', {}, 400, 'REQUEST_INVALID'],
      ['', { 'last-event-id': 'abc' }, 400, 'REQUEST_INVALID'],
      ['', { 'last-event-id': '-1' }, 400, 'REQUEST_INVALID'],
      ['', { 'last-event-id': '1e3' }, 400, 'REQUEST_INVALID'],
      ['', { 'last-event-id': '9'.repeat(40) }, 400, 'REQUEST_INVALID'],
      ['', { 'last-event-id': '١٢' }, 400, 'REQUEST_INVALID'],
    ];
    for (const [query, headers, status, code] of cases) {
      const response = await app.inject({
        method: 'GET',
        url: `/v1/actions/stream${query}`,
        headers: { ...auth, ...headers },
      });
      assert.equal(response.statusCode, status, `${query} ${JSON.stringify(headers)}`);
      assert.equal(response.json().error?.code ?? response.json().code, code, response.body);
    }
    const healthy = await readStream(`${base}/v1/actions/stream`, auth, (events) => actionEvents(events).length >= 2);
    assert.equal(actionEvents(healthy.events).length, 2);
  });

  test("GET /v1/cases/{id}/actions: the case's actions and deliveries, never a payload; hostile ids are refused", async () => {
    const [found] = await services.storage.engine.cases.list({ subject: 'user:host-1' });
    assert.ok(found !== undefined);
    const auth = { authorization: `Bearer ${reader}` };
    const response = await app.inject({ method: 'GET', url: `/v1/cases/${found.id}/actions`, headers: auth });
    assert.equal(response.statusCode, 200, response.body);
    const { actions } = response.json();
    assert.deepEqual(
      actions
        .map((action: { action: string; status: string; trigger: string }) => [
          action.action,
          action.status,
          action.trigger,
        ])
        .sort(),
      [
        ['end_stream', 'stream', 'rule:private_session'],
        ['warn_host', 'shadow', 'rule:private_session'],
      ],
    );
    assert.ok(!/payload|body_?json|stream-1/i.test(response.body), 'no payload, body or payload value');
    for (const [id, status] of [
      ['0', 400],
      ['-1', 400],
      ['abc', 400],
      ['1e999', 400],
      ['99999999999999999999', 400],
      ['%00', 400],
      ['424242', 404],
    ] as const) {
      const refused = await app.inject({ method: 'GET', url: `/v1/cases/${id}/actions`, headers: auth });
      assert.equal(refused.statusCode, status, id);
    }
    assert.equal((await app.inject({ method: 'GET', url: `/v1/cases/${found.id}/actions` })).statusCode, 401);
  });

  test('the route is in the OpenAPI document', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(document.paths['/v1/actions/stream']?.get !== undefined);
  });
});
