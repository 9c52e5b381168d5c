/** What a readiness probe looked at, each `ok` or why not. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: {
    /** `ok`, or `loading` while the match index is still being read from the store. */
    readonly index: 'ok' | 'loading';
    /**
     * `ok`, `unreachable` (the query failed), `timeout` (no answer within the probe's deadline)
     * or `absent` (the server was given no way to ask the database: not checked).
     */
    readonly database: 'ok' | 'unreachable' | 'timeout' | 'absent';
    /**
     * `ok`; `failing` while the signals engine's last store operation failed (it retries with
     * backoff; events are logged but not processed); `absent` when this server runs no engine.
     */
    readonly engine: 'ok' | 'failing' | 'absent';
  };
}

/** What readiness is computed from: each part of the server that must work before traffic is sent to it. */
export interface ReadinessSources {
  readonly indexReady: () => boolean;
  /** One trivial query on the store; rejects when the database does not answer. Absent: not checked. */
  readonly pingDatabase?: () => Promise<void>;
  /** The engine's last store failure (`null` once processing succeeds again); absent: no engine. */
  readonly engineStoreError?: () => string | null;
  /** Called with the database's error, for the log (the probe's answer does not carry it). */
  readonly onDatabaseError?: (error: unknown) => void;
}

/**
 * How long the database may take to answer a probe. Load balancers and kubelets give a probe
 * 1 s by default; a database slower than this is treated as down for the probe's purpose.
 */
export const readinessDatabaseTimeoutMs = 900;

/**
 * Whether the server can serve: its index loaded, its database answering within
 * `timeoutMs`, its engine not stuck on a failing store. Never throws. The database's error
 * message (which may name hosts) goes to `onDatabaseError`, never into the answer, which is
 * public.
 */
export async function checkReadiness(
  sources: ReadinessSources,
  timeoutMs = readinessDatabaseTimeoutMs,
): Promise<Readiness> {
  const index = sources.indexReady() ? 'ok' : 'loading';
  const database = await pingWithin(sources, timeoutMs);
  const engine =
    sources.engineStoreError === undefined ? 'absent' : sources.engineStoreError() === null ? 'ok' : 'failing';
  return {
    ready: index === 'ok' && (database === 'ok' || database === 'absent') && engine !== 'failing',
    checks: { index, database, engine },
  };
}

async function pingWithin(sources: ReadinessSources, timeoutMs: number): Promise<Readiness['checks']['database']> {
  const ping = sources.pingDatabase;
  if (ping === undefined) return 'absent';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      ping().then(
        () => 'ok' as const,
        (error: unknown) => {
          sources.onDatabaseError?.(error);
          return 'unreachable' as const;
        },
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
