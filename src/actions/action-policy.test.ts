import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { createActionPlanner, parseActionPolicy } from './index.js';

const env = { PREVAIL_ACTION_SECRET_PLATFORM: 'test-only-secret-0123456789abcdef' };

const good = `endpoints:
  platform: { url: https://platform.example/prevail, secret_env: PREVAIL_ACTION_SECRET_PLATFORM }
actions:
  - name: hold_it
    kind: hold_payment
    mode: active
    endpoints: [platform]
    on: [typology:sextortion_payment]
    payload:
      account: "{{entities.payment_account}}"
      why: "{{reasons}}"
      note: "{{rule}} on {{event.id}}"
      flags: [1, true]
  - name: tell_partner
    kind: custom:partner_notice
    endpoints: [platform]
`;

/** The CONFIG_INVALID message of parsing `text`, failing the test when it parses. */
function problems(text: string, options: Parameters<typeof parseActionPolicy>[1] = { env }): string {
  try {
    parseActionPolicy(text, options);
  } catch (error) {
    assert.ok(isEngineError(error));
    assert.equal(error.code, 'CONFIG_INVALID');
    return error.message;
  }
  assert.fail('the file was accepted');
}

describe('actions.yaml', () => {
  test('a good file declares its actions and endpoints; mode defaults to shadow', () => {
    const policy = parseActionPolicy(good, { env, typologies: ['sextortion_payment'] });
    assert.equal(policy.actions.get('hold_it')?.mode, 'active');
    assert.equal(policy.actions.get('tell_partner')?.mode, 'shadow');
    const platform = policy.endpoints.get('platform');
    assert.equal(platform?.kind === 'webhook' ? platform.timeoutMs : undefined, 5000);
    const planner = createActionPlanner(policy);
    assert.deepEqual(planner.forTypology('sextortion_payment'), ['hold_it']);
    const [row] = planner.plan({
      action: 'hold_it',
      eventId: 'e1',
      eventType: 'payment.sent',
      time: '2026-01-01T00:00:00.000Z',
      ruleId: 'r1',
      typology: null,
      subject: 'payment_account:pa-1',
      entities: { payment_account: 'pa-1' },
      reasons: ['one', 'two'],
    });
    assert.deepEqual(JSON.parse(row?.bodyJson ?? '{}').payload, {
      account: 'pa-1',
      why: ['one', 'two'],
      note: 'r1 on e1',
      flags: ['1', 'true'],
    });
  });

  test('every problem is reported with the file and the path of the value', () => {
    const message = problems(
      `endpoints:
  platform: { url: "file:///etc/passwd", secret_env: PREVAIL_ACTION_SECRET_MISSING }
  creds: { url: "https://user:pw@platform.example/", secret_env: PREVAIL_ACTION_SECRET_PLATFORM }
actions:
  - name: a
    kind: hold_payment
    endpoints: [nowhere]
    on: [typology:unknown_one]
    payload: { image: "{{event.data.image}}", deep: "{{ constructor }}" }
  - name: a
    kind: hold_payment
    endpoints: [platform]
`,
      { env, typologies: [] },
    );
    for (const expected of [
      'actions.yaml:endpoints.platform.url: a webhook URL is http(s), not file:',
      'actions.yaml:endpoints.platform.secret_env: PREVAIL_ACTION_SECRET_MISSING must hold a secret of at least 16 bytes',
      'actions.yaml:endpoints.creds.url: a webhook URL carries no credentials',
      "actions.yaml:actions.0.endpoints.0: unknown endpoint 'nowhere'",
      "actions.yaml:actions.0.on.0: unknown typology 'unknown_one'",
      "actions.yaml:actions.0.payload.image: unknown placeholder '{{event.data.image}}'",
      "actions.yaml:actions.0.payload.deep: unknown placeholder '{{constructor}}'",
      "actions.yaml:actions.1.name: action 'a' is declared twice",
    ])
      assert.ok(message.includes(expected), `missing «${expected}» in:\n${message}`);
  });

  test('hostile files are refused with CONFIG_INVALID: unknown keys and kinds, aliases, depth, size, odd keys, short secrets', () => {
    assert.match(problems('actions: [{ name: a, kind: nuke_everything, endpoints: [] }]'), /actions\.0\.kind/);
    assert.match(problems('actions: [{ name: Bad-Name, kind: warn_user, endpoints: [p] }]'), /actions\.0\.name/);
    assert.match(problems('action: []'), /actions\.yaml:\(file\)/);
    assert.match(
      problems(
        'endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_PLATFORM, secret: inline } }',
      ),
      /endpoints\.p/,
    );
    assert.match(
      problems('endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_SHORT } }', {
        env: { PREVAIL_ACTION_SECRET_SHORT: 'short' },
      }),
      /PREVAIL_ACTION_SECRET_SHORT must hold a secret of at least 16 bytes/,
    );
    const aliases = `endpoints:\n  p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_PLATFORM }\nlist: &a [x, x]\nactions: [{ name: a, kind: warn_user, endpoints: [p], payload: { x: *a } }]\n`;
    assert.match(problems(aliases), /actions\.yaml/);
    const deep = `${'{ a: '.repeat(12)}"x"${' }'.repeat(12)}`;
    assert.match(
      problems(
        `endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_PLATFORM } }\nactions: [{ name: a, kind: warn_user, endpoints: [p], payload: ${deep} }]`,
      ),
      /at most 8 levels deep/,
    );
    assert.match(
      problems(
        `endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_PLATFORM } }\nactions: [{ name: a, kind: warn_user, endpoints: [p], payload: { __proto__: x } }]`,
      ),
      /payload key '__proto__' is not allowed/,
    );
    assert.match(problems(`# ${'x'.repeat(300 * 1024)}`), /larger than 262144 bytes/);
    assert.match(problems('actions: [\n'), /actions\.yaml:\d+:\d+:/);
    assert.match(
      problems('endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_PLATFORM }, p: {} }'),
      /actions\.yaml:\d+:\d+:/,
    );
  });
});
