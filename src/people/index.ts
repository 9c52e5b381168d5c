/**
 * People: console users, their roles and what those allow, passwords, sessions, the child-safety
 * opt-in, optional OIDC single sign-on. Routes and services name a `Permission`; `can` and
 * `mayWorkChildSafety` decide; `PeopleService` owns accounts and sessions; `storage/` implements
 * `PeopleRepository`.
 */

export { LoginThrottle } from './login-throttle.js';
export { loginFromClaims, type OidcPending, type OidcSettings, OidcSignOn, oidcConfiguration } from './oidc.js';
export {
  defaultScryptParameters,
  generatePassword,
  hashPassword,
  minPasswordLength,
  passwordProblem,
  type ScryptParameters,
  verifyPassword,
} from './password.js';
export type { NewPerson, PersonPatch, SessionRecord, StoredPerson } from './people-records.js';
export type { PeopleRepository, SessionRepository } from './people-repository.js';
export {
  type ActiveSession,
  checkLogin,
  checkRoles,
  loginPattern,
  type PeopleAudit,
  type PeopleChange,
  PeopleService,
  type PeopleServiceOptions,
  type StartedSession,
  sessionDigest,
} from './people-service.js';
export {
  can,
  mayWorkChildSafety,
  type Permission,
  type Person,
  permissions,
  permissionsOf,
  personActor,
  type Role,
  rolePermissions,
  roles,
} from './person.js';
