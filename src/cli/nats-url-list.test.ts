import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { natsUrlList } from './options.js';

test('--events takes NATS server URLs, trimmed', () => {
  assert.equal(natsUrlList('nats://127.0.0.1:4222'), 'nats://127.0.0.1:4222');
  assert.equal(natsUrlList(' nats://a:4222 , tls://b.example:4222 '), 'nats://a:4222,tls://b.example:4222');
});

test('--events refuses what is not a NATS server URL', () => {
  const bad = [
    'nats server',
    'http://127.0.0.1:4222',
    'nats://127.0.0.1:4222/x',
    'nats://127.0.0.1:4222\u0000',
    'nats://127.0.0.1:\t4222',
    'nats://\u202e127.0.0.1:4222',
    'nats://бус.example:4222',
    ' , ',
    '',
    `nats://${'a'.repeat(5000)}:4222`,
    'nats://127.0.0.1:99999999',
    'nats://:4222',
  ];
  for (const value of bad)
    assert.throws(() => natsUrlList(value), InvalidArgumentError, JSON.stringify(value.slice(0, 40)));
});
