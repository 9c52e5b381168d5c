import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { ApiError, api, setCsrfToken } from '../api';
import { ErrorNotice } from '../components/ErrorNotice';
import { homePath, sessionKey, useSession } from '../session';
import type { Session } from '../types';

/** Signing in: login and password, or single sign-on when the server offers it. */
export function LoginPage() {
  const session = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const location = useLocation();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  // Single sign-on is offered only when the server has it configured.
  const methods = useQuery({ queryKey: ['sign-in-methods'], queryFn: api.signInMethods, staleTime: Infinity });
  const from = (location.state as { from?: unknown } | null)?.from;
  /** Back to the page that needed the session, else the person's first page. */
  const target = (data: Session) => (typeof from === 'string' && from !== '/login' ? from : homePath(data));
  const signIn = useMutation({
    mutationFn: () => api.login(login.trim(), password),
    onSuccess: (data) => {
      setCsrfToken(data.csrfToken);
      queryClient.setQueryData(sessionKey, data);
      navigate(target(data), { replace: true });
    },
  });
  useEffect(() => {
    document.title = 'Sign in · Prevail review console';
  }, []);

  if (session.data !== undefined) return <Navigate to={target(session.data)} replace />;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    signIn.mutate();
  };

  return (
    <main id="main" className="login">
      <h1>Prevail review console</h1>
      <form onSubmit={submit} aria-labelledby="login-heading" data-testid="login-form">
        <h2 id="login-heading">Sign in</h2>
        <label htmlFor="login">Login</label>
        <input
          id="login"
          name="login"
          autoComplete="username"
          required
          value={login}
          onChange={(event) => setLogin(event.target.value)}
          data-testid="login-name"
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
          data-testid="login-password"
        />
        <button type="submit" className="primary" disabled={signIn.isPending} data-testid="login-submit">
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        {signIn.error !== null && (
          <ErrorNotice
            error={
              signIn.error instanceof ApiError && signIn.error.status === 401
                ? new Error('The login or the password is not right.')
                : signIn.error
            }
            testId="login-error"
          />
        )}
      </form>
      {methods.data?.oidc === true && (
        <p>
          <a href={api.oidcStartUrl} className="button" data-testid="login-oidc">
            Sign in with your organisation’s single sign-on
          </a>
        </p>
      )}
    </main>
  );
}
