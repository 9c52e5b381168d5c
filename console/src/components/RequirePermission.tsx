import { Outlet } from 'react-router';
import { allows, useSession } from '../session';
import type { Permission } from '../types';

/** Renders its child routes only when the session grants `permission`; otherwise says so. */
export function RequirePermission({ permission }: { readonly permission: Permission }) {
  const session = useSession();
  if (!allows(session.data, permission)) {
    return (
      <section aria-labelledby="forbidden-heading" data-testid="forbidden">
        <h1 id="forbidden-heading">Not available to you</h1>
        <p>Your role does not include this page. Ask an administrator if you need it for your work.</p>
      </section>
    );
  }
  return <Outlet />;
}
