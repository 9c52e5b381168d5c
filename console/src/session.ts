import { useQuery } from '@tanstack/react-query';
import { api } from './api';
import type { Permission, Session } from './types';

/** The query key of the signed-in session (`GET /console/api/session`). */
export const sessionKey = ['session'] as const;

/** The signed-in session; its error is an `ApiError` with status 401 when nobody is signed in. */
export function useSession() {
  return useQuery({ queryKey: sessionKey, queryFn: api.session, staleTime: 60_000, retry: false });
}

/** Whether the session grants a permission (the navigation and the pages show only what it allows). */
export function allows(session: Session | undefined, permission: Permission): boolean {
  return session?.permissions.includes(permission) ?? false;
}

/** The first page a person may see: their queues, or the one page their role has. */
export function homePath(session: Session): string {
  if (allows(session, 'queues.work')) return '/queues';
  if (allows(session, 'wellness.aggregate')) return '/wellness/aggregate';
  if (allows(session, 'audit.read')) return '/audit';
  if (allows(session, 'dashboards.view')) return '/dashboards';
  if (allows(session, 'people.manage')) return '/people';
  return '/no-access';
}
