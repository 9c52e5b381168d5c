import * as client from 'openid-client';
import { EngineError } from '../core/index.js';
import { loginPattern } from './people-service.js';

/** The OIDC client settings (`PREVAIL_OIDC_*`, all or none). */
export interface OidcSettings {
  /** The identity provider's issuer URL (discovery at `<issuer>/.well-known/openid-configuration`). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** This server's callback, as registered at the provider: `https://<host>/console/api/auth/oidc/callback`. */
  readonly redirectUrl: string;
}

/** What the browser keeps between the redirect to the provider and the callback (a cookie). */
export interface OidcPending {
  readonly state: string;
  readonly codeVerifier: string;
}

/**
 * The login an ID token names: its `preferred_username`, else the local part of its `email`,
 * lowercased; undefined when neither is a valid login (`[a-z0-9._-]{1,64}`). People are never
 * created from a token: the login must already belong to a person an administrator created.
 */
export function loginFromClaims(claims: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (claims === undefined) return undefined;
  const candidates: string[] = [];
  if (typeof claims.preferred_username === 'string') candidates.push(claims.preferred_username);
  if (typeof claims.email === 'string') {
    const at = claims.email.lastIndexOf('@');
    if (at > 0) candidates.push(claims.email.slice(0, at));
  }
  for (const candidate of candidates) {
    const login = candidate.trim().toLowerCase();
    if (loginPattern.test(login)) return login;
  }
  return undefined;
}

/**
 * Optional single sign-on with OpenID Connect (authorization code flow with PKCE and state, via
 * openid-client). The provider's metadata is discovered on first use (not at start-up, so a
 * provider that is down does not stop the server) and kept; a failed discovery is retried on
 * the next sign-in.
 */
export class OidcSignOn {
  readonly #settings: OidcSettings;
  readonly #discover: () => Promise<client.Configuration>;
  #configuration: Promise<client.Configuration> | undefined;

  /**
   * @param configuration the provider's configuration, for tests (skips discovery).
   */
  constructor(settings: OidcSettings, configuration?: client.Configuration) {
    this.#settings = settings;
    this.#discover =
      configuration === undefined
        ? () => client.discovery(new URL(settings.issuer), settings.clientId, settings.clientSecret)
        : async () => configuration;
  }

  /**
   * The provider's authorization URL to redirect the browser to, and what to keep until the
   * callback (fresh random state and PKCE verifier each time).
   *
   * @throws EngineError `OIDC_FAILED` when the provider cannot be discovered.
   */
  async start(): Promise<{ readonly url: URL; readonly pending: OidcPending }> {
    const configuration = await this.#config();
    const codeVerifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.#settings.redirectUrl,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
    });
    return { url, pending: { state, codeVerifier } };
  }

  /**
   * Completes the flow from the callback's query string: exchanges the code (checking state and
   * PKCE, and the ID token's signature, issuer, audience and expiry) and returns the login the ID
   * token names (`loginFromClaims`). Whether a person has that login is the caller's check.
   *
   * @throws EngineError `OIDC_FAILED` (no pending state, a mismatch, a refusal by the provider,
   *   no usable login in the token).
   */
  async finish(query: string, pending: OidcPending | undefined): Promise<string> {
    if (pending === undefined) throw new EngineError('OIDC_FAILED', 'no sign-in is pending here: start again');
    const configuration = await this.#config();
    const current = new URL(this.#settings.redirectUrl);
    current.search = query;
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        idTokenExpected: true,
      });
      claims = tokens.claims();
    } catch (error) {
      throw new EngineError('OIDC_FAILED', `the identity provider's answer was refused: ${(error as Error).message}`, {
        cause: error,
      });
    }
    const login = loginFromClaims(claims);
    if (login === undefined)
      throw new EngineError('OIDC_FAILED', 'the ID token has no preferred_username or email that is a valid login');
    return login;
  }

  #config(): Promise<client.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = undefined;
      throw new EngineError(
        'OIDC_FAILED',
        `the identity provider could not be discovered: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    });
    return this.#configuration;
  }
}

/** The provider configuration built from known metadata (tests, providers without discovery). */
export function oidcConfiguration(
  metadata: { issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri?: string },
  settings: Pick<OidcSettings, 'clientId' | 'clientSecret'>,
): client.Configuration {
  return new client.Configuration(metadata, settings.clientId, settings.clientSecret);
}
