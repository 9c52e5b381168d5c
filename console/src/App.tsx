import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { onUnauthorized } from './api';
import { Layout } from './components/Layout';
import { RequirePermission } from './components/RequirePermission';
import { AuditPage } from './pages/AuditPage';
import { HomePage } from './pages/HomePage';
import { LoginPage } from './pages/LoginPage';
import { NotFoundPage } from './pages/NotFoundPage';
import { PeoplePage } from './pages/PeoplePage';
import { QueuePage } from './pages/QueuePage';
import { QueuesPage } from './pages/QueuesPage';
import { WellnessPage } from './pages/WellnessPage';
import { sessionKey } from './session';

// The pages with the large libraries (Cytoscape, Recharts) load when first opened.
const CasePage = lazy(() => import('./pages/CasePage').then((module) => ({ default: module.CasePage })));
const DashboardsPage = lazy(() =>
  import('./pages/DashboardsPage').then((module) => ({ default: module.DashboardsPage })),
);
const WellnessAggregatePage = lazy(() =>
  import('./pages/WellnessAggregatePage').then((module) => ({ default: module.WellnessAggregatePage })),
);

/** The console's routes (under the router's `/console` basename); every page but login needs a session. */
export function App() {
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  useEffect(() => {
    // An ended session anywhere sends the person to the login page, then back where they were.
    onUnauthorized(() => {
      queryClient.removeQueries({ queryKey: sessionKey });
      if (location.pathname !== '/login') navigate('/login', { replace: true, state: { from: location.pathname } });
    });
    return () => onUnauthorized(null);
  }, [navigate, location.pathname, queryClient]);

  return (
    <Suspense fallback={<p role="status">Loading…</p>}>
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route element={<Layout />}>
          <Route index element={<HomePage />} />
          <Route element={<RequirePermission permission="queues.work" />}>
            <Route path="queues" element={<QueuesPage />} />
            <Route path="queues/:name" element={<QueuePage />} />
            <Route path="wellness" element={<WellnessPage />} />
          </Route>
          <Route element={<RequirePermission permission="cases.review" />}>
            <Route path="cases/:id" element={<CasePage />} />
          </Route>
          <Route element={<RequirePermission permission="wellness.aggregate" />}>
            <Route path="wellness/aggregate" element={<WellnessAggregatePage />} />
          </Route>
          <Route element={<RequirePermission permission="dashboards.view" />}>
            <Route path="dashboards" element={<DashboardsPage />} />
          </Route>
          <Route element={<RequirePermission permission="audit.read" />}>
            <Route path="audit" element={<AuditPage />} />
          </Route>
          <Route element={<RequirePermission permission="people.manage" />}>
            <Route path="people" element={<PeoplePage />} />
          </Route>
          <Route path="home" element={<Navigate to="/" replace />} />
          <Route path="*" element={<NotFoundPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}
