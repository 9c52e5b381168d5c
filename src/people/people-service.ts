import { createHash, randomBytes } from 'node:crypto';
import { type AuditAction, checkReason } from '../audit/index.js';
import { EngineError } from '../core/index.js';
import { LoginThrottle } from './login-throttle.js';
import {
  defaultScryptParameters,
  hashPassword,
  passwordProblem,
  type ScryptParameters,
  verifyPassword,
} from './password.js';
import type { NewPerson, SessionRecord } from './people-records.js';
import type { PeopleRepository } from './people-repository.js';
import { roles as knownRoles, type Person, personActor, type Role } from './person.js';

/** Where the service writes its audit entries (the `AuditLog`). */
export interface PeopleAudit {
  record(...actions: AuditAction[]): Promise<unknown>;
}

/** Who makes a change, and why (both go into the audit entry). */
export interface PeopleChange {
  /** The audit actor: `person:<login>` of whoever does it, or the CLI's operator. */
  readonly actor: string;
  /** Non-blank text; a default naming the action is used where the reason is optional. */
  readonly reason?: string;
}

export interface PeopleServiceOptions {
  readonly repository: PeopleRepository;
  readonly audit: PeopleAudit;
  readonly now?: () => Date;
  /** A session ends after this long without a request (default 30 minutes). */
  readonly idleTimeoutMs?: number;
  /** A session ends this long after sign-in, however active (default 12 hours). */
  readonly lifetimeMs?: number;
  /** scrypt cost for new password hashes (tests use a cheap one). */
  readonly scrypt?: ScryptParameters;
  /** The sign-in throttle (default: 5 failures in a row lock a login for 30 seconds). */
  readonly throttle?: LoginThrottle;
}

/** A session just started: the token is given to the client once (the cookie) and never stored. */
export interface StartedSession {
  readonly person: Person;
  readonly token: string;
  readonly csrfToken: string;
  readonly expiresAt: string;
}

/** A live session, as `resolveSession` finds it. */
export interface ActiveSession {
  readonly person: Person;
  readonly csrfToken: string;
  readonly method: SessionRecord['method'];
  readonly expiresAt: string;
}

/** Logins: lowercase letters, digits, `.`, `_`, `-`; 1 to 64 characters. */
export const loginPattern = /^[a-z0-9._-]{1,64}$/;
const maxDisplayNameLength = 200;
/** A session token: 32 random bytes, base64url (43 characters). */
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;
/** The idle clock is written at most this often (one write per request would be wasteful). */
const touchEveryMs = 15_000;
/** The one message for every refused password sign-in: it never tells which part was wrong. */
const refusedMessage = 'the login or the password is wrong, or the person is disabled';

/** The SHA-256 (hex) of a session token: all that storage ever sees of it. */
export function sessionDigest(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * @throws EngineError `PERSON_INVALID` unless `login` matches `loginPattern`.
 */
export function checkLogin(login: unknown): string {
  if (typeof login !== 'string' || !loginPattern.test(login)) {
    throw new EngineError('PERSON_INVALID', 'login must be 1 to 64 characters from a-z, 0-9, ".", "_" and "-"');
  }
  return login;
}

function checkDisplayName(name: unknown): string {
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    name.length > maxDisplayNameLength ||
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
    /[\u0000-\u001f\u007f]/.test(name) ||
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(name)
  ) {
    throw new EngineError(
      'PERSON_INVALID',
      `displayName must be non-blank text of at most ${maxDisplayNameLength} characters without control characters`,
    );
  }
  return name;
}

/** @throws EngineError `PERSON_INVALID` for a role that does not exist. */
export function checkRoles(value: unknown): Role[] {
  if (!Array.isArray(value)) throw new EngineError('PERSON_INVALID', 'roles must be a list');
  for (const role of value) {
    if (typeof role !== 'string' || !(knownRoles as readonly string[]).includes(role)) {
      throw new EngineError('PERSON_INVALID', `roles are ${knownRoles.join(', ')}`);
    }
  }
  return [...new Set(value as Role[])].sort();
}

function checkPassword(password: unknown): string {
  const problem = passwordProblem(password);
  if (problem !== undefined) throw new EngineError('PERSON_INVALID', problem);
  return password as string;
}

/**
 * People of the console and their sessions: the one owner of accounts, roles, the child-safety
 * opt-in, sign-in and sessions. Every change is audited with its actor (`person:<login>` of
 * whoever does it); sign-ins (`session.start`), refused sign-ins (`session.refused`, never with
 * the password) and sign-outs (`session.end`) are audited too.
 *
 * Passwords are scrypt hashes (`password.ts`); an unknown login is checked against a dummy hash
 * so that the time taken does not tell whether a login exists, and it gets the same message as a
 * wrong password. Sessions are a random 32-byte token (base64url) given to the client once, of
 * which only the SHA-256 is stored, with a per-session CSRF token; a session ends after
 * `idleTimeoutMs` without a request or `lifetimeMs` after sign-in, whichever comes first.
 */
export class PeopleService {
  readonly #repository: PeopleRepository;
  readonly #audit: PeopleAudit;
  readonly #now: () => Date;
  readonly #idleTimeoutMs: number;
  readonly #lifetimeMs: number;
  readonly #scrypt: ScryptParameters;
  readonly #throttle: LoginThrottle;
  #dummyHash: Promise<string> | undefined;

  constructor(options: PeopleServiceOptions) {
    this.#repository = options.repository;
    this.#audit = options.audit;
    this.#now = options.now ?? (() => new Date());
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 30 * 60_000;
    this.#lifetimeMs = options.lifetimeMs ?? 12 * 60 * 60_000;
    this.#scrypt = options.scrypt ?? defaultScryptParameters;
    this.#throttle = options.throttle ?? new LoginThrottle();
  }

  /**
   * Creates a person. `password` null: no password sign-in (single sign-on only). Audited
   * (`person.create`, with the login, name and roles; never the password).
   *
   * @throws EngineError `PERSON_INVALID` (login, name, password of fewer than 12 characters,
   *   unknown role); `PERSON_ALREADY_EXISTS`.
   */
  async create(
    input: { login: unknown; displayName?: unknown; password: unknown; roles: unknown },
    change: PeopleChange,
  ): Promise<Person> {
    const login = checkLogin(input.login);
    const displayName = checkDisplayName(input.displayName ?? login);
    const roles = checkRoles(input.roles);
    const password = input.password === null ? null : checkPassword(input.password);
    const reason = change.reason === undefined ? 'person created' : checkReason(change.reason);
    const record: NewPerson = {
      login,
      displayName,
      roles,
      passwordHash: password === null ? null : await hashPassword(password, this.#scrypt),
      createdAt: this.#now().toISOString(),
    };
    const person = await this.#repository.create(record);
    await this.#audit.record({
      actor: change.actor,
      action: 'person.create',
      subject: personActor(person),
      reason,
      detail: { login, displayName, roles },
    });
    return person;
  }

  /** Everyone, disabled people included, in login order. */
  list(): Promise<Person[]> {
    return this.#repository.list();
  }

  /** @throws EngineError `PERSON_NOT_FOUND`. */
  async get(login: string): Promise<Person> {
    const found = loginPattern.test(login) ? await this.#repository.findByLogin(login) : undefined;
    if (found === undefined) throw new EngineError('PERSON_NOT_FOUND', 'no person has that login');
    return found.person;
  }

  /**
   * Replaces a person's roles. Audited (`person.roles`, with the roles before and after).
   *
   * @throws EngineError `PERSON_NOT_FOUND`, `PERSON_INVALID`.
   */
  async setRoles(login: string, roles: unknown, change: PeopleChange): Promise<Person> {
    const before = await this.get(login);
    const next = checkRoles(roles);
    const reason = change.reason === undefined ? 'roles changed' : checkReason(change.reason);
    const person = await this.#update(login, { roles: next });
    await this.#audit.record({
      actor: change.actor,
      action: 'person.roles',
      subject: personActor(person),
      reason,
      detail: { from: before.roles, to: next },
    });
    return person;
  }

  /**
   * Disables a person and ends their sessions; they can no longer sign in. Audited
   * (`person.disable`).
   *
   * @throws EngineError `PERSON_NOT_FOUND`.
   */
  async disable(login: string, change: PeopleChange): Promise<Person> {
    const reason = change.reason === undefined ? 'person disabled' : checkReason(change.reason);
    const person = await this.#update(login, { disabled: true });
    const ended = await this.#repository.sessions.deleteForPerson(person.id);
    await this.#audit.record({
      actor: change.actor,
      action: 'person.disable',
      subject: personActor(person),
      reason,
      detail: { sessionsEnded: ended },
    });
    return person;
  }

  /**
   * Sets a new password and ends the person's sessions. Audited (`person.password`, never the
   * password).
   *
   * @throws EngineError `PERSON_NOT_FOUND`, `PERSON_INVALID`.
   */
  async setPassword(login: string, password: unknown, change: PeopleChange): Promise<Person> {
    const checked = checkPassword(password);
    const reason = change.reason === undefined ? 'password changed' : checkReason(change.reason);
    await this.get(login);
    const person = await this.#update(login, { passwordHash: await hashPassword(checked, this.#scrypt) });
    await this.#repository.sessions.deleteForPerson(person.id);
    await this.#audit.record({ actor: change.actor, action: 'person.password', subject: personActor(person), reason });
    return person;
  }

  /**
   * Records (`optIn` true) or withdraws the person's opt-in to child-safety work, with a required
   * reason. Audited (`person.opt_in` / `person.opt_out`). Who may do it (the person themself or
   * someone with `people.manage`) is the caller's check.
   *
   * @throws EngineError `REASON_REQUIRED`, `PERSON_NOT_FOUND`.
   */
  async setChildSafetyOptIn(login: string, optIn: boolean, change: PeopleChange): Promise<Person> {
    const reason = checkReason(change.reason);
    await this.get(login);
    const person = await this.#update(login, { childSafetyOptInAt: optIn ? this.#now().toISOString() : null });
    await this.#audit.record({
      actor: change.actor,
      action: optIn ? 'person.opt_in' : 'person.opt_out',
      subject: personActor(person),
      reason,
    });
    return person;
  }

  /**
   * Checks a login and password and returns the person. Every refusal has the same code and
   * message (unknown login, wrong password, disabled person, no password set) and takes about the
   * same time; each is audited as `session.refused` (never with the password). After 5 failures
   * in a row a login is locked for 30 seconds (`LoginThrottle`).
   *
   * @throws EngineError `AUTH_INVALID`; `AUTH_THROTTLED` while the login is locked.
   */
  async authenticate(login: unknown, password: unknown): Promise<Person> {
    const nowMs = this.#now().getTime();
    const validLogin = typeof login === 'string' && loginPattern.test(login) ? login : undefined;
    // A login no person can have never succeeds: it is checked (for the timing) but not counted.
    const lockedMs = validLogin === undefined ? 0 : this.#throttle.lockedFor(validLogin, nowMs);
    if (lockedMs > 0) {
      throw new EngineError(
        'AUTH_THROTTLED',
        `too many failed sign-ins for this login; try again in ${Math.ceil(lockedMs / 1000)} s`,
      );
    }
    const stored = validLogin === undefined ? undefined : await this.#repository.findByLogin(validLogin);
    const text = typeof password === 'string' && password.length <= 1024 ? password : '';
    let ok: boolean;
    if (stored?.passwordHash == null) {
      // The same work as a real check, so that timing does not tell an unknown login.
      await verifyPassword(text, await this.#dummy());
      ok = false;
    } else {
      ok = (await verifyPassword(text, stored.passwordHash)) && text !== '';
    }
    if (!ok || stored === undefined || stored.person.disabled) {
      if (validLogin !== undefined) this.#throttle.failed(validLogin, nowMs);
      await this.#audit.record({
        actor: 'anonymous',
        action: 'session.refused',
        subject: validLogin === undefined ? 'person:(invalid login)' : `person:${validLogin}`,
        reason: 'password sign-in refused',
        detail: { method: 'password' },
      });
      throw new EngineError('AUTH_INVALID', refusedMessage);
    }
    this.#throttle.succeeded(stored.person.login);
    return stored.person;
  }

  /** `authenticate`, then a new session. */
  async signIn(login: unknown, password: unknown): Promise<StartedSession> {
    const person = await this.authenticate(login, password);
    return this.#startSession(person, 'password');
  }

  /**
   * A session for a person whose identity single sign-on vouched for: `login` must be an
   * existing, enabled person (people are never created here). Refusals are audited.
   *
   * @throws EngineError `AUTH_INVALID`.
   */
  async signInVerified(login: string): Promise<StartedSession> {
    const stored = loginPattern.test(login) ? await this.#repository.findByLogin(login) : undefined;
    if (stored === undefined || stored.person.disabled) {
      await this.#audit.record({
        actor: 'anonymous',
        action: 'session.refused',
        subject: loginPattern.test(login) ? `person:${login}` : 'person:(invalid login)',
        reason: 'single sign-on refused: no enabled person has that login',
        detail: { method: 'oidc' },
      });
      throw new EngineError('AUTH_INVALID', 'single sign-on succeeded, but no enabled person has that login here');
    }
    return this.#startSession(stored.person, 'oidc');
  }

  /**
   * The live session of `token`, with its person, sliding the idle clock; undefined for an
   * unknown, idle-expired or lifetime-expired token (expired sessions are deleted) or a disabled
   * person.
   */
  async resolveSession(token: unknown): Promise<ActiveSession | undefined> {
    if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
    const digest = sessionDigest(token);
    const session = await this.#repository.sessions.find(digest);
    if (session === undefined) return undefined;
    const nowMs = this.#now().getTime();
    const idleMs = nowMs - Date.parse(session.lastSeenAt);
    if (nowMs >= Date.parse(session.expiresAt) || idleMs >= this.#idleTimeoutMs) {
      await this.#repository.sessions.delete(digest);
      return undefined;
    }
    const person = await this.#repository.findById(session.personId);
    if (person === undefined || person.disabled) {
      await this.#repository.sessions.delete(digest);
      return undefined;
    }
    if (idleMs >= touchEveryMs) await this.#repository.sessions.touch(digest, new Date(nowMs).toISOString());
    return { person, csrfToken: session.csrfToken, method: session.method, expiresAt: session.expiresAt };
  }

  /** Ends the session of `token` (signing out); audited (`session.end`) when there was one. */
  async endSession(token: unknown): Promise<void> {
    if (typeof token !== 'string' || !tokenPattern.test(token)) return;
    const digest = sessionDigest(token);
    const session = await this.#repository.sessions.find(digest);
    if (session === undefined) return;
    await this.#repository.sessions.delete(digest);
    const person = await this.#repository.findById(session.personId);
    if (person !== undefined) {
      await this.#audit.record({
        actor: personActor(person),
        action: 'session.end',
        subject: personActor(person),
        reason: 'signed out',
        detail: { session: digest.slice(0, 16) },
      });
    }
  }

  /** Deletes sessions past their absolute end (a periodic job); the number removed. */
  purgeExpiredSessions(): Promise<number> {
    return this.#repository.sessions.deleteExpired(this.#now().toISOString());
  }

  async #startSession(person: Person, method: SessionRecord['method']): Promise<StartedSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const now = this.#now();
    const expiresAt = new Date(now.getTime() + this.#lifetimeMs).toISOString();
    const digest = sessionDigest(token);
    await this.#repository.sessions.create({
      tokenDigest: digest,
      personId: person.id,
      csrfToken,
      method,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt,
    });
    await this.#audit.record({
      actor: personActor(person),
      action: 'session.start',
      subject: personActor(person),
      reason: method === 'password' ? 'signed in with a password' : 'signed in with single sign-on',
      detail: { method, session: digest.slice(0, 16), expiresAt },
    });
    return { person, token, csrfToken, expiresAt };
  }

  async #update(login: string, patch: Parameters<PeopleRepository['update']>[1]): Promise<Person> {
    const person = await this.#repository.update(login, patch);
    if (person === undefined) throw new EngineError('PERSON_NOT_FOUND', 'no person has that login');
    return person;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.#scrypt);
    return this.#dummyHash;
  }
}
