import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestServer } from '../support/server-harness.js';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const password = 'a long enough password';

/**
 * Hostile input at the console's sign-in and session edges: every one is a coded 4xx (never a
 * 500, never a session), nothing hostile is echoed or stored, and an API key is no way in.
 */
describe('hostile input: console sign-in and sessions', () => {
  let server: Server;
  let cookie: string;
  let csrf: string;

  before(async () => {
    server = await startTestServer();
    await server.services.people.create({ login: 'root', password, roles: ['admin'] }, { actor: 'cli:test' });
    const response = await server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      payload: { login: 'root', password },
    });
    const set = response.cookies.find((item) => item.name === 'prevail_session');
    cookie = `prevail_session=${set?.value}`;
    csrf = response.json().csrfToken;
  });
  after(() => server.close());

  const signIn = (payload: unknown, headers: Record<string, string> = {}) =>
    server.app.inject({
      method: 'POST',
      url: '/console/api/session',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  test('sign-in bodies of the wrong shape are REQUEST_INVALID; odd logins are AUTH_INVALID; no cookie ever', async () => {
    const cases: [unknown, string][] = [
      [{ login: 'x'.repeat(1_000_000), password }, 'REQUEST_INVALID'],
      [{ login: 'root', password: 'p'.repeat(100_000) }, 'REQUEST_INVALID'],
      [{ login: 42, password }, 'REQUEST_INVALID'],
      [{ login: ['root'], password }, 'REQUEST_INVALID'],
      [{ login: { $ne: null }, password: { $ne: null } }, 'REQUEST_INVALID'],
      [{ login: null, password: null }, 'REQUEST_INVALID'],
      [{ login: 'root', password: true }, 'REQUEST_INVALID'],
      [{ login: 'root' }, 'REQUEST_INVALID'],
      [{ login: 'root', password, admin: true }, 'REQUEST_INVALID'],
      [[], 'REQUEST_INVALID'],
      ['{"login":', 'REQUEST_INVALID'],
      ['', 'REQUEST_INVALID'],
      [{ login: 'ro\u0000ot', password }, 'AUTH_INVALID'],
      [{ login: 'root', password: `${password}\u0000` }, 'AUTH_INVALID'],
      [{ login: 'rööt', password }, 'AUTH_INVALID'],
      [{ login: 'ROOT', password }, 'AUTH_INVALID'],
      [{ login: ' root', password }, 'AUTH_INVALID'],
      [{ login: '\ud800', password }, 'AUTH_INVALID'],
      [{ login: "root' OR '1'='1", password: "' OR '1'='1" }, 'AUTH_INVALID'],
    ];
    for (const [payload, code] of cases) {
      const response = await signIn(payload);
      const shown = JSON.stringify(payload).slice(0, 60);
      assert.equal(response.json().error?.code, code, shown);
      assert.ok(response.statusCode >= 400 && response.statusCode < 500, shown);
      assert.equal(response.cookies.length, 0, shown);
      assert.ok(!response.body.includes('x'.repeat(1000)), 'a huge login is never echoed');
    }
    const refused = (await server.services.storage.engine.audit.page(0, 10_000)).filter(
      (entry) => entry.action === 'session.refused',
    );
    assert.ok(!JSON.stringify(refused).includes(password), 'a password is never audited');
    assert.ok(refused.some((entry) => entry.subject === 'person:(invalid login)'));
  });

  test('forged, oversized and odd cookies are 401 AUTH_REQUIRED, never a 500', async () => {
    const cookies = [
      'prevail_session=',
      `prevail_session=${'A'.repeat(10_000)}`,
      'prevail_session=%00%00',
      'prevail_session="quoted"',
      `prevail_session=${'é'.repeat(43)}`,
      'prevail_session=a; prevail_session=b',
      `other=${cookie.split('=')[1]}`,
      cookie.toUpperCase(),
      `${cookie}x`,
    ];
    for (const value of cookies) {
      const response = await server.app.inject({
        method: 'GET',
        url: '/console/api/session',
        headers: { cookie: value },
      });
      assert.equal(response.statusCode, 401, value.slice(0, 40));
      assert.equal(response.json().error.code, 'AUTH_REQUIRED');
    }
    const key = await server.app.inject({
      method: 'GET',
      url: '/console/api/people',
      headers: { authorization: 'Bearer prv_anything' },
    });
    assert.equal(key.json().error.code, 'AUTH_REQUIRED', 'an API key is no console session');
  });

  test('CSRF tokens that are almost right, repeated or of the wrong length are refused', async () => {
    const url = '/console/api/people/root/opt-in';
    const payload = { optIn: false, reason: 'hostile test' };
    for (const token of [
      '',
      csrf.slice(1),
      `${csrf} `,
      csrf.toUpperCase(),
      `${csrf},${csrf}`,
      'é'.repeat(43),
      '\u0000',
    ]) {
      const response = await server.app.inject({
        method: 'POST',
        url,
        headers: { cookie, 'x-csrf-token': token },
        payload,
      });
      assert.equal(response.statusCode, 403, JSON.stringify(token));
      assert.equal(response.json().error.code, 'CSRF_REJECTED');
    }
    const inQuery = await server.app.inject({
      method: 'POST',
      url: `${url}?x-csrf-token=${csrf}`,
      headers: { cookie },
      payload,
    });
    assert.equal(inQuery.json().error.code, 'CSRF_REJECTED', 'only the header counts');
  });

  test('people routes: hostile logins, names, roles and types', async () => {
    const headers = { cookie, 'x-csrf-token': csrf };
    const create = (payload: unknown) =>
      server.app.inject({ method: 'POST', url: '/console/api/people', headers, payload: payload as object });
    for (const [payload, code] of [
      [{ login: 'a'.repeat(65), password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'nul\u0000', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ünï', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: '../root', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ok', displayName: 'a\u0000b', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ok', displayName: '   ', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ok', password: `${'\u0000'.repeat(12)}`, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ok', password: 'elevenchars', roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ok', password, roles: ['root'] }, 'REQUEST_INVALID'],
      [{ login: 'ok', password, roles: 'admin' }, 'REQUEST_INVALID'],
      [{ login: 'ok', password, roles: Array(100).fill('admin') }, 'REQUEST_INVALID'],
      [{ login: 7, password, roles: [] }, 'REQUEST_INVALID'],
      [{ login: 'root', password, roles: [] }, 'PERSON_ALREADY_EXISTS'],
    ] as const) {
      const response = await create(payload);
      assert.equal(response.json().error?.code, code, JSON.stringify(payload).slice(0, 80));
    }
    assert.deepEqual(
      (await server.services.people.list()).map((person) => person.login),
      ['root'],
    );
    for (const login of ['%00', 'x'.repeat(300), '%F0%9F%98%80', '..%2Froot', 'ROOT']) {
      const response = await server.app.inject({
        method: 'POST',
        url: `/console/api/people/${login}/opt-in`,
        headers,
        payload: { optIn: true, reason: 'hostile' },
      });
      assert.ok([400, 404, 414].includes(response.statusCode), `${login}: ${response.statusCode}`);
    }
    for (const payload of [
      { optIn: 'true', reason: 'x' },
      { optIn: 1, reason: 'x' },
      { optIn: true, reason: 42 },
      { optIn: true },
    ]) {
      const response = await server.app.inject({
        method: 'POST',
        url: '/console/api/people/root/opt-in',
        headers,
        payload,
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
    }
  });
});
