/**
 * People of the console: who they are, the roles they hold and what each role may do. The
 * permission table is the one place that says what a role allows; routes name a permission,
 * never a role.
 */

/** The roles a person can hold (several at once). */
export const roles = ['admin', 'child_safety_reviewer', 'payments_analyst', 'wellness_lead', 'auditor'] as const;
export type Role = (typeof roles)[number];

/** What a route or an action needs. */
export const permissions = [
  'people.manage',
  'settings.manage',
  'queues.work',
  'cases.review',
  'media.reveal',
  'reports.build',
  'dashboards.view',
  'wellness.aggregate',
  'audit.read',
] as const;
export type Permission = (typeof permissions)[number];

/**
 * What each role allows. The wellness lead sees aggregate exposure only (never a decision, a case
 * or media); the auditor reads the audit log only. Child-safety queues need more than a
 * permission: the `child_safety_reviewer` role and the person's recorded opt-in
 * (`mayWorkChildSafety`).
 */
export const rolePermissions: Readonly<Record<Role, readonly Permission[]>> = {
  admin: ['people.manage', 'settings.manage', 'queues.work', 'cases.review', 'reports.build', 'dashboards.view'],
  child_safety_reviewer: ['queues.work', 'cases.review', 'media.reveal', 'reports.build', 'dashboards.view'],
  payments_analyst: ['queues.work', 'cases.review', 'reports.build', 'dashboards.view'],
  wellness_lead: ['wellness.aggregate'],
  auditor: ['audit.read'],
};

/** A person who uses the console. */
export interface Person {
  readonly id: number;
  /** Unique, lowercase `[a-z0-9._-]{1,64}`; the audit log names the person as `person:<login>`. */
  readonly login: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
  /** When the person recorded their opt-in to child-safety work; null: not opted in (or withdrawn). */
  readonly childSafetyOptInAt: string | null;
  readonly disabled: boolean;
  readonly createdAt: string;
}

/** The audit actor of a person: `person:<login>`. */
export function personActor(person: Pick<Person, 'login'>): string {
  return `person:${person.login}`;
}

/** Every permission the person's roles give (none when the person is disabled). */
export function permissionsOf(person: Pick<Person, 'roles' | 'disabled'>): Permission[] {
  if (person.disabled) return [];
  return [...new Set(person.roles.flatMap((role) => rolePermissions[role]))].sort();
}

/** Whether the person may do what `permission` names. */
export function can(person: Pick<Person, 'roles' | 'disabled'>, permission: Permission): boolean {
  return !person.disabled && person.roles.some((role) => rolePermissions[role].includes(permission));
}

/**
 * Whether the person may work child-safety material: the `child_safety_reviewer` role **and** a
 * recorded opt-in, both required (the role alone is not consent).
 */
export function mayWorkChildSafety(person: Pick<Person, 'roles' | 'disabled' | 'childSafetyOptInAt'>): boolean {
  return !person.disabled && person.roles.includes('child_safety_reviewer') && person.childSafetyOptInAt !== null;
}
