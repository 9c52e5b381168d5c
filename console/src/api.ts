/**
 * The typed client of the console API (`/console/api`, same origin).
 *
 * Contract: every request sends the session cookie (`credentials: 'same-origin'`); every write
 * (POST, PUT, DELETE) sends the session's CSRF token in `x-csrf-token` (set by {@link setCsrfToken}
 * from the session response). A failure answers `{error:{code,message}}` and becomes an
 * {@link ApiError} with that code and the HTTP status; a 401 also calls the handler set by
 * {@link onUnauthorized} (the app sends the person to the login page), except for the session
 * check itself, whose 401 simply means "not signed in".
 */
import type {
  AggregateDay,
  AuditEntry,
  CaseAction,
  CaseReports,
  CaseView,
  Classification,
  CybertipRequest,
  Dashboards,
  DecisionAction,
  Exposure,
  ExposureLimits,
  FilingRequest,
  LedgerEntry,
  MatchFeedback,
  MatchFeedbackRequest,
  Person,
  PreferencesAnswer,
  Queue,
  QueueItem,
  ReportResult,
  Reveal,
  RevealedMessage,
  Role,
  Session,
  SignInMethods,
  SubmissionSummary,
  WellnessDefaults,
  WellnessPreferences,
} from './types';

export const apiBase = '/console/api';

/** A refused or failed API call: the server's error code and message, and the HTTP status. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly body: unknown;
  constructor(status: number, code: string, message: string, body: unknown = null) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

let csrfToken: string | null = null;
let unauthorizedHandler: (() => void) | null = null;

/** The CSRF token later writes send; `null` after logging out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** What to do when a call answers 401 (the session ended): the app navigates to the login page. */
export function onUnauthorized(handler: (() => void) | null): void {
  unauthorizedHandler = handler;
}

interface RequestOptions {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly body?: unknown;
  /** A 401 is an answer, not an ended session (the session check on the login page). */
  readonly quietUnauthorized?: boolean;
}

async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken !== null) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', `the server could not be reached (${String(cause)})`);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`;
    const message = typeof error?.message === 'string' ? error.message : response.statusText || 'request failed';
    if (response.status === 401 && options.quietUnauthorized !== true) unauthorizedHandler?.();
    throw new ApiError(response.status, code, message, parsed);
  }
  return parsed as T;
}

const enc = encodeURIComponent;

/** The calls the pages make, one per contract route. */
export const api = {
  session: () => request<Session>('/session', { quietUnauthorized: true }),
  login: (login: string, password: string) =>
    request<Session>('/session', { method: 'POST', body: { login, password }, quietUnauthorized: true }),
  logout: () => request<void>('/session', { method: 'DELETE', quietUnauthorized: true }),
  oidcStartUrl: `${apiBase}/auth/oidc/start`,
  signInMethods: () => request<SignInMethods>('/auth/methods', { quietUnauthorized: true }),

  people: () => request<{ people: Person[] }>('/people'),
  addPerson: (person: { login: string; displayName: string; password: string; roles: Role[] }) =>
    request<{ person: Person }>('/people', { method: 'POST', body: person }),
  optIn: (login: string, optIn: boolean, reason: string) =>
    request<{ person: Person }>(`/people/${enc(login)}/opt-in`, { method: 'POST', body: { optIn, reason } }),

  queues: () => request<{ queues: Queue[] }>('/queues'),
  queueCases: (name: string, limit = 100) =>
    request<{ cases: QueueItem[] }>(`/queues/${enc(name)}/cases?limit=${limit}`),
  claimNext: (name: string) =>
    request<{ item: QueueItem | null }>(`/queues/${enc(name)}/claim-next`, { method: 'POST' }),
  claim: (caseId: number) => request<{ item: QueueItem }>(`/cases/${caseId}/claim`, { method: 'POST' }),
  release: (caseId: number, reason: string) =>
    request<{ item: QueueItem }>(`/cases/${caseId}/release`, { method: 'POST', body: { reason } }),
  stepAway: (caseId: number) => request<{ item: QueueItem }>(`/cases/${caseId}/step-away`, { method: 'POST' }),
  setImminent: (caseId: number, imminent: boolean, reason: string) =>
    request<{ item: QueueItem }>(`/cases/${caseId}/imminent`, { method: 'POST', body: { imminent, reason } }),

  caseView: (caseId: number) => request<CaseView>(`/cases/${caseId}`),
  decide: (caseId: number, decision: { action: DecisionAction; reason?: string; classification?: Classification }) =>
    request<{ case: unknown }>(`/cases/${caseId}/decision`, { method: 'POST', body: decision }),
  label: (caseId: number, label: string, reason: string) =>
    request<unknown>(`/cases/${caseId}/labels`, { method: 'POST', body: { label, reason } }),
  comment: (caseId: number, text: string) =>
    request<unknown>(`/cases/${caseId}/comments`, { method: 'POST', body: { text } }),
  secondOpinion: (caseId: number, reason: string) =>
    request<unknown>(`/cases/${caseId}/second-opinion`, { method: 'POST', body: { reason } }),
  buildReport: (caseId: number, format: 'goaml' | 'fincen') =>
    request<ReportResult>(`/cases/${caseId}/reports`, { method: 'POST', body: { format } }),
  /** The actions the case triggered and their deliveries (status, attempts, last error, next retry). */
  caseActions: (caseId: number) => request<{ actions: CaseAction[] }>(`/cases/${caseId}/actions`),
  matchFeedback: (caseId: number) => request<{ feedback: MatchFeedback[] }>(`/cases/${caseId}/exchange-feedback`),
  giveMatchFeedback: (caseId: number, body: MatchFeedbackRequest) =>
    request<{ feedback: MatchFeedback; queued: boolean }>(`/cases/${caseId}/exchange-feedback`, {
      method: 'POST',
      body,
    }),
  /** Where the case's reports went (the ledger) and its CyberTipline submissions. */
  caseReports: (caseId: number) => request<CaseReports>(`/cases/${caseId}/reports`),
  /** Reports the confirmed case to NCMEC's CyberTipline (one report per decision; the server sends it). */
  submitCybertip: (caseId: number, submit: CybertipRequest) =>
    request<{ submission: SubmissionSummary }>(`/cases/${caseId}/cybertip`, { method: 'POST', body: submit }),
  /** Records a report filed outside Prevail (an FIU portal) in the ledger; answers the ledger. */
  recordFiling: (caseId: number, filing: FilingRequest) =>
    request<{ ledger: LedgerEntry[] }>(`/cases/${caseId}/filings`, { method: 'POST', body: filing }),

  /** Reveals one chat message's text (audited on the server; a reason when the policy asks for one). */
  revealMessage: (caseId: number, messageId: string, reason: string) =>
    request<RevealedMessage>(`/cases/${caseId}/messages/${enc(messageId)}/reveal`, {
      method: 'POST',
      body: reason === '' ? {} : { reason },
    }),

  dashboards: (days = 30) => request<Dashboards>(`/dashboards?days=${days}`),
  audit: (after: number | null, limit: number) =>
    request<{ entries: AuditEntry[] }>(`/audit?limit=${limit}${after === null ? '' : `&after=${after}`}`),

  renditionUrl: (mediaId: string, frame?: number) =>
    `${apiBase}/media/${enc(mediaId)}/rendition${frame === undefined ? '' : `?frame=${frame}`}`,
  rendition: (mediaId: string) => rendition(mediaId),
  reveal: (mediaId: string, options: { reason?: string; frame?: number } = {}) =>
    request<Reveal>(`/media/${enc(mediaId)}/reveal`, {
      method: 'POST',
      body: {
        ...(options.reason === undefined || options.reason === '' ? {} : { reason: options.reason }),
        ...(options.frame === undefined || options.frame === 0 ? {} : { frame: options.frame }),
      },
    }),

  preferences: () => request<PreferencesAnswer>('/wellness/preferences'),
  /** Replaces the person's own overrides; answers the effective preferences. */
  savePreferences: (own: Partial<WellnessPreferences>) =>
    request<{ preferences: WellnessPreferences }>('/wellness/preferences', { method: 'PUT', body: own }),
  defaults: () => request<WellnessDefaults>('/wellness/defaults'),
  saveDefaults: (change: { preferences?: Partial<WellnessPreferences>; limits?: Partial<ExposureLimits> }) =>
    request<WellnessDefaults>('/wellness/defaults', { method: 'PUT', body: change }),
  exposure: () => request<Exposure>('/wellness/exposure'),
  aggregate: (days = 28) => request<{ days: AggregateDay[] }>(`/wellness/aggregate?days=${days}`),
};

/** A blurred rendition's first frame as an object URL, with the frame count and what the media turned out to be. */
interface RenditionInfo {
  readonly objectUrl: string;
  readonly frames: number;
  readonly kind: 'image' | 'video';
}

/**
 * Loads frame 0 of an item's rendition once, reading `x-frame-count` and `x-media-kind` from the
 * same answer (a video's filmstrip length); the picture becomes an object URL (the caller revokes
 * it). Errors become {@link ApiError}s like any call's.
 */
async function rendition(mediaId: string): Promise<RenditionInfo> {
  let response: Response;
  try {
    response = await fetch(api.renditionUrl(mediaId), {
      credentials: 'same-origin',
      referrerPolicy: 'no-referrer',
      cache: 'no-store',
    });
  } catch (cause) {
    throw new ApiError(0, 'NETWORK', `the server could not be reached (${String(cause)})`);
  }
  if (!response.ok) {
    let parsed: unknown = null;
    try {
      parsed = await response.json();
    } catch {
      parsed = null;
    }
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (response.status === 401) unauthorizedHandler?.();
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : response.statusText || 'request failed',
      parsed,
    );
  }
  const frames = Number(response.headers.get('x-frame-count') ?? '1');
  const kind = response.headers.get('x-media-kind') === 'video' ? 'video' : 'image';
  const blob = await response.blob();
  return {
    objectUrl: URL.createObjectURL(blob),
    frames: Number.isInteger(frames) && frames > 0 ? frames : 1,
    kind,
  };
}

/** The newest `limit` audit entries (one request: the server reads back from the newest). */
export async function newestAuditEntries(limit: number): Promise<{ entries: AuditEntry[]; after: number }> {
  const { entries } = await request<{ entries: AuditEntry[] }>(`/audit?newest=true&limit=${limit}`);
  return { entries, after: (entries[0]?.seq ?? 1) - 1 };
}

/** A human message for any thrown value (an {@link ApiError} names its code). */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
