/**
 * The review console end to end over HTTP, on the server `prevail demo` runs (real storage, the
 * demo policy, the engine, the evidence vault, the seeded people and cases): a child-safety
 * reviewer signs in with the printed password, claims the next case, reads it, sees the blurred
 * rendition, reveals once (single use), decides with a reason, and the auditor finds every step
 * in the audit log with the reviewer as actor. Then the refusals: another role's queue and case,
 * the wellness lead's aggregate-only view, a write without the CSRF token, the exposure hard stop.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { startDemo } from '../../src/cli/index.js';
import { patternPixels } from '../../src/demo/index.js';
import { demoOptions } from '../support/demo-options.js';
import { laplacianEnergy } from '../support/wellness-rig.js';

interface Session {
  readonly login: string;
  readonly headers: { readonly cookie: string; readonly 'x-csrf-token': string };
}

describe('the review console flow on the seeded demo server', () => {
  let directory: string;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  const sessions = new Map<string, Session>();

  const caseOf = (scenario: string) => demo.seed.cases.find((item) => item.scenario === scenario)?.caseId ?? 0;

  async function call(
    who: string | undefined,
    method: 'GET' | 'POST' | 'PUT',
    url: string,
    payload?: object,
    options: { csrf?: boolean } = {},
  ): Promise<LightMyRequestResponse> {
    const session = who === undefined ? undefined : sessions.get(who);
    const headers: Record<string, string> = {};
    if (session !== undefined) {
      headers.cookie = session.headers.cookie;
      if (options.csrf !== false) headers['x-csrf-token'] = session.headers['x-csrf-token'];
    }
    return demo.server.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
  }

  /** Signs in with the password `prevail demo` printed, as the browser does. */
  async function signIn(login: string): Promise<Session> {
    const password = demo.seed.people.find((person) => person.login === login)?.password;
    assert.ok(password, `the demo printed a password for ${login}`);
    assert.ok(
      demo.lines.some((line) => line.includes(login) && line.includes(password)),
      'the password is the printed one',
    );
    const response = await demo.server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      payload: { login, password },
    });
    assert.equal(response.statusCode, 200, response.body);
    const token = response.cookies.find((cookie) => cookie.name === 'prevail_session')?.value;
    assert.ok(token);
    const session = {
      login,
      headers: { cookie: `prevail_session=${token}`, 'x-csrf-token': response.json().csrfToken as string },
    };
    sessions.set(login, session);
    return session;
  }

  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'prevail-console-flow-'));
    demo = await startDemo(demoOptions(directory));
    for (const login of ['reviewer', 'analyst', 'wellness', 'auditor', 'admin']) await signIn(login);
  });
  after(async () => {
    await demo.server.close();
    await rm(directory, { recursive: true, force: true });
  });

  let claimedCase = 0;
  let mediaId = '';

  test('the reviewer: queues, claim next, the case view, a blurred rendition', async () => {
    const queues = await call('reviewer', 'GET', '/console/api/queues');
    assert.equal(queues.statusCode, 200, queues.body);
    const childSafety = queues.json().queues.find((queue: { name: string }) => queue.name === 'child-safety');
    assert.deepEqual(
      { mayWork: childSafety.mayWork, depth: childSafety.depth },
      { mayWork: true, depth: 3 },
      'the hash match, the stream match and the imminent case',
    );

    const claimed = await call('reviewer', 'POST', '/console/api/queues/child-safety/claim-next');
    assert.equal(claimed.statusCode, 200, claimed.body);
    const item = claimed.json().item;
    assert.equal(item.claimedBy, 'reviewer');
    assert.equal(item.imminent, true, 'imminent harm comes first');
    assert.equal(item.caseId, caseOf('imminent_harm'));
    claimedCase = item.caseId;

    const view = await call('reviewer', 'GET', `/console/api/cases/${claimedCase}`);
    assert.equal(view.statusCode, 200, view.body);
    const body = view.json();
    assert.equal(body.queue, 'child-safety');
    assert.equal(body.traits.imminent, true);
    const match = body.timeline.find((entry: { kind: string }) => entry.kind === 'match');
    assert.ok(match, 'the timeline has the match');
    assert.match(match.summary, /DEMO_IMAGES/);
    assert.equal(body.media.length, 1);
    assert.equal(body.media[0].origin, 'evidence');
    assert.equal(body.media[0].kind, 'image');
    mediaId = body.media[0].id;

    const rendition = await call('reviewer', 'GET', `/console/api/media/${mediaId}/rendition`);
    assert.equal(rendition.statusCode, 200, rendition.body);
    assert.equal(rendition.headers['content-type'], 'image/jpeg');
    assert.match(String(rendition.headers['cache-control']), /no-store/);
    const meta = await sharp(rendition.rawPayload).metadata();
    assert.ok(Math.max(meta.width ?? 0, meta.height ?? 0) <= 320);
    assert.equal(meta.channels, 1, 'greyscale by default');
    // Blurred: the same picture, clear, at the rendition's size and in greyscale, has far more edge energy.
    const clear = await sharp(patternPixels(640, 480, 5), { raw: { width: 640, height: 480, channels: 3 } })
      .resize(meta.width, meta.height)
      .greyscale()
      .jpeg()
      .toBuffer();
    assert.notDeepEqual(rendition.rawPayload, clear);
    assert.ok((await laplacianEnergy(rendition.rawPayload)) < (await laplacianEnergy(clear)) * 0.3, 'blurred');
  });

  test('the reviewer: reveal (audited), the link serves once, then 410; a decision with a reason', async () => {
    const granted = await call('reviewer', 'POST', `/console/api/media/${mediaId}/reveal`, {
      reason: 'classify for the report',
    });
    assert.equal(granted.statusCode, 200, granted.body);
    const { url } = granted.json();
    const first = await call('reviewer', 'GET', url);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.headers['content-type'], 'image/jpeg');
    assert.match(String(first.headers['cache-control']), /no-store/);
    const second = await call('reviewer', 'GET', url);
    assert.equal(second.statusCode, 410);
    assert.equal(second.json().error.code, 'REVEAL_EXPIRED');

    const decided = await call('reviewer', 'POST', `/console/api/cases/${claimedCase}/decision`, {
      action: 'confirm',
      reason: 'matches a banked demo picture (synthetic)',
      classification: 'A1',
    });
    assert.equal(decided.statusCode, 200, decided.body);
    assert.deepEqual(
      { status: decided.json().case.status, decision: decided.json().case.decision },
      { status: 'decided', decision: 'confirmed' },
    );
  });

  test('the auditor sees every step with the reviewer as actor', async () => {
    const audit = await call('auditor', 'GET', '/console/api/audit?after=0&limit=1000');
    assert.equal(audit.statusCode, 200, audit.body);
    const entries = audit.json().entries as { action: string; actor: string; subject: string; reason: string }[];
    const byReviewer = entries.filter((entry) => entry.actor === 'person:reviewer');
    for (const action of ['session.start', 'queue.claim', 'case.view', 'media.reveal', 'case.update'])
      assert.ok(
        byReviewer.some((entry) => entry.action === action),
        `${action} by person:reviewer in ${byReviewer.map((entry) => entry.action).join(', ')}`,
      );
    const update = byReviewer.find((entry) => entry.action === 'case.update');
    assert.equal(update?.subject, `case:${claimedCase}`);
    assert.equal(update?.reason, 'matches a banked demo picture (synthetic)');
    assert.equal(byReviewer.find((entry) => entry.action === 'media.reveal')?.reason, 'classify for the report');
    const forbidden = await call('reviewer', 'GET', '/console/api/audit');
    assert.equal(forbidden.statusCode, 403);
  });

  test('the analyst: refused the child-safety queue and its cases; the payments case shows its typology', async () => {
    const page = await call('analyst', 'GET', '/console/api/queues/child-safety/cases');
    assert.equal(page.statusCode, 403);
    assert.equal(page.json().error.code, 'AUTH_FORBIDDEN');
    const claim = await call('analyst', 'POST', '/console/api/queues/child-safety/claim-next');
    assert.equal(claim.statusCode, 403);
    const view = await call('analyst', 'GET', `/console/api/cases/${caseOf('hash_match')}`);
    assert.equal(view.statusCode, 403);
    assert.equal(view.json().error.code, 'AUTH_FORBIDDEN');

    const payments = await call('analyst', 'GET', `/console/api/cases/${caseOf('payments')}`);
    assert.equal(payments.statusCode, 200, payments.body);
    const body = payments.json();
    assert.equal(body.queue, 'payments');
    assert.equal(body.traits.typology, 'sextortion_victim');
    const score = body.typologyScores.find((item: { typology: string }) => item.typology === 'sextortion_victim');
    assert.ok(score.score >= score.threshold);
    assert.ok(score.reasons.length > 0);
    assert.ok(body.timeline.some((item: { guidance?: string[] }) => item.guidance?.includes('F16')));

    // The demo's filer (its reports.yaml) lets the payments case build both FIU reports.
    for (const format of ['goaml', 'fincen']) {
      const built = await call('analyst', 'POST', `/console/api/cases/${caseOf('payments')}/reports`, { format });
      assert.equal(built.statusCode, 200, built.body);
      const report = built.json();
      assert.deepEqual(report.validation, { ok: true, problems: [] }, `${format}: ${built.body}`);
      assert.match(report.xml, /^<\?xml/);
      assert.match(report.xml, /Demo Example Remit Inc|DEMO01/);
    }
  });

  test('the wellness lead: no cases, no media; the aggregate', async () => {
    assert.equal((await call('wellness', 'GET', `/console/api/cases/${caseOf('stream_match')}`)).statusCode, 403);
    assert.equal((await call('wellness', 'GET', `/console/api/media/${mediaId}/rendition`)).statusCode, 403);
    assert.equal((await call('wellness', 'GET', '/console/api/queues')).statusCode, 403);
    const aggregate = await call('wellness', 'GET', '/console/api/wellness/aggregate?days=7');
    assert.equal(aggregate.statusCode, 200, aggregate.body);
    assert.ok(!aggregate.body.includes('reviewer'), 'never who');
    assert.ok(!aggregate.body.includes(mediaId), 'never media');
  });

  test('a write without the CSRF token is refused', async () => {
    const response = await call(
      'reviewer',
      'POST',
      `/console/api/cases/${caseOf('stream_match')}/comments`,
      { text: 'no token' },
      { csrf: false },
    );
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'CSRF_REJECTED');
    const wrong = await demo.server.app.inject({
      method: 'POST',
      url: '/console/api/queues/child-safety/claim-next',
      headers: { cookie: sessions.get('reviewer')?.headers.cookie ?? '', 'x-csrf-token': 'not-the-token' },
    });
    assert.equal(wrong.json().error.code, 'CSRF_REJECTED');
  });

  test('the exposure hard stop: limits set low by the admin, the next reveal is 429 EXPOSURE_LIMIT', async () => {
    assert.equal(
      (
        await call('reviewer', 'PUT', '/console/api/wellness/defaults', {
          limits: { itemsPerDay: { warn: 1, stop: 1 } },
        })
      ).statusCode,
      403,
    );
    const defaults = await call('admin', 'PUT', '/console/api/wellness/defaults', {
      limits: { itemsPerDay: { warn: 1, stop: 1 } },
    });
    assert.equal(defaults.statusCode, 200, defaults.body);
    const exposure = await call('reviewer', 'GET', '/console/api/wellness/exposure');
    assert.equal(exposure.json().status, 'stop');
    const view = await call('reviewer', 'GET', `/console/api/cases/${caseOf('stream_match')}`);
    assert.equal(view.statusCode, 200, view.body);
    const streamMedia = view.json().media[0].id;
    const stopped = await call('reviewer', 'POST', `/console/api/media/${streamMedia}/reveal`, { reason: 'classify' });
    assert.equal(stopped.statusCode, 429, stopped.body);
    assert.equal(stopped.json().error.code, 'EXPOSURE_LIMIT');
    // Renditions stay available: the stop limits clear views, not the work.
    assert.equal((await call('reviewer', 'GET', `/console/api/media/${streamMedia}/rendition`)).statusCode, 200);
  });

  test('hostile input to every console route of /openapi.json (and the media and wellness routes) as a signed-in person: never a 5xx', {
    timeout: 120_000,
  }, async () => {
    const openapi = (await demo.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
    };
    interface Schema {
      properties?: Record<string, unknown>;
    }
    const routes: { method: string; path: string; keys: string[] }[] = [];
    for (const [path, operations] of Object.entries(openapi.paths)) {
      if (!path.startsWith('/console/')) continue;
      for (const [method, operation] of Object.entries(operations)) {
        const schema = operation.requestBody?.content?.['application/json']?.schema;
        routes.push({ method: method.toUpperCase(), path, keys: Object.keys(schema?.properties ?? {}) });
      }
    }
    assert.ok(routes.length >= 20, `${routes.length} console routes in /openapi.json`);
    for (const [method, path, keys] of [
      ['GET', '/console/api/media/{id}/rendition', []],
      ['POST', '/console/api/media/{id}/reveal', ['reason']],
      ['GET', '/console/api/media/reveal/{token}', []],
      ['GET', '/console/api/wellness/preferences', []],
      ['PUT', '/console/api/wellness/preferences', ['blurSigma', 'greyscale', 'warningScreens', 'renditionSize']],
      ['PUT', '/console/api/wellness/defaults', ['limits', 'revealSeconds', 'blurSigma']],
      ['GET', '/console/api/wellness/exposure', []],
      ['GET', '/console/api/wellness/aggregate', []],
    ] as const)
      routes.push({ method, path, keys: [...keys] });

    const deep = JSON.parse(`${'['.repeat(200)}${']'.repeat(200)}`);
    const values: unknown[] = [
      null,
      '',
      ' ',
      'x'.repeat(70_000),
      '\u202e\u0000\ud800',
      -1,
      0,
      1e308,
      2 ** 53 + 1,
      true,
      [],
      {},
      { __proto__: { admin: true } },
      deep,
    ];
    const segments = ['0', '-1', '1.5', 'abc', '9'.repeat(40), '%00', '..%2F..%2Fetc', 'a'.repeat(300), '%E2%80%AE'];
    const queries = [
      '',
      '?limit=-1',
      '?limit=1e999',
      '?after=abc&limit=0',
      '?days=99999',
      '?frame=-3',
      '?x[__proto__]=1',
    ];
    const failures: string[] = [];
    let sent = 0;
    for (const who of ['reviewer', 'admin']) {
      for (const route of routes) {
        if (route.method === 'DELETE') continue; // signing out is covered by the session tests
        const urls = segments.map((segment) => route.path.replace(/\{[^}]+\}/g, segment));
        urls.push(
          ...queries.map((query) => `${route.path.replace(/\{[^}]+\}/g, String(caseOf('stream_match')))}${query}`),
        );
        const bodies: (string | undefined)[] = [undefined];
        if (route.method !== 'GET') {
          bodies.push('{', 'null', '[]', '"x"', JSON.stringify(deep), '{"__proto__":{"x":1}}');
          for (const key of route.keys) for (const value of values) bodies.push(JSON.stringify({ [key]: value }));
        }
        for (const url of urls) {
          for (const body of route.method === 'GET' ? [undefined] : bodies.slice(0, url === urls[0] ? undefined : 4)) {
            const session = sessions.get(who);
            const response = await demo.server.app.inject({
              method: route.method as 'GET' | 'POST' | 'PUT',
              url,
              headers: {
                cookie: session?.headers.cookie ?? '',
                'x-csrf-token': session?.headers['x-csrf-token'] ?? '',
                ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
              },
              ...(body !== undefined ? { payload: body } : {}),
            });
            sent += 1;
            if (response.statusCode >= 500)
              failures.push(
                `${who} ${route.method} ${url.slice(0, 120)} ${String(body).slice(0, 80)} → ${response.statusCode} ${response.body.slice(0, 200)}`,
              );
          }
        }
      }
    }
    assert.ok(sent > 500, `${sent} requests`);
    assert.deepEqual(failures, []);
  });
});
