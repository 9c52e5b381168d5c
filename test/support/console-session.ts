import type { FastifyInstance } from 'fastify';
import type { PeopleService, Role } from '../../src/people/index.js';

/** A signed-in console session for route tests: send `headers` (cookie + CSRF token) with each request. */
export interface ConsoleSession {
  readonly login: string;
  readonly cookie: string;
  readonly csrfToken: string;
  /** `cookie` and `x-csrf-token`, for `app.inject({ headers })`. */
  readonly headers: { readonly cookie: string; readonly 'x-csrf-token': string };
}

/**
 * Creates a person (when none has `login`) with `roles`, optionally opted in to child-safety work,
 * and signs them in through `POST /console/api/session`, as the browser does.
 */
export async function signInAs(
  app: FastifyInstance,
  people: PeopleService,
  login: string,
  roles: readonly Role[],
  options: { childSafetyOptIn?: boolean } = {},
): Promise<ConsoleSession> {
  const password = `test password of ${login}`;
  const existing = (await people.list()).find((person) => person.login === login);
  if (existing === undefined) await people.create({ login, password, roles }, { actor: 'system:test' });
  if (options.childSafetyOptIn === true)
    await people.setChildSafetyOptIn(login, true, { actor: `person:${login}`, reason: 'test opt-in' });
  const response = await app.inject({ method: 'POST', url: '/console/api/session', payload: { login, password } });
  if (response.statusCode !== 200) throw new Error(`signing in ${login} failed: ${response.body}`);
  const token = response.cookies.find((cookie) => cookie.name === 'prevail_session')?.value;
  const csrfToken = response.json().csrfToken as string;
  const cookie = `prevail_session=${token}`;
  return { login, cookie, csrfToken, headers: { cookie, 'x-csrf-token': csrfToken } };
}
