/**
 * People: console users, their roles and what those allow, passwords, sessions, the child-safety
 * opt-in. Routes and services name a `Permission`; `can` and `mayWorkChildSafety` decide.
 */

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
