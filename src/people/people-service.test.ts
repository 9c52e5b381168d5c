import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditAction } from '../audit/index.js';
import { EngineError } from '../core/index.js';
import { LoginThrottle } from './login-throttle.js';
import { hashPassword, verifyPassword } from './password.js';
import type { NewPerson, PersonPatch, SessionRecord, StoredPerson } from './people-records.js';
import type { PeopleRepository } from './people-repository.js';
import { PeopleService, sessionDigest } from './people-service.js';
import type { Person } from './person.js';

/** A cheap scrypt cost: these tests check behaviour, not cost. */
const cheap = { N: 1024, r: 8, p: 1 };

/** An in-memory `PeopleRepository` (the Kysely one is tested on both databases in test/integ). */
function memoryRepository(): PeopleRepository & { sessionRows: Map<string, SessionRecord> } {
  const people = new Map<string, StoredPerson>();
  const sessionRows = new Map<string, SessionRecord>();
  let nextId = 1;
  return {
    sessionRows,
    async create(input: NewPerson) {
      if (people.has(input.login)) throw new EngineError('PERSON_ALREADY_EXISTS', 'taken');
      const person: Person = {
        id: nextId++,
        login: input.login,
        displayName: input.displayName,
        roles: input.roles,
        childSafetyOptInAt: null,
        disabled: false,
        createdAt: input.createdAt,
      };
      people.set(input.login, { person, passwordHash: input.passwordHash });
      return person;
    },
    async list() {
      return [...people.values()].map((stored) => stored.person).sort((a, b) => a.login.localeCompare(b.login));
    },
    async findByLogin(login) {
      return people.get(login);
    },
    async findById(id) {
      return [...people.values()].find((stored) => stored.person.id === id)?.person;
    },
    async update(login, patch: PersonPatch) {
      const stored = people.get(login);
      if (stored === undefined) return undefined;
      const { passwordHash, ...rest } = patch;
      const next = {
        person: { ...stored.person, ...rest },
        passwordHash: passwordHash === undefined ? stored.passwordHash : passwordHash,
      };
      people.set(login, next);
      return next.person;
    },
    sessions: {
      async create(session) {
        sessionRows.set(session.tokenDigest, session);
      },
      async find(digest) {
        return sessionRows.get(digest);
      },
      async touch(digest, lastSeenAt) {
        const found = sessionRows.get(digest);
        if (found !== undefined) sessionRows.set(digest, { ...found, lastSeenAt });
      },
      async delete(digest) {
        return sessionRows.delete(digest);
      },
      async deleteForPerson(personId) {
        let count = 0;
        for (const [digest, session] of sessionRows)
          if (session.personId === personId) count += Number(sessionRows.delete(digest));
        return count;
      },
      async deleteExpired(before) {
        let count = 0;
        for (const [digest, session] of sessionRows)
          if (session.expiresAt < before) count += Number(sessionRows.delete(digest));
        return count;
      },
    },
  };
}

function rig(options: { throttle?: LoginThrottle } = {}) {
  let nowMs = Date.parse('2026-01-01T08:00:00.000Z');
  const entries: AuditAction[] = [];
  const repository = memoryRepository();
  const service = new PeopleService({
    repository,
    audit: { record: async (...actions) => entries.push(...actions) },
    now: () => new Date(nowMs),
    scrypt: cheap,
    ...(options.throttle !== undefined ? { throttle: options.throttle } : {}),
  });
  return {
    service,
    repository,
    entries,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

const admin = { actor: 'person:root' };
const password = 'correct horse battery';

describe('passwords', () => {
  test('salted scrypt with its parameters; the right password only', async () => {
    const one = await hashPassword(password, cheap);
    const two = await hashPassword(password, cheap);
    assert.match(one, /^scrypt\$1024\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(one, two, 'a fresh salt each time');
    assert.equal(await verifyPassword(password, one), true);
    assert.equal(await verifyPassword('correct horse battery ', one), false);
    assert.equal(await verifyPassword('correct horse battery\u0000', one), false, 'HMAC zero-padding is no way in');
    assert.equal(await verifyPassword(password, 'scrypt$1$1$1$x$y'), false, 'malformed hashes never match');
    assert.equal(await verifyPassword(password, `scrypt$${2 ** 30}$8$1$AAAA$${'A'.repeat(43)}`), false);
  });
});

describe('PeopleService', () => {
  test('creates people with checked logins, passwords and roles; audits without the password', async () => {
    const { service, entries } = rig();
    const person = await service.create(
      { login: 'ana', displayName: 'Ana', password, roles: ['payments_analyst', 'payments_analyst'] },
      admin,
    );
    assert.deepEqual(person.roles, ['payments_analyst']);
    assert.equal(entries.at(-1)?.action, 'person.create');
    assert.equal(entries.at(-1)?.actor, 'person:root');
    assert.ok(!JSON.stringify(entries).includes(password));
    for (const [input, code] of [
      [{ login: 'Ana', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'a'.repeat(65), password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'bob', password: 'short', roles: [] }, 'PERSON_INVALID'],
      [{ login: 'bob', password, roles: ['root'] }, 'PERSON_INVALID'],
      [{ login: 'bob', displayName: 'a\u0000b', password, roles: [] }, 'PERSON_INVALID'],
      [{ login: 'ana', password, roles: [] }, 'PERSON_ALREADY_EXISTS'],
    ] as const) {
      await assert.rejects(service.create(input, admin), { code }, JSON.stringify(input));
    }
    assert.deepEqual(
      (await service.list()).map((p) => p.login),
      ['ana'],
    );
  });

  test('sign-in: one answer for an unknown login and a wrong password, both audited without it', async () => {
    const { service, entries } = rig();
    await service.create({ login: 'ana', password, roles: ['auditor'] }, admin);
    const unknown = await service.signIn('nobody', password).catch((error: EngineError) => error);
    const wrong = await service.signIn('ana', 'not the password').catch((error: EngineError) => error);
    assert.ok(unknown instanceof EngineError && wrong instanceof EngineError);
    assert.equal(unknown.code, 'AUTH_INVALID');
    assert.equal(wrong.code, 'AUTH_INVALID');
    assert.equal(unknown.message, wrong.message);
    const refused = entries.filter((entry) => entry.action === 'session.refused');
    assert.equal(refused.length, 2);
    assert.ok(!JSON.stringify(entries).includes('not the password'));
    const started = await service.signIn('ana', password);
    assert.match(started.token, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(entries.at(-1)?.action, 'session.start');
    assert.equal(entries.at(-1)?.actor, 'person:ana');
  });

  test('sessions: only the digest stored; idle timeout slides, the lifetime does not', async () => {
    const { service, repository, advance } = rig();
    await service.create({ login: 'ana', password, roles: ['auditor'] }, admin);
    const started = await service.signIn('ana', password);
    assert.ok(!repository.sessionRows.has(started.token));
    assert.ok(repository.sessionRows.has(sessionDigest(started.token)));
    assert.ok(!JSON.stringify([...repository.sessionRows.values()]).includes(started.token));
    const live = await service.resolveSession(started.token);
    assert.equal(live?.person.login, 'ana');
    assert.equal(live?.csrfToken, started.csrfToken);
    // Active every 20 minutes: the idle clock (30 min) slides, until the 12 h lifetime ends it.
    for (let elapsed = 20; elapsed < 12 * 60; elapsed += 20) {
      advance(20 * 60_000);
      assert.ok(await service.resolveSession(started.token), `alive after ${elapsed} min`);
    }
    advance(20 * 60_000);
    assert.equal(await service.resolveSession(started.token), undefined, 'past the absolute lifetime');
    assert.equal(repository.sessionRows.size, 0, 'the expired session is deleted');

    const idle = await service.signIn('ana', password);
    advance(30 * 60_000);
    assert.equal(await service.resolveSession(idle.token), undefined, 'idle for 30 minutes');
    assert.equal(await service.resolveSession('x'.repeat(43)), undefined);
    assert.equal(await service.resolveSession(42), undefined);
  });

  test('sign-out, disabling and a new password end sessions', async () => {
    const { service, entries } = rig();
    await service.create({ login: 'ana', password, roles: ['auditor'] }, admin);
    const first = await service.signIn('ana', password);
    await service.endSession(first.token);
    assert.equal(await service.resolveSession(first.token), undefined);
    assert.equal(entries.at(-1)?.action, 'session.end');
    const second = await service.signIn('ana', password);
    await service.setPassword('ana', 'another long password', admin);
    assert.equal(await service.resolveSession(second.token), undefined);
    const third = await service.signIn('ana', 'another long password');
    await service.disable('ana', { ...admin, reason: 'left the team' });
    assert.equal(await service.resolveSession(third.token), undefined);
    await assert.rejects(service.signIn('ana', 'another long password'), { code: 'AUTH_INVALID' });
    assert.equal(entries.find((entry) => entry.action === 'person.disable')?.reason, 'left the team');
  });

  test('the child-safety opt-in: recorded and withdrawn with a reason, audited with its actor', async () => {
    const { service, entries } = rig();
    await service.create({ login: 'cs', password, roles: ['child_safety_reviewer'] }, admin);
    await assert.rejects(service.setChildSafetyOptIn('cs', true, { actor: 'person:cs' }), {
      code: 'REASON_REQUIRED',
    });
    await assert.rejects(service.setChildSafetyOptIn('cs', true, { actor: 'person:cs', reason: '   ' }), {
      code: 'REASON_REQUIRED',
    });
    const opted = await service.setChildSafetyOptIn('cs', true, { actor: 'person:cs', reason: 'trained, consenting' });
    assert.equal(opted.childSafetyOptInAt, '2026-01-01T08:00:00.000Z');
    assert.deepEqual(
      { actor: entries.at(-1)?.actor, action: entries.at(-1)?.action, subject: entries.at(-1)?.subject },
      { actor: 'person:cs', action: 'person.opt_in', subject: 'person:cs' },
    );
    const withdrawn = await service.setChildSafetyOptIn('cs', false, { actor: 'person:root', reason: 'rotation' });
    assert.equal(withdrawn.childSafetyOptInAt, null);
    assert.equal(entries.at(-1)?.action, 'person.opt_out');
    assert.equal(entries.at(-1)?.actor, 'person:root');
    await assert.rejects(service.setChildSafetyOptIn('nobody', true, { actor: 'x', reason: 'y' }), {
      code: 'PERSON_NOT_FOUND',
    });
  });

  test('roles change audited with before and after', async () => {
    const { service, entries } = rig();
    await service.create({ login: 'ana', password, roles: ['auditor'] }, admin);
    const person = await service.setRoles('ana', ['admin', 'auditor'], admin);
    assert.deepEqual(person.roles, ['admin', 'auditor']);
    assert.deepEqual(entries.at(-1)?.detail, { from: ['auditor'], to: ['admin', 'auditor'] });
  });

  test('five failures lock a login for 30 seconds, the right password included; unknown logins too', async () => {
    const { service, advance } = rig({ throttle: new LoginThrottle({ maxFailures: 5, lockMs: 30_000 }) });
    await service.create({ login: 'ana', password, roles: ['auditor'] }, admin);
    for (let attempt = 0; attempt < 5; attempt++)
      await assert.rejects(service.signIn('ana', 'wrong password!!'), { code: 'AUTH_INVALID' });
    await assert.rejects(service.signIn('ana', password), { code: 'AUTH_THROTTLED' });
    advance(30_000);
    assert.equal((await service.signIn('ana', password)).person.login, 'ana');
    for (let attempt = 0; attempt < 5; attempt++)
      await assert.rejects(service.signIn('ghost', 'wrong password!!'), { code: 'AUTH_INVALID' });
    await assert.rejects(service.signIn('ghost', 'wrong password!!'), { code: 'AUTH_THROTTLED' });
  });

  test('single sign-on: an existing, enabled person only', async () => {
    const { service, entries } = rig();
    await service.create({ login: 'ana', password: null, roles: ['auditor'] }, admin);
    assert.equal((await service.signInVerified('ana')).person.login, 'ana');
    await assert.rejects(service.signInVerified('bob'), { code: 'AUTH_INVALID' });
    assert.equal(entries.at(-1)?.action, 'session.refused');
    await assert.rejects(service.signIn('ana', ''), { code: 'AUTH_INVALID' }, 'no password: no password sign-in');
  });
});
