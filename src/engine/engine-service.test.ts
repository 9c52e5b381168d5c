import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { examplePolicy, syntheticEvent } from '../../test/support/engine-harness.js';
import type { AuditAction } from '../audit/index.js';
import { EngineError } from '../core/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { EngineService, maxEventsPerIngest, rulePrecision, summariseIngest } from './engine-service.js';
import { openEngine } from './open-engine.js';

/**
 * Issue 18, "functions that grew": `registerEngineRoutes` carried the engine's domain rules
 * (one event or a batch, the ingestion summary, labels and their audit entry, rule precision,
 * rule reloads and their audit entry). They are `EngineService` operations now; the routes only
 * map HTTP to them.
 */
describe('EngineService: the engine operations the routes call', () => {
  let dataDir: string;
  let storage: Storage;
  let service: EngineService;
  const audited: AuditAction[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'prevail-engine-service-'));
    storage = await openStorage({ dataDir });
    const opened = await openEngine(storage.engine, examplePolicy);
    service = new EngineService(opened, storage.engine, {
      record: async (...actions: AuditAction[]) => {
        audited.push(...actions);
      },
    });
  });
  after(async () => {
    await storage.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('the ingestion summary counts accepted, duplicate and rejected events, whichever door they came in by', () => {
    const summary = summariseIngest([
      { index: 0, status: 'accepted', id: 'a', seq: 1 },
      { index: 1, status: 'duplicate', id: 'a', seq: 1 },
      { index: 2, status: 'rejected', code: 'EVENT_INVALID', problems: [] },
      { index: 3, status: 'accepted', id: 'b', seq: 2 },
    ]);
    assert.deepEqual([summary.accepted, summary.duplicates, summary.rejected, summary.results.length], [2, 1, 1, 4]);
  });

  test('ingest takes one event or a batch: a refused single event fails, a batch reports each event', async () => {
    const event = syntheticEvent(
      'account.updated',
      { user: 'svc-u1', payment_account: 'svc-acct-1' },
      { changed: ['payment_method'] },
      '2026-11-01T08:00:00Z',
    );
    const batch = await service.ingest([event, event, { id: 'x' }], { wait: false });
    assert.deepEqual([batch.accepted, batch.duplicates, batch.rejected], [1, 1, 1]);
    await assert.rejects(service.ingest({ id: 'x' }, { wait: false }), (error: unknown) => {
      assert.ok(error instanceof EngineError);
      assert.equal(error.code, 'EVENT_INVALID');
      return true;
    });
    await assert.rejects(service.ingest('text', { wait: false }), { code: 'REQUEST_INVALID' });
    const tooMany = Array.from({ length: maxEventsPerIngest + 1 }, () => event);
    await assert.rejects(service.ingest(tooMany, { wait: false }), { code: 'REQUEST_TOO_LARGE' });
  });

  test('a label a person sets is applied and audited once, with the reason', async () => {
    audited.length = 0;
    const labels = await service.changeLabel(
      { entity: 'user:svc-u2', label: 'trusted', action: 'add' },
      { actor: 'key:tester', reason: 'known partner' },
    );
    assert.deepEqual(labels, ['trusted']);
    assert.deepEqual(service.entityFacts('user:svc-u2').labels, ['trusted']);
    assert.equal(audited.length, 1);
    assert.deepEqual(
      {
        actor: audited[0]?.actor,
        action: audited[0]?.action,
        subject: audited[0]?.subject,
        reason: audited[0]?.reason,
      },
      { actor: 'key:tester', action: 'label.add', subject: 'user:svc-u2', reason: 'known partner' },
    );
    await assert.rejects(
      service.changeLabel({ entity: 'user:svc-u2', label: 'nope', action: 'add' }, { actor: 'a', reason: 'r' }),
      { code: 'LABEL_UNKNOWN' },
    );
    assert.equal(audited.length, 1, 'a refused label change is not audited');
  });

  test("a rule's precision is confirmed over decided cases, null before any decision", async () => {
    assert.equal(rulePrecision({ confirmed: 0, dismissed: 0 }), null);
    assert.equal(rulePrecision({ confirmed: 3, dismissed: 1 }), 0.75);
    const stats = await service.ruleStats();
    for (const rule of stats.rules) assert.equal(rule.precision, rulePrecision(rule));
    assert.ok(Array.isArray(stats.disabled));
  });

  test('a rules reload is audited, whether it is kept or refused', async () => {
    audited.length = 0;
    const outcome = await service.reloadRules('key:tester');
    assert.equal(outcome.reloaded, true);
    assert.equal(audited.length, 1);
    assert.equal(audited[0]?.action, 'rules.reload');
    assert.equal('nodes' in outcome, false, 'without a bus only this node reloads');
  });

  test('in bus mode the other nodes are asked too, and their answers are returned and audited', async () => {
    const answers = [
      { node: 'worker w1', reloaded: true as const, rules: 4 },
      { node: 'worker w2', reloaded: false as const, error: { code: 'CONFIG_INVALID', message: 'no rules directory' } },
    ];
    let asked = 0;
    const opened = await openEngine(storage.engine, examplePolicy);
    const recorded: AuditAction[] = [];
    const busService = new EngineService(
      {
        ...opened,
        bus: {
          reloadRulesElsewhere: async () => {
            asked++;
            return answers;
          },
        },
      },
      storage.engine,
      { record: async (...actions: AuditAction[]) => void recorded.push(...actions) },
    );
    const outcome = await busService.reloadRules('key:tester');
    assert.equal(asked, 1);
    assert.equal(outcome.reloaded, true);
    assert.deepEqual(outcome.nodes, answers);
    assert.deepEqual(recorded[0]?.detail, { nodes: answers });
  });

  test('registerEngineRoutes is thin: it reaches the engine, the store and the audit log only through the services', async () => {
    const routes = await readFile(new URL('../http/v1/engine-routes.ts', import.meta.url), 'utf8');
    for (const domainCall of ['engine.engine', 'audit.record', 'store.', 'engine.rules', 'EngineError']) {
      assert.equal(routes.includes(domainCall), false, `engine-routes.ts still calls ${domainCall}`);
    }
  });
});
