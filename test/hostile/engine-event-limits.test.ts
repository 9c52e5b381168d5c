/**
 * Hostile events at the engine's door: times outside the sane range, huge and deep events, long
 * strings, and characters no store can hold. Every one is refused at validation with a coded
 * error naming its path, over the engine, HTTP and the CLI, on SQLite and on PostgreSQL (a fresh
 * schema, dropped afterwards; skipped with a reason when PostgreSQL is unreachable, except in CI).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { runCli } from '../../src/cli/index.js';
import { openEngine } from '../../src/engine/index.js';
import { defaultEventLimits, EventTypeRegistry } from '../../src/events/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { captureIo } from '../support/capture-io.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from '../support/postgres.js';
import { startTestServer } from '../support/server-harness.js';

const registry = new EventTypeRegistry();
let counter = 0;
const account = (id: string, data: Record<string, unknown> = {}, time = '2026-11-01T00:00:00Z') =>
  syntheticEvent('account.created', { user: id }, data, time, `lim-${++counter}`);

function problemsOf(input: unknown): { path: string; message: string }[] {
  const result = registry.check(input);
  return result.ok ? [] : result.problems;
}

function nested(depth: number): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

describe('event limits (validation)', () => {
  test('event times outside 1970–2100 are refused with the path "time"', () => {
    for (const time of [
      '+275760-09-13T00:00:00.000Z',
      '2100-01-01T00:00:00Z',
      '1969-12-31T23:59:59Z',
      '9999-12-31T00:00:00Z',
    ]) {
      assert.deepEqual(
        problemsOf(account('u1', {}, time)).map((problem) => problem.path),
        ['time'],
        time,
      );
    }
    assert.deepEqual(problemsOf(account('u1', {}, '2099-12-31T23:59:59Z')), []);
    assert.deepEqual(problemsOf(account('u1', {}, '1970-01-01T00:00:00Z')), []);
  });

  test('the event time range is configurable (limits.yaml time_from / time_until)', () => {
    const narrow = new EventTypeRegistry([], {
      ...defaultEventLimits,
      minTimeMs: Date.parse('2020-01-01T00:00:00Z'),
      maxTimeMs: Date.parse('2030-01-01T00:00:00Z'),
    });
    const refused = narrow.check(account('u1', {}, '2019-06-01T00:00:00Z'));
    assert.ok(!refused.ok);
    assert.equal(refused.problems[0]?.path, 'time');
    assert.ok(narrow.check(account('u1', {}, '2026-06-01T00:00:00Z')).ok);
  });

  test('an event larger than the size limit is refused (a 50 MB data.blob)', () => {
    const problems = problemsOf(account('u1', { blob: 'x'.repeat(50 * 1024 * 1024) }));
    assert.ok(problems.length > 0);
    assert.ok(problems.some((problem) => /larger than|longer than/.test(problem.message)));
    // Many short strings that add up are refused for size too.
    const many = problemsOf(account('u1', { parts: Array.from({ length: 40_000 }, () => 'y'.repeat(30)) }));
    assert.deepEqual(many, [
      { path: '(event)', message: `larger than ${defaultEventLimits.maxBytes} characters of JSON` },
    ]);
  });

  test('an event nested deeper than the depth limit is refused (4,110 and 100,000 levels)', () => {
    for (const depth of [4110, 100_000]) {
      const problems = problemsOf(account('u1', { deep: nested(depth) }));
      assert.equal(problems.length, 1);
      assert.match(problems[0]?.message ?? '', /nested deeper than 32 levels/);
      assert.match(problems[0]?.path ?? '', /^data\.deep(\.a)+$/);
    }
    assert.deepEqual(problemsOf(account('u1', { deep: nested(20) })), []);
  });

  test('strings longer than the string limit are refused, keys included', () => {
    const long = 'z'.repeat(defaultEventLimits.maxStringLength + 1);
    assert.deepEqual(
      problemsOf(account('u1', { note: long })).map((problem) => problem.path),
      ['data.note'],
    );
    assert.deepEqual(
      problemsOf(account('u1', { [long]: 1 })).map((problem) => problem.path),
      [`data.${long}`],
    );
  });

  test('NUL and unpaired surrogates are refused anywhere in an event', () => {
    const cases: [unknown, string][] = [
      [{ ...account('u1'), id: 'evt\u0000nul' }, 'id'],
      [account('u\u0000x'), 'entities.user'],
      [account('u1', { note: 'a\u0000b' }), 'data.note'],
      [account('u1', { note: 'half \uD800 pair' }), 'data.note'],
      [account('u1', { note: 'stray \uDC00' }), 'data.note'],
      [account('u1', { 'k\u0000': 1 }), 'data.k\u0000'],
      [{ ...account('\uDBFF'), id: 'x' }, 'entities.user'],
    ];
    for (const [input, path] of cases) {
      assert.deepEqual(
        problemsOf(input).map((problem) => problem.path),
        [path],
        JSON.stringify(input),
      );
    }
    assert.deepEqual(problemsOf(account('u1', { note: 'a real pair 😀 is fine' })), []);
  });
});

describe('event limits over HTTP and the CLI', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let writer: string;
  let directory: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    writer = (await createApiKey(server.services.storage.apiKeys, 'limits', ['write'])).secret;
    directory = await mkdtemp(join(tmpdir(), 'prevail-limits-'));
  });
  after(async () => {
    await server.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('an event out of range, too deep, too large or holding NUL is a coded 400 (EVENT_INVALID with the path)', async () => {
    const inputs: [unknown, RegExp][] = [
      [account('h1', {}, '+275760-09-13T00:00:00.000Z'), /^time: outside the accepted range/],
      // 40 levels: deeper than the event limit (32), within the HTTP body limit (64, which refuses
      // deeper bodies with REQUEST_INVALID before they are parsed).
      [account('h2', { deep: nested(40) }), /^data\.deep(\.a)+: nested deeper than 32 levels/],
      [account('h3\u0000'), /^entities\.user: contains a NUL character/],
      [account('h6', { blob: 'x'.repeat(2 * 1024 * 1024) }), /^data\.blob: longer than 65536 characters/],
      [
        account('h7', { parts: Array.from({ length: 40 }, () => 'y'.repeat(30_000)) }),
        /^\(event\): larger than 1048576 characters of JSON/,
      ],
    ];
    for (const [payload, message] of inputs) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { authorization: `Bearer ${writer}`, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().error.code, 'EVENT_INVALID');
      assert.match(response.json().error.message, message);
    }
    // In a batch, each refused event carries the code and its problems; the others go on.
    const batch = await server.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { authorization: `Bearer ${writer}` },
      payload: [account('h4', {}, '2150-01-01T00:00:00Z'), account('h5')],
    });
    assert.equal(batch.statusCode, 200);
    assert.deepEqual(
      batch.json().results.map((result: { status: string; code?: string }) => [result.status, result.code]),
      [
        ['rejected', 'EVENT_INVALID'],
        ['accepted', undefined],
      ],
    );
    assert.equal(await server.services.storage.engine.events.count(), 1, 'nothing refused was stored');
  });

  test('limits are configurable in <policy>/limits.yaml and prevail events ingest names each refused line', async () => {
    const policy = join(directory, 'policy');
    await cp(examplePolicy, policy, { recursive: true });
    await writeFile(join(policy, 'limits.yaml'), 'events:\n  max_depth: 4\n  max_string_length: 28\n');
    const file = join(directory, 'events.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify(account('c1', { deep: nested(5) })),
        JSON.stringify(account('c2', { note: 'much too long for twenty-four' })),
        JSON.stringify(account('c3', {}, '+275760-09-13T00:00:00.000Z')),
        JSON.stringify(account('c4', { note: 'short' })),
      ].join('\n'),
    );
    const io = captureIo();
    const status = await runCli(
      ['events', 'ingest', file, '--data-dir', join(directory, 'data'), '--policy', policy],
      io,
    );
    assert.equal(status, 1);
    assert.deepEqual(JSON.parse(io.output()), { lines: 4, accepted: 1, duplicates: 0, rejected: 3 });
    assert.match(io.errors(), /events\.jsonl:1: data\.deep(\.a)*: nested deeper than 4 levels/);
    assert.match(io.errors(), /events\.jsonl:2: data\.note: longer than 28 characters/);
    assert.match(io.errors(), /events\.jsonl:3: time: outside the accepted range/);
    await writeFile(join(policy, 'limits.yaml'), 'events:\n  max_depth: 1\n');
    const bad = captureIo();
    assert.equal(await runCli(['rules', 'check', policy], bad), 2, 'a bad limits.yaml is a configuration error');
    assert.match(bad.errors(), /CONFIG_INVALID: .*limits\.yaml: events\.max_depth/);
  });
});

const skipPostgres = await postgresSkipReason();
const schema = `test_engine_limits_${randomBytes(4).toString('hex')}`;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`what storage cannot hold is refused at validation (${store})`, {
    skip: store === 'postgres' ? skipPostgres : false,
  }, () => {
    let storage: Storage | undefined;
    let directory: string | undefined;
    after(async () => {
      await storage?.close();
      if (directory !== undefined) await rm(directory, { recursive: true, force: true });
      if (store === 'postgres') {
        await dropPostgresSchemas([schema]);
      }
    });

    test(`NUL and lone surrogates in ids, entities and data are refused on ${store}; the rest of the batch is stored intact`, async () => {
      if (store === 'postgres') storage = await openStorage({ databaseUrl: postgresUrl, schema });
      else {
        directory = await mkdtemp(join(tmpdir(), 'prevail-nul-'));
        storage = await openStorage({ dataDir: directory });
      }
      const { engine } = await openEngine(storage.engine, examplePolicy, { packRegistry: examplePacks });
      const results = await engine.ingest(
        [
          { ...account('n1'), id: 'nul\u0000id' },
          account('n2\u0000'),
          account('n3', { text: 'x\u0000' }),
          { ...account('n4'), id: 'lone\uD800' },
          account('n5\uDFFF'),
          account('n6', { 'caf\u00e9 😀': 'ünïcödé 😀' }),
        ],
        { wait: true },
      );
      assert.deepEqual(
        results.map((result) => result.status),
        ['rejected', 'rejected', 'rejected', 'rejected', 'rejected', 'accepted'],
      );
      assert.equal(await storage.engine.events.count(), 1);
      const [stored] = await storage.engine.events.readAfter(0, 10);
      assert.deepEqual(stored?.data, { 'caf\u00e9 😀': 'ünïcödé 😀' }, 'well-formed Unicode round-trips');
      assert.equal(engine.health().deadLetters, 0);
      await engine.close();
    });
  });
}
