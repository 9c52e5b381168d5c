import type { Person, Role } from './person.js';

/**
 * What storage keeps of people and their sessions. The password is only ever a scrypt hash
 * (`password.ts`); a session's token is only ever its SHA-256 digest.
 */

/** A person as stored, with the password hash (null: password sign-in off, e.g. single sign-on only). */
export interface StoredPerson {
  readonly person: Person;
  readonly passwordHash: string | null;
}

/** A new person for `PeopleRepository.create`. */
export interface NewPerson {
  readonly login: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  readonly passwordHash: string | null;
  readonly createdAt: string;
}

/** A change to a stored person; absent fields stay as they are. */
export interface PersonPatch {
  readonly displayName?: string;
  readonly roles?: readonly Role[];
  readonly disabled?: boolean;
  readonly childSafetyOptInAt?: string | null;
  readonly passwordHash?: string | null;
}

/** A signed-in session as stored: the token's SHA-256 digest, never the token. */
export interface SessionRecord {
  /** SHA-256 of the token (hex). */
  readonly tokenDigest: string;
  readonly personId: number;
  /** The per-session CSRF token the console sends back in `x-csrf-token`. */
  readonly csrfToken: string;
  /** How the person signed in: `password` or `oidc`. */
  readonly method: 'password' | 'oidc';
  readonly createdAt: string;
  /** The last request seen (the idle clock counts from here). */
  readonly lastSeenAt: string;
  /** The absolute end, however active the session is. */
  readonly expiresAt: string;
}
