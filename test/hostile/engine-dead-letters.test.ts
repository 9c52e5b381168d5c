/**
 * The engine must never stop: an acknowledged event whose processing throws, or whose writes the
 * store refuses, becomes a dead letter (stored with the watermark) and later events go on; a
 * failing store is retried and reported, never an unhandled rejection; a restart goes on.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import { createApiKey } from '../../src/auth/index.js';
import { runCli } from '../../src/cli/index.js';
import {
  type EngineBatch,
  type EngineProblem,
  type EngineStore,
  loadEngineConfig,
  openEngine,
  SignalsEngine,
} from '../../src/engine/index.js';
import { buildRuleSet, type RuleSet } from '../../src/rules/index.js';
import { openStorage, type Storage } from '../../src/storage/index.js';
import { captureIo } from '../support/capture-io.js';
import { examplePacks, examplePolicy, syntheticEvent } from '../support/engine-harness.js';
import { dropPostgresSchemas, postgresSkipReason, postgresUrl } from '../support/postgres.js';
import { startTestServer } from '../support/server-harness.js';

/** A media match far beyond year 9999: its label expiry is no valid date (RangeError in processing). */
function poisonEvent(id: string) {
  const time = '+275760-09-13T00:00:00.000Z';
  return {
    id,
    type: 'media.matched',
    time,
    timeMs: Date.parse(time),
    entities: { user: `u-${id}` },
    data: { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 0 }] },
  };
}

function matchEvent(id: string, user: string, time = '2026-11-01T10:00:00Z') {
  return {
    ...syntheticEvent(
      'media.matched',
      { user },
      { matches: [{ bank: 'B', contentId: 1, signalType: 'pdq', distance: 0 }] },
      time,
      id,
    ),
    timeMs: Date.parse(time),
  };
}

/** Records unhandled rejections while a test runs (there must be none). */
function watchRejections(): { reasons: unknown[]; stop: () => void } {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => reasons.push(reason);
  process.on('unhandledRejection', listener);
  return { reasons, stop: () => process.off('unhandledRejection', listener) };
}

/** A store whose `commit` runs `hook` first (which may throw, as a failing database would). */
function faultyStore(store: EngineStore, hook: (batch: EngineBatch) => void): EngineStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'commit')
        return async (batch: EngineBatch) => {
          hook(batch);
          return target.commit(batch);
        };
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('dead letters (SQLite)', () => {
  let directory: string;
  let storage: Storage;
  let rejections: ReturnType<typeof watchRejections>;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-dead-'));
    storage = await openStorage({ dataDir: directory });
    rejections = watchRejections();
  });
  afterEach(async () => {
    rejections.stop();
    await storage.close();
    await rm(directory, { recursive: true, force: true });
  });

  test('one event crashes the server and every restart: now it is a dead letter, later events go on, a restart goes on', async () => {
    // Logged by an older build that accepted it (validation now refuses such a time).
    await storage.engine.events.append([
      matchEvent('before', 'u-before'),
      poisonEvent('poison'),
      matchEvent('after', 'u-after'),
    ]);
    const problems: EngineProblem[] = [];
    const { engine } = await openEngine(storage.engine, examplePolicy, {
      packRegistry: examplePacks,
      onProblem: (problem) => problems.push(problem),
    });
    assert.equal(engine.processedSeq, 3, 'the watermark moved past the poison event');
    const letters = await engine.deadLetters();
    assert.equal(letters.length, 1);
    assert.deepEqual([letters[0]?.eventId, letters[0]?.eventSeq, letters[0]?.code], ['poison', 2, 'INTERNAL']);
    assert.match(letters[0]?.message ?? '', /RangeError/);
    assert.ok(!Number.isNaN(Date.parse(letters[0]?.failedAt ?? '')));
    assert.deepEqual(
      problems.map((problem) => problem.kind),
      ['dead_letter'],
    );
    const subjects = (await storage.engine.cases.list()).map((item) => item.subject).sort();
    assert.deepEqual(subjects, ['user:u-after', 'user:u-before'], 'the events around it were processed');
    await engine.close();

    const again = await openEngine(storage.engine, examplePolicy, {
      packRegistry: examplePacks,
      onProblem: (problem) => problems.push(problem),
    });
    assert.equal(again.engine.processedSeq, 3);
    assert.equal(again.engine.health().deadLetters, 1, 'a restart neither retries nor loses it');
    const later = await again.engine.ingest(
      [syntheticEvent('account.created', { user: 'u-later' }, {}, '2026-11-02T00:00:00Z')],
      {
        wait: true,
      },
    );
    assert.equal(later[0]?.status, 'accepted');
    assert.equal(again.engine.processedSeq, 4);
    await again.engine.close();
    assert.deepEqual(rejections.reasons, []);
  });

  test('an event whose processing throws while serving is dead-lettered without an unhandled rejection', async () => {
    const config = await loadEngineConfig(examplePolicy, { packRegistry: examplePacks });
    const built = buildRuleSet([], config.catalogs);
    assert.ok(built.ok);
    const real = built.ruleSet;
    const rules = {
      evaluate: (context: Parameters<RuleSet['evaluate']>[0]) => {
        if (context.event.id === 'throws') throw new TypeError('a bug in a rule');
        return real.evaluate(context);
      },
    } as RuleSet;
    const engine = await SignalsEngine.open(storage.engine, config, () => rules, { onProblem: () => undefined });
    const events = ['ok-1', 'throws', 'ok-2'].map((id) =>
      syntheticEvent('account.created', { user: id }, {}, '2026-11-01T00:00:00Z', id),
    );
    const results = await engine.ingest(events, { wait: true });
    assert.deepEqual(
      results.map((result) => result.status),
      ['accepted', 'accepted', 'accepted'],
    );
    assert.ok(results[0]?.status === 'accepted' && results[0].verdict !== undefined);
    assert.ok(results[1]?.status === 'accepted' && results[1].verdict === undefined, 'no verdict for a dead letter');
    assert.ok(results[2]?.status === 'accepted' && results[2].verdict !== undefined);
    const [letter] = await engine.deadLetters();
    assert.deepEqual(
      [letter?.eventId, letter?.code, letter?.message],
      ['throws', 'INTERNAL', 'TypeError: a bug in a rule'],
    );
    await engine.close();
    assert.deepEqual(rejections.reasons, []);
  });

  test('a store failure during drain is retried with backoff and reported, never an unhandled rejection', async () => {
    let failuresLeft = 2;
    let down = false;
    const store = faultyStore(storage.engine, () => {
      if (down || failuresLeft-- > 0) throw new Error('connection reset by peer');
    });
    const problems: EngineProblem[] = [];
    const { engine } = await openEngine(store, examplePolicy, {
      packRegistry: examplePacks,
      storeRetry: { attempts: 3, initialDelayMs: 2, maxDelayMs: 20 },
      onProblem: (problem) => problems.push(problem),
    });
    // Two failed commits, then it goes through: the verdicts arrive, nothing is lost or doubled.
    const first = await engine.ingest([matchEvent('m-1', 'u-retry')], { wait: true });
    assert.ok(first[0]?.status === 'accepted' && first[0].verdict?.verdict === 'block');
    assert.ok(
      problems.some((problem) => problem.kind === 'store'),
      'the failure was reported',
    );
    assert.ok(!problems.some((problem) => problem.kind === 'dead_letter'), 'a flickering store dead-letters nothing');
    assert.ok(engine.health().storeFailures >= 1);
    assert.equal(engine.health().storeError, null, 'cleared once a commit went through');

    // The store stays down: ingest still acknowledges (the log is up), drain gives up and tries again later.
    down = true;
    const second = await engine.ingest([matchEvent('m-2', 'u-retry-2')]);
    assert.equal(second[0]?.status, 'accepted');
    await assert.rejects(engine.drain(), (error: Error & { code?: string }) => error.code === 'STORAGE_UNAVAILABLE');
    assert.match(engine.health().storeError ?? '', /connection reset by peer/);
    assert.equal(engine.processedSeq, 1);
    down = false;
    for (let tries = 0; tries < 200 && engine.processedSeq < 2; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(engine.processedSeq, 2, 'the engine went on by itself once the store came back');
    assert.equal((await storage.engine.cases.list({ subject: 'user:u-retry-2' })).length, 1);
    assert.equal(engine.health().deadLetters, 0, 'a store outage dead-letters nothing');
    await engine.close();
    assert.deepEqual(rejections.reasons, []);
  });

  test('a write the store refuses dead-letters only its own event', async () => {
    let refusing = true;
    const store = faultyStore(storage.engine, (batch) => {
      if (refusing && batch.cases.some((update) => update.subject === 'user:refused'))
        throw new Error('invalid byte sequence for encoding "UTF8": 0x00');
    });
    const { engine } = await openEngine(store, examplePolicy, {
      packRegistry: examplePacks,
      onProblem: () => undefined,
    });
    await engine.ingest([matchEvent('r-1', 'fine-1'), matchEvent('r-2', 'refused'), matchEvent('r-3', 'fine-2')], {
      wait: true,
    });
    assert.equal(engine.processedSeq, 3);
    const letters = await engine.deadLetters();
    assert.deepEqual(
      letters.map((letter) => [letter.eventId, letter.code]),
      [['r-2', 'STORAGE_UNAVAILABLE']],
    );
    assert.match(letters[0]?.message ?? '', /0x00/);
    const subjects = (await storage.engine.cases.list()).map((item) => item.subject).sort();
    assert.deepEqual(subjects, ['user:fine-1', 'user:fine-2']);
    // The engine does not believe in a case the store never got: an ordinary event on that user
    // (once the store takes its writes) opens no case.
    refusing = false;
    await engine.ingest([syntheticEvent('account.updated', { user: 'refused' }, {}, '2026-11-01T11:00:00Z', 'r-4')], {
      wait: true,
    });
    assert.deepEqual(await storage.engine.cases.list({ subject: 'user:refused' }), []);
    await engine.close();
    assert.deepEqual(rejections.reasons, []);
  });
});

describe('dead letters in /v1, /metrics and the CLI', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let reader: string;
  before(async () => {
    server = await startTestServer({ policyDir: examplePolicy });
    reader = (await createApiKey(server.services.storage.apiKeys, 'ops', ['read'])).secret;
    await server.services.storage.engine.events.append([poisonEvent('p-http'), matchEvent('m-http', 'u-http')]);
    await server.services.engine?.engine.drain();
  });
  after(() => server.close());

  test('GET /v1/dead-letters lists them (read scope) and /metrics counts them', async () => {
    const listed = await server.app.inject({
      method: 'GET',
      url: '/v1/dead-letters',
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.equal(listed.statusCode, 200, listed.body);
    const body = listed.json();
    assert.deepEqual(
      body.deadLetters.map((letter: { eventId: string; eventSeq: number; code: string }) => [
        letter.eventId,
        letter.eventSeq,
        letter.code,
      ]),
      [['p-http', 1, 'INTERNAL']],
    );
    assert.equal(body.next, null);
    const unauthenticated = await server.app.inject({ method: 'GET', url: '/v1/dead-letters' });
    assert.equal(unauthenticated.statusCode, 401);
    const metrics = await server.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${reader}` },
    });
    assert.match(metrics.body, /^prevail_engine_dead_letters 1$/m);
    assert.match(metrics.body, /^prevail_engine_processed_seq 2$/m);
    assert.match(metrics.body, /^prevail_engine_store_failing 0$/m);
  });

  test('prevail events dead-letters prints one JSON line per dead letter', async () => {
    const io = captureIo();
    const status = await runCli(['events', 'dead-letters', '--data-dir', server.dataDir], io);
    assert.equal(status, 0, io.errors());
    const lines = io
      .output()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      lines.map((line: { eventId: string }) => line.eventId),
      ['p-http'],
    );
  });
});

const skipPostgres = await postgresSkipReason();
const schema = `test_engine_dead_${randomBytes(4).toString('hex')}`;

describe('dead letters on PostgreSQL', { skip: skipPostgres }, () => {
  let storage: Storage | undefined;
  after(async () => {
    await storage?.close();
    await dropPostgresSchemas([schema]);
  });

  test('a NUL in an entity id logged by an older build is a dead letter on PostgreSQL; later events go on', async () => {
    storage = await openStorage({ databaseUrl: postgresUrl, schema });
    // The log keeps entities as JSON (NUL escaped), so an older build stored it; its link and
    // case rows hold the raw id, which PostgreSQL refuses.
    await storage.engine.events.append([matchEvent('pg-1', 'u\u0000nul'), matchEvent('pg-2', 'u-fine')]);
    const { engine } = await openEngine(storage.engine, examplePolicy, {
      packRegistry: examplePacks,
      onProblem: () => undefined,
    });
    assert.equal(engine.processedSeq, 2);
    const letters = await engine.deadLetters();
    assert.deepEqual(
      letters.map((letter) => [letter.eventId, letter.code]),
      [['pg-1', 'STORAGE_UNAVAILABLE']],
    );
    assert.deepEqual(
      (await storage.engine.cases.list()).map((item) => item.subject),
      ['user:u-fine'],
    );
    await engine.close();
  });
});
