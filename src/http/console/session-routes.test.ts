import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { signInAs } from '../../../test/support/console-session.js';
import { startTestServer } from '../../../test/support/server-harness.js';
import { createServices } from '../../app/index.js';
import { defaultMaxPixels } from '../../content/index.js';
import { httpDependencies } from '../../main.js';
import { OidcSignOn, oidcConfiguration } from '../../people/index.js';
import { buildHttpServer } from '../index.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const password = 'a long enough password';

/** The `name=value` of the session cookie a response sets. */
function sessionCookie(response: LightMyRequestResponse): string {
  const cookie = response.cookies.find((item) => item.name === 'prevail_session');
  assert.ok(cookie, 'the response sets prevail_session');
  return `prevail_session=${cookie.value}`;
}

describe('console sessions and people over HTTP', () => {
  let server: Server;

  before(async () => {
    server = await startTestServer();
    const people = server.services.people;
    await people.create({ login: 'root', displayName: 'Root', password, roles: ['admin'] }, { actor: 'cli:test' });
    await people.create({ login: 'pat', password, roles: ['payments_analyst'] }, { actor: 'cli:test' });
    await people.create({ login: 'cs', password, roles: ['child_safety_reviewer'] }, { actor: 'cli:test' });
    await people.create({ login: 'locked', password, roles: ['auditor'] }, { actor: 'cli:test' });
  });
  after(() => server.close());

  async function signIn(login: string) {
    const response = await server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      payload: { login, password },
    });
    assert.equal(response.statusCode, 200, response.body);
    return { cookie: sessionCookie(response), csrf: response.json().csrfToken as string, response };
  }

  test('signing in sets a strict HttpOnly cookie and answers the person, permissions and CSRF token', async () => {
    const { response, cookie, csrf } = await signIn('pat');
    const set = response.cookies.find((item) => item.name === 'prevail_session');
    assert.equal(set?.httpOnly, true);
    assert.equal(set?.sameSite, 'Strict');
    assert.equal(set?.path, '/console');
    assert.equal(set?.secure, undefined, 'not Secure over plain HTTP (the local demo)');
    assert.match(set?.value ?? '', /^[A-Za-z0-9_-]{43}$/);
    const body = response.json();
    assert.equal(body.person.login, 'pat');
    assert.deepEqual(body.permissions, ['cases.review', 'dashboards.view', 'queues.work', 'reports.build']);
    assert.equal(body.childSafety, false);
    assert.match(csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.ok(!JSON.stringify(body).includes(set?.value ?? '-'), 'the token is only in the cookie');

    const again = await server.app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } });
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), body);
  });

  test('a wrong password and an unknown login get the same 401, and no cookie', async () => {
    const wrong = await server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      payload: { login: 'root', password: 'not the password' },
    });
    const unknown = await server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      payload: { login: 'nobody', password },
    });
    for (const response of [wrong, unknown]) {
      assert.equal(response.statusCode, 401);
      assert.equal(response.json().error.code, 'AUTH_INVALID');
      assert.equal(response.cookies.length, 0);
    }
    assert.equal(wrong.json().error.message, unknown.json().error.message);
  });

  test('without a session: 401 AUTH_REQUIRED', async () => {
    for (const cookie of [undefined, 'prevail_session=nonsense', `prevail_session=${'A'.repeat(43)}`]) {
      const response = await server.app.inject({
        method: 'GET',
        url: '/console/api/session',
        ...(cookie === undefined ? {} : { headers: { cookie } }),
      });
      assert.equal(response.statusCode, 401, String(cookie));
      assert.equal(response.json().error.code, 'AUTH_REQUIRED');
    }
  });

  test('writes need the CSRF token: none or a wrong one is 403 CSRF_REJECTED and changes nothing', async () => {
    const { cookie, csrf } = await signIn('cs');
    const url = '/console/api/people/cs/opt-in';
    const payload = { optIn: true, reason: 'trained and consenting' };
    const missing = await server.app.inject({ method: 'POST', url, headers: { cookie }, payload });
    assert.equal(missing.statusCode, 403);
    assert.equal(missing.json().error.code, 'CSRF_REJECTED');
    const wrong = await server.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'x-csrf-token': `${csrf.slice(0, -1)}x` },
      payload,
    });
    assert.equal(wrong.json().error.code, 'CSRF_REJECTED');
    assert.equal((await server.services.people.get('cs')).childSafetyOptInAt, null);

    const done = await server.app.inject({ method: 'POST', url, headers: { cookie, 'x-csrf-token': csrf }, payload });
    assert.equal(done.statusCode, 200, done.body);
    assert.notEqual(done.json().person.childSafetyOptInAt, null);
    const session = await server.app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } });
    assert.equal(session.json().childSafety, true);
    const entries = await server.services.storage.engine.audit.page(0, 1000);
    const optIn = entries.find((entry) => entry.action === 'person.opt_in');
    assert.equal(optIn?.actor, 'person:cs');
    assert.equal(optIn?.reason, 'trained and consenting');
  });

  test("permissions: someone else's opt-in and the people list need people.manage", async () => {
    const pat = await signIn('pat');
    const others = await server.app.inject({
      method: 'POST',
      url: '/console/api/people/cs/opt-in',
      headers: { cookie: pat.cookie, 'x-csrf-token': pat.csrf },
      payload: { optIn: false, reason: 'not mine to change' },
    });
    assert.equal(others.statusCode, 403);
    assert.equal(others.json().error.code, 'AUTH_FORBIDDEN');
    const list = await server.app.inject({
      method: 'GET',
      url: '/console/api/people',
      headers: { cookie: pat.cookie },
    });
    assert.equal(list.statusCode, 403);
    assert.equal(list.json().error.code, 'AUTH_FORBIDDEN');

    const root = await signIn('root');
    const people = await server.app.inject({
      method: 'GET',
      url: '/console/api/people',
      headers: { cookie: root.cookie },
    });
    assert.equal(people.statusCode, 200);
    assert.ok(people.json().people.some((person: { login: string }) => person.login === 'pat'));
    assert.ok(!people.body.includes('scrypt'), 'password hashes never leave the server');
    const created = await server.app.inject({
      method: 'POST',
      url: '/console/api/people',
      headers: { cookie: root.cookie, 'x-csrf-token': root.csrf },
      payload: { login: 'wendy', displayName: 'Wendy', password, roles: ['wellness_lead'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const entries = await server.services.storage.engine.audit.page(0, 1000);
    assert.equal(entries.find((entry) => entry.subject === 'person:wendy')?.actor, 'person:root');
    const short = await server.app.inject({
      method: 'POST',
      url: '/console/api/people',
      headers: { cookie: root.cookie, 'x-csrf-token': root.csrf },
      payload: { login: 'short', password: 'too short', roles: [] },
    });
    assert.equal(short.json().error.code, 'PERSON_INVALID');
    const reasonless = await server.app.inject({
      method: 'POST',
      url: '/console/api/people/cs/opt-in',
      headers: { cookie: root.cookie, 'x-csrf-token': root.csrf },
      payload: { optIn: false, reason: '  ' },
    });
    assert.equal(reasonless.json().error.code, 'REASON_REQUIRED');
  });

  test('signing out ends the session and clears the cookie; it needs the CSRF token too', async () => {
    const { cookie, csrf } = await signIn('root');
    const forged = await server.app.inject({ method: 'DELETE', url: '/console/api/session', headers: { cookie } });
    assert.equal(forged.json().error.code, 'CSRF_REJECTED');
    const out = await server.app.inject({
      method: 'DELETE',
      url: '/console/api/session',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    assert.equal(out.statusCode, 204);
    const cleared = out.cookies.find((item) => item.name === 'prevail_session');
    assert.equal(cleared?.value, '');
    const after = await server.app.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } });
    assert.equal(after.statusCode, 401);
  });

  test('five failed sign-ins lock the login: 429 AUTH_THROTTLED with Retry-After', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/console/api/session',
        payload: { login: 'locked', password: 'wrong password here' },
      });
      assert.equal(response.statusCode, 401);
    }
    const locked = await server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      payload: { login: 'locked', password },
    });
    assert.equal(locked.statusCode, 429);
    assert.equal(locked.json().error.code, 'AUTH_THROTTLED');
    assert.equal(locked.headers['retry-after'], '30');
  });

  test('a cross-site page cannot sign anyone in (the site guard runs before the anonymous route)', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      headers: { origin: 'https://evil.example' },
      payload: { login: 'root', password },
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.json().error.code, 'ORIGIN_FORBIDDEN');
  });

  test('the signInAs test helper: an opted-in child-safety reviewer may work child-safety material', async () => {
    const session = await signInAs(server.app, server.services.people, 'helper-cs', ['child_safety_reviewer'], {
      childSafetyOptIn: true,
    });
    const response = await server.app.inject({ method: 'GET', url: '/console/api/session', headers: session.headers });
    assert.equal(response.json().childSafety, true);
    assert.ok(response.json().permissions.includes('media.reveal'));
  });

  test('single sign-on routes are 404 ROUTE_NOT_FOUND without the OIDC settings (the sign-in methods say so); console routes are in OpenAPI', async () => {
    for (const url of ['/console/api/auth/oidc/start', '/console/api/auth/oidc/callback?code=x&state=y']) {
      const response = await server.app.inject({ method: 'GET', url });
      assert.equal(response.statusCode, 404);
      assert.equal(response.json().error.code, 'ROUTE_NOT_FOUND');
    }
    const methods = await server.app.inject({ method: 'GET', url: '/console/api/auth/methods' });
    assert.equal(methods.statusCode, 200, 'the login page asks without a session');
    assert.deepEqual(methods.json(), { password: true, oidc: false });
    const spec = (await server.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    assert.ok(spec.paths['/console/api/session']?.post?.tags?.includes('console'));
  });
});

describe('console single sign-on over HTTP', () => {
  test('start redirects to the provider and keeps state and verifier in a short-lived HttpOnly cookie', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'prevail-oidc-'));
    const services = await createServices({ dataDir }, { loadIndexes: false });
    const settings = {
      issuer: 'https://idp.example.org',
      clientId: 'prevail-console',
      clientSecret: 'not-a-real-secret',
      redirectUrl: 'http://127.0.0.1:5100/console/api/auth/oidc/callback',
    };
    const configuration = oidcConfiguration(
      {
        issuer: settings.issuer,
        authorization_endpoint: 'https://idp.example.org/authorize',
        token_endpoint: 'https://idp.example.org/token',
      },
      settings,
    );
    const app = await buildHttpServer({
      ...httpDependencies(services, {
        hmaAccess: 'open',
        maxUploadBytes: 1024 * 1024,
        fetchPolicy: { maxBytes: 1024, timeoutMs: 1000, allowedHosts: [], allowPrivateAddresses: false },
        decode: { maxPixels: defaultMaxPixels },
        hashing: { workers: 1 },
      }),
      oidc: new OidcSignOn(settings, configuration),
    });
    try {
      const methods = await app.inject({ method: 'GET', url: '/console/api/auth/methods' });
      assert.deepEqual(methods.json(), { password: true, oidc: true }, 'the login page offers single sign-on');
      const start = await app.inject({ method: 'GET', url: '/console/api/auth/oidc/start' });
      assert.equal(start.statusCode, 302);
      const location = new URL(String(start.headers.location));
      assert.equal(location.origin, 'https://idp.example.org');
      assert.equal(location.searchParams.get('code_challenge_method'), 'S256');
      const pending = start.cookies.find((item) => item.name === 'prevail_oidc');
      assert.equal(pending?.httpOnly, true);
      assert.equal(pending?.path, '/console/api/auth/oidc');
      assert.equal(pending?.maxAge, 600);
      assert.equal(pending?.value.split('.')[0], location.searchParams.get('state'));

      const noCookie = await app.inject({ method: 'GET', url: '/console/api/auth/oidc/callback?code=x&state=y' });
      assert.equal(noCookie.statusCode, 401);
      assert.equal(noCookie.json().error.code, 'OIDC_FAILED');
      const wrongState = await app.inject({
        method: 'GET',
        url: '/console/api/auth/oidc/callback?code=x&state=not-it',
        headers: { cookie: `prevail_oidc=${pending?.value}` },
      });
      assert.equal(wrongState.json().error.code, 'OIDC_FAILED');
      assert.equal(
        wrongState.cookies.find((item) => item.name === 'prevail_session'),
        undefined,
      );
    } finally {
      await app.close();
      await services.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
