import { Link } from 'react-router';

/** Any console path no page claims. */
export function NotFoundPage() {
  return (
    <section aria-labelledby="not-found-heading" data-testid="not-found">
      <h1 id="not-found-heading">Page not found</h1>
      <p>
        <Link to="/">Back to the start page</Link>
      </p>
    </section>
  );
}
