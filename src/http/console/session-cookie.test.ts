import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secureCookies } from './session-cookie.js';

test('cookies are Secure except over plain HTTP to a loopback name (the local demo)', () => {
  const cases: [string, string, boolean][] = [
    ['http', 'localhost:5100', false],
    ['http', '127.0.0.1:5100', false],
    ['http', '[::1]:5100', false],
    ['http', '127.10.0.1', false],
    ['http', 'prevail.example.org', true],
    ['http', '10.0.0.5:5100', true],
    ['http', 'localhost.evil.example', true],
    ['http', '127.0.0.1.nip.io', true],
    ['https', 'localhost:5100', true],
    ['https', 'prevail.example.org', true],
  ];
  for (const [protocol, host, secure] of cases) {
    assert.equal(secureCookies({ protocol: protocol as 'http' | 'https', host }), secure, `${protocol}://${host}`);
  }
});
