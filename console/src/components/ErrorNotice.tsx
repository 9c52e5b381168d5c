import { errorText } from '../api';

/** A failed call, said plainly (with the server's error code) in an alert region. */
export function ErrorNotice({ error, testId = 'error' }: { readonly error: unknown; readonly testId?: string }) {
  if (error === null || error === undefined) return null;
  return (
    <p role="alert" className="notice error" data-testid={testId}>
      {errorText(error)}
    </p>
  );
}
