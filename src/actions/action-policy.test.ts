import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import { isEngineError } from '../core/index.js';
import { createActionPlanner, natsSubject, parseActionPolicy } from './index.js';

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

  test('nats, sse and ed25519 endpoints: good ones are read; hostile subjects, streams, keys and triggers are refused', () => {
    const { privateKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const der = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
    const keys = {
      ...env,
      PREVAIL_ACTION_SECRET_ED_PEM: pem.replaceAll('\n', '\\n'),
      PREVAIL_ACTION_SECRET_ED_DER: der,
      PREVAIL_ACTION_SECRET_ED_BAD: 'not a key at all, just sixteen+ bytes',
    };
    const policy = parseActionPolicy(
      `endpoints:
  bus: { kind: nats, subject: "prevail.actions.{{kind}}.{{action}}", stream: PREVAIL_ACTIONS }
  feed: { kind: sse }
  signed_pem: { url: "https://x.example/a", secret_env: PREVAIL_ACTION_SECRET_ED_PEM, signature: ed25519 }
  signed_der: { kind: webhook, url: "https://x.example/b", secret_env: PREVAIL_ACTION_SECRET_ED_DER, signature: ed25519 }
actions:
  - { name: a, kind: "custom:x", mode: active, endpoints: [bus, feed, signed_pem, signed_der] }
`,
      { env: keys, natsServers: 'nats://127.0.0.1:4222' },
    );
    assert.equal(policy.endpoints.get('bus')?.kind, 'nats');
    assert.equal(natsSubject('prevail.actions.{{kind}}.{{action}}', 'custom:x', 'a'), 'prevail.actions.custom_x.a');
    for (const name of ['signed_pem', 'signed_der']) {
      const endpoint = policy.endpoints.get(name);
      assert.equal(endpoint?.kind === 'webhook' ? endpoint.signing.scheme : undefined, 'ed25519');
    }
    const statuses = createActionPlanner(policy)
      .plan({
        action: 'a',
        eventId: 'e',
        eventType: 't',
        time: '2026-01-01T00:00:00.000Z',
        ruleId: 'r',
        typology: null,
        subject: null,
        entities: {},
        reasons: [],
      })
      .map((row) => [row.endpoint, row.status]);
    assert.deepEqual(statuses, [
      ['bus', 'pending'],
      ['feed', 'stream'],
      ['signed_pem', 'pending'],
      ['signed_der', 'pending'],
    ]);

    const nats = (subject: string, stream = 'S') =>
      problems(
        `endpoints:\n  bus: { kind: nats, subject: ${JSON.stringify(subject)}, stream: ${JSON.stringify(stream)} }\n`,
        {
          env,
          natsServers: 'nats://127.0.0.1:4222',
        },
      );
    for (const subject of [
      'prevail.>',
      'prevail.*',
      'prevail..x',
      '.prevail',
      'prevail actions',
      'prevail.{{kind}}x',
      'prevail.{{event.id}}',
      'prevail.\u0000',
      'prevail.é',
      'a.'.repeat(20) + 'a',
      '',
    ])
      assert.match(nats(subject), /endpoints\.bus\.subject/, subject);
    assert.match(nats('x'.repeat(300)), /endpoints\.bus\.subject/);
    for (const stream of ['a b', 'a.b', 'x'.repeat(65), '', '*'])
      assert.match(nats('prevail.x', stream), /endpoints\.bus\.stream/, stream);
    assert.match(
      problems('endpoints: { bus: { kind: nats, subject: prevail.x, stream: S } }'),
      /a nats endpoint needs PREVAIL_ACTIONS_NATS_URL/,
    );
    assert.match(problems('endpoints: { bus: { kind: carrier_pigeon } }'), /endpoints\.bus/);
    assert.match(problems('endpoints: { feed: { kind: sse, url: "https://x.example" } }'), /endpoints\.feed/);
    assert.match(
      problems(
        'endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_ED_BAD, signature: ed25519 } }',
        { env: keys },
      ),
      /PREVAIL_ACTION_SECRET_ED_BAD must hold an Ed25519 private key/,
    );
    assert.match(
      problems(
        'endpoints: { p: { url: "https://x.example", secret_env: PREVAIL_ACTION_SECRET_PLATFORM, signature: rsa } }',
      ),
      /endpoints\.p\.signature/,
    );
    const decision =
      'endpoints: { feed: { kind: sse } }\nactions: [{ name: a, kind: restrict_account, endpoints: [feed], on: [decision:confirm] }]';
    assert.deepEqual(createActionPlanner(parseActionPolicy(decision, { env })).forDecision('confirm'), ['a']);
    assert.match(
      problems(
        'endpoints: { feed: { kind: sse } }\nactions: [{ name: a, kind: warn_user, endpoints: [feed], on: [decision:delete] }]',
      ),
      /actions\.0\.on\.0/,
    );
  });
});
