import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loginFromClaims, OidcSignOn, oidcConfiguration } from './oidc.js';

const settings = {
  issuer: 'https://idp.example.org',
  clientId: 'prevail-console',
  clientSecret: 'not-a-real-secret',
  redirectUrl: 'https://prevail.example.org/console/api/auth/oidc/callback',
};

describe('OIDC', () => {
  test('maps preferred_username, else the e-mail local part, to a login; nothing else', () => {
    assert.equal(loginFromClaims({ preferred_username: 'Ana.Silva', email: 'x@example.org' }), 'ana.silva');
    assert.equal(loginFromClaims({ email: 'bob_k@example.org' }), 'bob_k');
    assert.equal(loginFromClaims({ preferred_username: 'has space', email: 'carol@example.org' }), 'carol');
    assert.equal(loginFromClaims({ preferred_username: 'ünïcode' }), undefined);
    assert.equal(loginFromClaims({ email: '@example.org' }), undefined);
    assert.equal(loginFromClaims({ email: 'a@b@example.org' }), undefined, '"a@b" is no login');
    assert.equal(loginFromClaims({ preferred_username: 'x'.repeat(65) }), undefined);
    assert.equal(loginFromClaims({ preferred_username: 42, sub: 'abc' }), undefined);
    assert.equal(loginFromClaims(undefined), undefined);
  });

  test('start redirects to the provider with PKCE (S256), state and the registered callback', async () => {
    const configuration = oidcConfiguration(
      {
        issuer: settings.issuer,
        authorization_endpoint: 'https://idp.example.org/authorize',
        token_endpoint: 'https://idp.example.org/token',
      },
      settings,
    );
    const signOn = new OidcSignOn(settings, configuration);
    const first = await signOn.start();
    const second = await signOn.start();
    assert.equal(first.url.origin + first.url.pathname, 'https://idp.example.org/authorize');
    const query = first.url.searchParams;
    assert.equal(query.get('client_id'), 'prevail-console');
    assert.equal(query.get('response_type'), 'code');
    assert.equal(query.get('redirect_uri'), settings.redirectUrl);
    assert.equal(query.get('code_challenge_method'), 'S256');
    assert.match(query.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(query.get('state'), first.pending.state);
    assert.ok(!first.url.href.includes(first.pending.codeVerifier), 'the verifier never leaves the server');
    assert.ok(!first.url.href.includes(settings.clientSecret));
    assert.notEqual(first.pending.state, second.pending.state);
    assert.notEqual(first.pending.codeVerifier, second.pending.codeVerifier);
  });

  test('finish refuses without a pending sign-in or with a state that does not match', async () => {
    const configuration = oidcConfiguration(
      {
        issuer: settings.issuer,
        authorization_endpoint: 'https://idp.example.org/authorize',
        token_endpoint: 'https://idp.example.org/token',
      },
      settings,
    );
    const signOn = new OidcSignOn(settings, configuration);
    await assert.rejects(signOn.finish('code=abc&state=x', undefined), { code: 'OIDC_FAILED' });
    const { pending } = await signOn.start();
    await assert.rejects(signOn.finish('code=abc&state=not-the-state', pending), { code: 'OIDC_FAILED' });
    await assert.rejects(signOn.finish('error=access_denied', pending), { code: 'OIDC_FAILED' });
  });

  test('an unreachable provider is OIDC_FAILED, and retried on the next start', async () => {
    const signOn = new OidcSignOn({ ...settings, issuer: 'http://127.0.0.1:9/' });
    await assert.rejects(signOn.start(), { code: 'OIDC_FAILED' });
    await assert.rejects(signOn.start(), { code: 'OIDC_FAILED' });
  });
});
