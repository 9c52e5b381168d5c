import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Navigate, NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError, api, setCsrfToken } from '../api';
import { useShortcuts } from '../keyboard';
import { allows, useSession } from '../session';
import type { Permission } from '../types';
import { ErrorNotice } from './ErrorNotice';
import { ExposureBanner } from './ExposureBanner';
import { ShortcutOverlay } from './ShortcutOverlay';

/** The navigation, each entry shown only when the session grants its permission. */
const navigation: readonly { to: string; label: string; permission: Permission; end?: boolean }[] = [
  { to: '/queues', label: 'Queues', permission: 'queues.work' },
  { to: '/dashboards', label: 'Dashboards', permission: 'dashboards.view' },
  { to: '/wellness', label: 'Wellness', permission: 'queues.work', end: true },
  { to: '/wellness/aggregate', label: 'Exposure overview', permission: 'wellness.aggregate' },
  { to: '/audit', label: 'Audit log', permission: 'audit.read' },
  { to: '/people', label: 'People', permission: 'people.manage' },
];

/**
 * The frame of every signed-in page: a skip link, the banner with the navigation and sign-out,
 * the main landmark, the exposure warning, and the `?` shortcut overlay. Without a session it
 * sends the person to the login page.
 */
export function Layout() {
  const session = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [helpOpen, setHelpOpen] = useState(false);
  useShortcuts([{ key: '?', label: 'Show keyboard shortcuts', run: () => setHelpOpen((open) => !open) }]);
  const mayReveal = allows(session.data, 'media.reveal');
  const exposure = useQuery({ queryKey: ['exposure'], queryFn: api.exposure, enabled: mayReveal, staleTime: 30_000 });

  if (session.isPending) {
    return (
      <main id="main" className="centered">
        <p role="status">Loading…</p>
      </main>
    );
  }
  if (session.error instanceof ApiError && session.error.status === 401) {
    return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  }
  if (session.error !== null || session.data === undefined) {
    return (
      <main id="main" className="centered">
        <h1>The console could not start</h1>
        <ErrorNotice error={session.error} />
      </main>
    );
  }
  setCsrfToken(session.data.csrfToken);
  const data = session.data;

  const signOut = async () => {
    try {
      await api.logout();
    } finally {
      setCsrfToken(null);
      queryClient.clear();
      navigate('/login', { replace: true });
    }
  };

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <header className="banner">
        <span className="brand">Prevail review console</span>
        <nav aria-label="Main">
          <ul>
            {navigation
              .filter((entry) => allows(data, entry.permission))
              .map((entry) => (
                <li key={entry.to}>
                  <NavLink
                    to={entry.to}
                    end={entry.end ?? false}
                    data-testid={`nav-${entry.to.slice(1).replace('/', '-')}`}
                  >
                    {entry.label}
                  </NavLink>
                </li>
              ))}
          </ul>
        </nav>
        <div className="who">
          <span data-testid="signed-in-as">{data.person.displayName}</span>
          <button type="button" className="quiet" onClick={() => setHelpOpen(true)} aria-haspopup="dialog">
            Shortcuts <kbd>?</kbd>
          </button>
          <button type="button" className="quiet" onClick={signOut} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </header>
      {exposure.data !== undefined && exposure.data.status !== 'ok' && <ExposureBanner exposure={exposure.data} />}
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
      {helpOpen && <ShortcutOverlay onClose={() => setHelpOpen(false)} />}
    </div>
  );
}
