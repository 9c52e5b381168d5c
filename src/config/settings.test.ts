import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { defaultSettings, readSettings, settingVariables } from './settings.js';

describe('One validated configuration', () => {
  test('every setting has a default; an empty variable counts as unset', () => {
    const settings = readSettings({ PREVAIL_PORT: '', PREVAIL_DATA_DIR: '  ' });
    assert.deepEqual(settings, defaultSettings());
    assert.equal(settings.dataDir, './data');
    assert.equal(settings.host, '127.0.0.1');
    assert.equal(settings.logLevel, 'info');
    assert.equal(settings.maxJsonDepth, 64);
    assert.equal(settings.urlAllowPrivate, false);
  });

  test('values are parsed into their types', () => {
    const settings = readSettings({
      PREVAIL_PORT: '5_200',
      PREVAIL_URL_ALLOW_PRIVATE: 'true',
      PREVAIL_ALLOWED_HOSTS: 'prevail.internal, 10.0.0.5 ,',
      PREVAIL_LOG_LEVEL: 'debug',
      PREVAIL_DATABASE_URL: 'postgres://db/prevail',
      USER: 'analyst',
    });
    assert.equal(settings.port, 5200);
    assert.equal(settings.urlAllowPrivate, true);
    assert.deepEqual(settings.allowedHosts, ['prevail.internal', '10.0.0.5']);
    assert.equal(settings.logLevel, 'debug');
    assert.equal(settings.databaseUrl, 'postgres://db/prevail');
    assert.equal(settings.actor, 'analyst');
  });

  test('an invalid setting is CONFIG_INVALID naming every bad variable, never a secret value', () => {
    assert.throws(
      () => readSettings({ PREVAIL_PORT: 'abc', PREVAIL_LOG_LEVEL: 'loud', PREVAIL_URL_ALLOW_PRIVATE: 'maybe' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /PREVAIL_PORT="abc": expected a positive whole number/);
        assert.match(error.message, /PREVAIL_LOG_LEVEL="loud"/);
        assert.match(error.message, /PREVAIL_URL_ALLOW_PRIVATE="maybe"/);
        return true;
      },
    );
    assert.throws(
      () => readSettings({ PREVAIL_EVIDENCE_KEY: 'not-the-key-secret', PREVAIL_DATABASE_URL: 'mysql://u:pw@h/db' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /PREVAIL_EVIDENCE_KEY: expected 64 hex/);
        assert.match(error.message, /PREVAIL_DATABASE_URL: expected a postgres/);
        assert.doesNotMatch(error.message, /not-the-key-secret|pw@/);
        return true;
      },
    );
    assert.throws(() => readSettings({ PREVAIL_PORT: '70000' }), /PREVAIL_PORT="70000": expected a port/);
  });

  test('stream frame hashing workers: a whole number, 0 (the main thread) allowed', () => {
    assert.equal(readSettings({ PREVAIL_STREAM_HASH_WORKERS: '0' }).streamHashWorkers, 0);
    assert.equal(readSettings({ PREVAIL_STREAM_HASH_WORKERS: '4' }).streamHashWorkers, 4);
    assert.equal(readSettings({}).streamHashWorkers, undefined);
    assert.throws(() => readSettings({ PREVAIL_STREAM_HASH_WORKERS: '-1' }), /PREVAIL_STREAM_HASH_WORKERS/);
  });

  test('stream extra views: the text of a comma-separated list, its shape checked; its names are checked by serve', () => {
    assert.equal(readSettings({}).streamExtraViews, undefined);
    assert.equal(readSettings({ PREVAIL_STREAM_EXTRA_VIEWS: '  ' }).streamExtraViews, undefined, 'empty is unset');
    assert.equal(
      readSettings({ PREVAIL_STREAM_EXTRA_VIEWS: ' corners, small-insets ' }).streamExtraViews,
      'corners, small-insets',
    );
    for (const hostile of [
      'corners\u0000',
      'corners;rm',
      ',corners',
      'corners,,small-insets',
      'Corners',
      'x'.repeat(201),
    ])
      assert.throws(
        () => readSettings({ PREVAIL_STREAM_EXTRA_VIEWS: hostile }),
        (error: Error & { code?: string }) => {
          assert.equal(error.code, 'CONFIG_INVALID');
          assert.match(error.message, /PREVAIL_STREAM_EXTRA_VIEWS=".*": expected (view names|at most 200)/);
          return true;
        },
      );
  });

  test('trusted proxies: IP addresses and CIDR ranges, checked; none by default', () => {
    assert.deepEqual(readSettings({}).trustProxy, []);
    assert.deepEqual(readSettings({ PREVAIL_TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1' }).trustProxy, [
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
    ]);
    assert.throws(() => readSettings({ PREVAIL_TRUST_PROXY: '10.0.0.0/99' }), /PREVAIL_TRUST_PROXY/);
    assert.throws(() => readSettings({ PREVAIL_TRUST_PROXY: 'proxy.internal' }), /PREVAIL_TRUST_PROXY/);
  });

  test('the evidence key ring and the preservation period are checked; key values never shown', () => {
    const keyA = 'a1'.repeat(32);
    const keyB = 'b2'.repeat(32);
    const settings = readSettings({
      PREVAIL_EVIDENCE_KEYS: `k2026b:${keyB}, k2026a:${keyA}`,
      PREVAIL_PRESERVATION_DAYS: '730',
    });
    assert.equal(settings.evidenceKeys, `k2026b:${keyB}, k2026a:${keyA}`);
    assert.equal(settings.preservationDays, 730);
    assert.equal(readSettings({}).preservationDays, 365);
    for (const ring of [`k1:${keyA.slice(1)}`, `k1:${keyA},k1:${keyB}`, `../k:${keyA}`, `k1:${keyA},`, 'k1']) {
      assert.throws(
        () => readSettings({ PREVAIL_EVIDENCE_KEYS: ring }),
        (error: Error & { code?: string }) =>
          error.code === 'CONFIG_INVALID' &&
          /PREVAIL_EVIDENCE_KEYS:/.test(error.message) &&
          !error.message.includes(keyA.slice(2, 20)),
        ring,
      );
    }
    assert.throws(
      () => readSettings({ PREVAIL_PRESERVATION_DAYS: '90' }),
      /PREVAIL_PRESERVATION_DAYS="90": expected 365/,
    );
  });

  test('single sign-on: all four OIDC variables or none, URLs checked, the secret never shown', () => {
    const all = {
      PREVAIL_OIDC_ISSUER: 'https://idp.example.org',
      PREVAIL_OIDC_CLIENT_ID: 'console',
      PREVAIL_OIDC_CLIENT_SECRET: 'hush-hush-secret',
      PREVAIL_OIDC_REDIRECT_URL: 'https://prevail.example.org/console/api/auth/oidc/callback',
    };
    assert.deepEqual(readSettings(all).oidc, {
      issuer: 'https://idp.example.org',
      clientId: 'console',
      clientSecret: 'hush-hush-secret',
      redirectUrl: 'https://prevail.example.org/console/api/auth/oidc/callback',
    });
    assert.equal(readSettings({}).oidc, undefined);
    assert.throws(
      () => readSettings({ ...all, PREVAIL_OIDC_CLIENT_ID: '' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /missing PREVAIL_OIDC_CLIENT_ID/);
        assert.doesNotMatch(error.message, /hush-hush/);
        return true;
      },
    );
    assert.throws(() => readSettings({ ...all, PREVAIL_OIDC_ISSUER: 'ftp://idp' }), /PREVAIL_OIDC_ISSUER/);
    assert.throws(
      () => readSettings({ ...all, PREVAIL_OIDC_REDIRECT_URL: 'https://prevail.example.org/elsewhere' }),
      /PREVAIL_OIDC_REDIRECT_URL/,
    );
  });

  test('the CyberTipline: test unless production is said, credentials both or neither, the password never shown', () => {
    assert.deepEqual(readSettings({}).cybertip, { environment: 'test', timeoutMs: 60_000 });
    const production = readSettings({
      PREVAIL_CYBERTIP_ENVIRONMENT: 'production',
      PREVAIL_CYBERTIP_USERNAME: 'esp-user',
      PREVAIL_CYBERTIP_PASSWORD: 'hush-cybertip-secret',
      PREVAIL_CYBERTIP_TIMEOUT_MS: '5000',
    });
    assert.deepEqual(production.cybertip, {
      environment: 'production',
      username: 'esp-user',
      password: 'hush-cybertip-secret',
      timeoutMs: 5000,
    });
    assert.throws(
      () => readSettings({ PREVAIL_CYBERTIP_ENVIRONMENT: 'prod' }),
      /PREVAIL_CYBERTIP_ENVIRONMENT="prod": expected test or production/,
    );
    assert.throws(
      () => readSettings({ PREVAIL_CYBERTIP_PASSWORD: 'hush-cybertip-secret' }),
      (error: Error & { code?: string }) => {
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.match(error.message, /both PREVAIL_CYBERTIP_USERNAME and PREVAIL_CYBERTIP_PASSWORD/);
        assert.doesNotMatch(error.message, /hush-cybertip/);
        return true;
      },
    );
    assert.throws(
      () => readSettings({ PREVAIL_CYBERTIP_PASSWORD: 'x'.repeat(1001), PREVAIL_CYBERTIP_USERNAME: 'u' }),
      (error: Error) => /PREVAIL_CYBERTIP_PASSWORD:/.test(error.message) && !error.message.includes('xxxx'),
    );
    assert.throws(() => readSettings({ PREVAIL_CYBERTIP_BASE_URL: 'ftp://127.0.0.1' }), /PREVAIL_CYBERTIP_BASE_URL/);
  });

  test('every setting is documented in docs/configuration.md', () => {
    const page = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const documented = new Set([...page.matchAll(/^\|\s*`([A-Z_]+)`\s*\|/gm)].map((match) => match[1]));
    for (const name of settingVariables) assert.ok(documented.has(name), `${name} is documented`);
  });

  test('PREVAIL_ACTIONS_NATS_URL: nats:// servers, several with commas; anything else refused without repeating it', () => {
    assert.equal(
      readSettings({ PREVAIL_ACTIONS_NATS_URL: 'nats://127.0.0.1:4222,tls://u:pw@nats.example:4443' }).actionsNatsUrl,
      'nats://127.0.0.1:4222,tls://u:pw@nats.example:4443',
    );
    assert.equal(readSettings({}).actionsNatsUrl, undefined);
    for (const bad of [
      'http://127.0.0.1:4222',
      'nats://u:secret-pw@host:4222,',
      'nats://host:4222 nats://other',
      'nats://',
      `nats://${'a'.repeat(5000)}`,
      'nats://ho\u0000st',
      'file:///etc/passwd',
    ])
      assert.throws(
        () => readSettings({ PREVAIL_ACTIONS_NATS_URL: bad }),
        (error: Error & { code?: string }) =>
          error.code === 'CONFIG_INVALID' &&
          error.message.includes('PREVAIL_ACTIONS_NATS_URL') &&
          !error.message.includes('secret-pw'),
        bad,
      );
  });
});
