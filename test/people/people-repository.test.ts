import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AuditLog } from '../../src/audit/index.js';
import { PeopleService } from '../../src/people/index.js';
import { caseBackends } from '../support/case-backends.js';

const cheap = { N: 1024, r: 8, p: 1 };
const backends = await caseBackends();

for (const backend of backends) {
  describe(`people repository on ${backend.name}`, { skip: backend.skip }, () => {
    let place: string;
    before(async () => {
      place = await backend.place();
    });
    after(() => backend.cleanup());

    test('people and sessions survive a restart; booleans, roles and clocks round-trip', async () => {
      const storage = await backend.open(place);
      const people = storage.people;
      const created = await people.create({
        login: 'ana',
        displayName: 'Ana Ünïcode 👩',
        roles: ['auditor', 'payments_analyst'],
        passwordHash: 'scrypt$1024$8$1$c2FsdA$x',
        createdAt: '2026-01-01T00:00:00.000Z',
      });
      assert.equal(created.disabled, false);
      assert.deepEqual(created.roles, ['auditor', 'payments_analyst']);
      await assert.rejects(
        people.create({ login: 'ana', displayName: 'x', roles: [], passwordHash: null, createdAt: created.createdAt }),
        { code: 'PERSON_ALREADY_EXISTS' },
      );
      const none = await people.create({
        login: 'bob',
        displayName: 'Bob',
        roles: [],
        passwordHash: null,
        createdAt: created.createdAt,
      });
      assert.deepEqual(none.roles, []);
      await people.sessions.create({
        tokenDigest: 'a'.repeat(64),
        personId: created.id,
        csrfToken: 'csrf',
        method: 'password',
        createdAt: '2026-01-01T00:00:00.000Z',
        lastSeenAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T12:00:00.000Z',
      });
      await people.sessions.touch('a'.repeat(64), '2026-01-01T00:10:00.000Z');
      const updated = await people.update('ana', {
        disabled: true,
        childSafetyOptInAt: '2026-01-02T00:00:00.000Z',
        roles: ['admin'],
      });
      assert.equal(updated?.disabled, true);
      assert.equal(await people.update('nobody', { disabled: true }), undefined);
      await storage.close();

      const reopened = await backend.open(place);
      try {
        const found = await reopened.people.findByLogin('ana');
        assert.deepEqual(found, {
          person: {
            id: created.id,
            login: 'ana',
            displayName: 'Ana Ünïcode 👩',
            roles: ['admin'],
            childSafetyOptInAt: '2026-01-02T00:00:00.000Z',
            disabled: true,
            createdAt: '2026-01-01T00:00:00.000Z',
          },
          passwordHash: 'scrypt$1024$8$1$c2FsdA$x',
        });
        assert.deepEqual(await reopened.people.findById(created.id), found?.person);
        assert.deepEqual(
          (await reopened.people.list()).map((person) => person.login),
          ['ana', 'bob'],
        );
        const session = await reopened.people.sessions.find('a'.repeat(64));
        assert.equal(session?.lastSeenAt, '2026-01-01T00:10:00.000Z');
        assert.equal(session?.personId, created.id);
        assert.equal(await reopened.people.sessions.deleteExpired('2026-01-01T11:00:00.000Z'), 0);
        assert.equal(await reopened.people.sessions.deleteExpired('2026-01-01T13:00:00.000Z'), 1);
        assert.equal(await reopened.people.sessions.delete('a'.repeat(64)), false);
      } finally {
        await reopened.close();
      }
    });

    test('the service over the real store: sign in, resolve, sign out, audited in the chain', async () => {
      const storage = await backend.open(await backend.place());
      try {
        const audit = new AuditLog(storage.engine.audit);
        const service = new PeopleService({ repository: storage.people, audit, scrypt: cheap });
        await service.create(
          { login: 'cs', password: 'a long enough password', roles: ['child_safety_reviewer'] },
          {
            actor: 'cli:test',
          },
        );
        const started = await service.signIn('cs', 'a long enough password');
        assert.equal((await service.resolveSession(started.token))?.person.login, 'cs');
        await service.setChildSafetyOptIn('cs', true, { actor: 'person:cs', reason: 'consent recorded' });
        assert.notEqual((await service.resolveSession(started.token))?.person.childSafetyOptInAt, null);
        assert.equal(await storage.people.sessions.deleteForPerson(started.person.id), 1);
        assert.equal(await service.resolveSession(started.token), undefined);
        const actions = (await storage.engine.audit.page(0, 50)).map((entry) => entry.action);
        assert.deepEqual(actions, ['person.create', 'session.start', 'person.opt_in']);
        assert.equal((await audit.verify()).ok, true);
      } finally {
        await storage.close();
      }
    });
  });
}
