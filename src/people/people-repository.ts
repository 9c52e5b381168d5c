import type { NewPerson, PersonPatch, SessionRecord, StoredPerson } from './people-records.js';
import type { Person } from './person.js';

/**
 * Where people and their sessions are kept; `storage/` implements it for SQLite and PostgreSQL.
 * It stores what `PeopleService` decides and checks nothing itself, except that logins are
 * unique.
 */
export interface PeopleRepository {
  /**
   * Stores a new person (not disabled, not opted in).
   *
   * @throws EngineError `PERSON_ALREADY_EXISTS` when the login is taken.
   */
  create(person: NewPerson): Promise<Person>;
  /** Everyone, disabled people included, in login order. */
  list(): Promise<Person[]>;
  findByLogin(login: string): Promise<StoredPerson | undefined>;
  findById(id: number): Promise<Person | undefined>;
  /** Applies `patch`; undefined when no person has that login. */
  update(login: string, patch: PersonPatch): Promise<Person | undefined>;
  readonly sessions: SessionRepository;
}

/** Sessions, found by the SHA-256 digest of their token. */
export interface SessionRepository {
  create(session: SessionRecord): Promise<void>;
  find(tokenDigest: string): Promise<SessionRecord | undefined>;
  /** Moves the idle clock. */
  touch(tokenDigest: string, lastSeenAt: string): Promise<void>;
  /** True when a session was removed. */
  delete(tokenDigest: string): Promise<boolean>;
  /** Ends every session of a person; the number ended. */
  deleteForPerson(personId: number): Promise<number>;
  /** Removes sessions whose absolute end is before `before` (ISO time); the number removed. */
  deleteExpired(before: string): Promise<number>;
}
