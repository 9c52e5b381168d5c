import { Navigate } from 'react-router';
import { homePath, useSession } from '../session';

/** `/console/`: sends the person to the first page their role has. */
export function HomePage() {
  const session = useSession();
  if (session.data === undefined) return null;
  const path = homePath(session.data);
  if (path === '/no-access') {
    return (
      <section aria-labelledby="home-heading">
        <h1 id="home-heading">No pages for your role</h1>
        <p>Your account has no console permissions yet. Ask an administrator.</p>
      </section>
    );
  }
  return <Navigate to={path} replace />;
}
