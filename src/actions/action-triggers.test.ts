import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { actionSecretEnv, privateSession } from '../../test/support/action-rig.js';
import { isEngineError } from '../core/index.js';
import { openEngine } from '../engine/index.js';
import { openStorage, type Storage } from '../storage/index.js';
import { createActionPlanner, parseActionPolicy } from './index.js';

const actionsYaml = `endpoints:
  platform: { url: "http://127.0.0.1:9/hook", secret_env: PREVAIL_ACTION_SECRET_TEST }
actions:
  - name: end_stream
    kind: terminate_stream
    mode: active
    endpoints: [platform]
    on: [typology:private_streaming]
`;

const typologiesYaml = `typologies:
  - name: private_streaming
    description: private live sessions (synthetic test typology)
    subject: user
    window: 1d
    alert_threshold: 20
    case_threshold: 100
    case_priority: high
`;

function rule(effect: string): string {
  return `rules:
  - id: private_session
    description: A private live session started (synthetic test rule)
    events: [session.started]
    when: event.data.visibility == 'private'
    mode: active
    effects:
      - ${effect}
`;
}

describe('what triggers an action', () => {
  let dir: string;
  let storage: Storage;

  async function policy(ruleText: string, actions = actionsYaml) {
    await mkdir(join(dir, 'policy', 'rules'), { recursive: true });
    await writeFile(join(dir, 'policy', 'rules', 'r.yaml'), ruleText);
    await writeFile(join(dir, 'policy', 'typologies.yaml'), typologiesYaml);
    const parsed = parseActionPolicy(actions, { env: actionSecretEnv });
    return openEngine(storage.engine, join(dir, 'policy'), { actions: createActionPlanner(parsed) });
  }

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'prevail-action-triggers-'));
    storage = await openStorage({ dataDir: join(dir, 'data') });
  });

  afterEach(async () => {
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('a rule naming an undeclared action is refused where it is written, with the closest name', async () => {
    await assert.rejects(policy(rule('action: end_strem')), (error) => {
      assert.ok(isEngineError(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /r\.yaml:\d+:\d+: unknown action 'end_strem'/);
      assert.match(error.message, /did you mean 'end_stream'/);
      return true;
    });
  });

  test('an action triggered by an unknown typology is refused', async () => {
    const actions = actionsYaml.replace('typology:private_streaming', 'typology:no_such_typology');
    await assert.rejects(policy(rule('verdict: review'), actions), (error) => {
      assert.ok(isEngineError(error));
      assert.equal(error.code, 'CONFIG_INVALID');
      assert.match(error.message, /^actions\.yaml: an action is triggered by an unknown typology: no_such_typology$/);
      return true;
    });
  });

  test('a typology alert triggers its actions once, when the score crosses the alert threshold', async () => {
    const { engine } = await policy(rule('typology: { name: private_streaming, points: 10 }'));
    for (const n of [1, 2, 3])
      await engine.ingest([privateSession(`evt-ty${n}`, 'host-t', `stream-t${n}`)], { wait: true });
    await engine.close();
    const rows = await storage.outbox.list({ limit: 10 });
    assert.equal(rows.length, 1, 'the second event crosses 20; the third stays above it');
    assert.equal(rows[0]?.eventId, 'evt-ty2');
    assert.equal(rows[0]?.ruleId, null);
    assert.equal(JSON.parse(rows[0]?.bodyJson ?? '{}').typology, 'private_streaming');
  });

  test('an exchange match triggers an action through a rule on the match event', async () => {
    const exchangeRule = `rules:
  - id: exchange_match
    description: A stream frame matched an item an exchange fetched (synthetic test rule)
    events: [media.matched]
    when: event.data.matches.exists(m, has(m.exchange))
    mode: active
    effects:
      - action: end_stream
`;
    const { engine } = await policy(exchangeRule);
    const matched = (id: string, matchData: Record<string, unknown>) => ({
      id,
      type: 'media.matched',
      time: new Date().toISOString(),
      entities: { stream: 'stream-x', user: 'host-x' },
      data: {
        matches: [{ bank: 'FEED_BANK', contentId: 1, signalType: 'vpdq_frame', distance: 0, ...matchData }],
        signals: { pdq: 'f'.repeat(64) },
        source: 'stream',
      },
    });
    await engine.ingest([matched('evt-local', {}), matched('evt-exchange', { exchange: 'NCMEC_FEED' })], {
      wait: true,
    });
    await engine.close();
    const rows = await storage.outbox.list({ limit: 10 });
    assert.deepEqual(
      rows.map((row) => [row.eventId, row.ruleId]),
      [['evt-exchange', 'exchange_match']],
      'only the match of an exchange item asks the platform to act',
    );
  });
});
