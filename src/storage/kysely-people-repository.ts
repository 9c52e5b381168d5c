import type { Kysely, Selectable, Updateable } from 'kysely';
import { EngineError } from '../core/index.js';
import type {
  NewPerson,
  PeopleRepository,
  Person,
  PersonPatch,
  Role,
  SessionRecord,
  SessionRepository,
  StoredPerson,
} from '../people/index.js';
import { type DialectName, sqlBoolean } from './dialect.js';
import type { PeopleDatabase } from './people-tables.js';
import { isUniqueViolation, translateStorageErrors } from './storage-errors.js';

type PersonRow = Selectable<PeopleDatabase['people']>;
type SessionRow = Selectable<PeopleDatabase['person_sessions']>;

function toPerson(row: PersonRow): Person {
  return {
    id: Number(row.id),
    login: row.login,
    displayName: row.display_name,
    roles: row.roles === '' ? [] : (row.roles.split(',') as Role[]),
    childSafetyOptInAt: row.child_safety_opt_in_at,
    disabled: Boolean(row.disabled),
    createdAt: row.created_at,
  };
}

function toSession(row: SessionRow): SessionRecord {
  return {
    tokenDigest: row.token_digest,
    personId: Number(row.person_id),
    csrfToken: row.csrf_token,
    method: row.method === 'oidc' ? 'oidc' : 'password',
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

/** `SessionRepository` over Kysely (both dialects). */
class KyselySessionRepository implements SessionRepository {
  constructor(private readonly db: Kysely<PeopleDatabase>) {}

  create(session: SessionRecord): Promise<void> {
    return translateStorageErrors(async () => {
      await this.db
        .insertInto('person_sessions')
        .values({
          token_digest: session.tokenDigest,
          person_id: session.personId,
          csrf_token: session.csrfToken,
          method: session.method,
          created_at: session.createdAt,
          last_seen_at: session.lastSeenAt,
          expires_at: session.expiresAt,
        })
        .execute();
    });
  }

  find(tokenDigest: string): Promise<SessionRecord | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db
        .selectFrom('person_sessions')
        .selectAll()
        .where('token_digest', '=', tokenDigest)
        .executeTakeFirst();
      return row === undefined ? undefined : toSession(row);
    });
  }

  touch(tokenDigest: string, lastSeenAt: string): Promise<void> {
    return translateStorageErrors(async () => {
      await this.db
        .updateTable('person_sessions')
        .set({ last_seen_at: lastSeenAt })
        .where('token_digest', '=', tokenDigest)
        .execute();
    });
  }

  delete(tokenDigest: string): Promise<boolean> {
    return translateStorageErrors(async () => {
      const result = await this.db
        .deleteFrom('person_sessions')
        .where('token_digest', '=', tokenDigest)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  deleteForPerson(personId: number): Promise<number> {
    return translateStorageErrors(async () => {
      const result = await this.db.deleteFrom('person_sessions').where('person_id', '=', personId).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  deleteExpired(before: string): Promise<number> {
    return translateStorageErrors(async () => {
      const result = await this.db.deleteFrom('person_sessions').where('expires_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }
}

/**
 * `PeopleRepository` over Kysely (both dialects). Roles are stored as a comma-separated list;
 * `disabled` is 0/1 in SQLite and a boolean in PostgreSQL.
 */
export class KyselyPeopleRepository implements PeopleRepository {
  readonly sessions: SessionRepository;

  constructor(
    private readonly db: Kysely<PeopleDatabase>,
    private readonly dialect: DialectName,
  ) {
    this.sessions = new KyselySessionRepository(db);
  }

  create(person: NewPerson): Promise<Person> {
    return translateStorageErrors(async () => {
      try {
        const row = await this.db
          .insertInto('people')
          .values({
            login: person.login,
            display_name: person.displayName,
            roles: person.roles.join(','),
            password_hash: person.passwordHash,
            child_safety_opt_in_at: null,
            disabled: sqlBoolean(this.dialect, false),
            created_at: person.createdAt,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toPerson(row);
      } catch (error) {
        if (isUniqueViolation(error))
          throw new EngineError('PERSON_ALREADY_EXISTS', `a person with login "${person.login}" already exists`);
        throw error;
      }
    });
  }

  list(): Promise<Person[]> {
    return translateStorageErrors(async () => {
      const rows = await this.db.selectFrom('people').selectAll().orderBy('login').execute();
      return rows.map(toPerson);
    });
  }

  findByLogin(login: string): Promise<StoredPerson | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db.selectFrom('people').selectAll().where('login', '=', login).executeTakeFirst();
      return row === undefined ? undefined : { person: toPerson(row), passwordHash: row.password_hash };
    });
  }

  findById(id: number): Promise<Person | undefined> {
    return translateStorageErrors(async () => {
      const row = await this.db.selectFrom('people').selectAll().where('id', '=', id).executeTakeFirst();
      return row === undefined ? undefined : toPerson(row);
    });
  }

  update(login: string, patch: PersonPatch): Promise<Person | undefined> {
    return translateStorageErrors(async () => {
      const values: Updateable<PeopleDatabase['people']> = {
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.roles !== undefined ? { roles: patch.roles.join(',') } : {}),
        ...(patch.disabled !== undefined ? { disabled: sqlBoolean(this.dialect, patch.disabled) } : {}),
        ...(patch.childSafetyOptInAt !== undefined ? { child_safety_opt_in_at: patch.childSafetyOptInAt } : {}),
        ...(patch.passwordHash !== undefined ? { password_hash: patch.passwordHash } : {}),
      };
      if (Object.keys(values).length === 0) return (await this.findByLogin(login))?.person;
      const row = await this.db
        .updateTable('people')
        .set(values)
        .where('login', '=', login)
        .returningAll()
        .executeTakeFirst();
      return row === undefined ? undefined : toPerson(row);
    });
  }
}
